using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>A list display <c>[a, b]</c>.</summary>
internal sealed class ListExpression(SourcePosition position, IReadOnlyList<Expression> items)
    : Expression(position, DepthAbove([null, .. items]))
{
    protected override object? EvaluateCore(RenderContext context) =>
        items.Select(item => item.Evaluate(context)).ToList();
}
