using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>One link of a comparison chain: the operator and its right operand.</summary>
internal sealed record ComparisonLink(Func<object?, object?, bool> Operation, Expression Right);

/// <summary>A comparison chain <c>a &lt; b &lt;= c</c>, true when every link holds, as in Python.</summary>
internal sealed class ComparisonExpression(SourcePosition position, Expression first, IReadOnlyList<ComparisonLink> links)
    : Expression(position, DepthAbove([first, .. links.Select(link => link.Right)]))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var left = first.Evaluate(context);
        foreach (var link in links)
        {
            var right = link.Right.Evaluate(context);
            if (!link.Operation(left, right))
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}
