using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>A literal: number, string, <c>True</c>, <c>False</c> or <c>None</c>.</summary>
internal sealed class ConstantExpression(SourcePosition position, object? value) : Expression(position, 1)
{
    protected override object? EvaluateCore(RenderContext context) => value;
}
