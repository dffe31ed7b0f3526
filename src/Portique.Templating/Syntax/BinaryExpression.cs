using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>An arithmetic operation: <c>+ - * / // %</c>.</summary>
internal sealed class BinaryExpression(SourcePosition position, Func<object?, object?, object?> operation, Expression left, Expression right)
    : Expression(position, DepthAbove(left, right))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var leftValue = left.Evaluate(context);
        return operation(leftValue, right.Evaluate(context));
    }
}
