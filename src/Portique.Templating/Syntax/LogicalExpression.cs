using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>Python's short-circuit <c>and</c>/<c>or</c>, which yield one of their operands (not a bool).</summary>
internal sealed class LogicalExpression(SourcePosition position, bool isAnd, Expression left, Expression right)
    : Expression(position, DepthAbove(left, right))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var leftValue = left.Evaluate(context);
        return PythonValue.IsTrue(leftValue) == isAnd ? right.Evaluate(context) : leftValue;
    }
}
