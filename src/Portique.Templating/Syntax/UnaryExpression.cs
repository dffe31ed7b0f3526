using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>-x</c>, <c>+x</c> or <c>not x</c>.</summary>
internal sealed class UnaryExpression(SourcePosition position, Func<object?, object?> operation, Expression operand)
    : Expression(position, DepthAbove(operand))
{
    protected override object? EvaluateCore(RenderContext context) => operation(operand.Evaluate(context));
}
