using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>target.name</c>: a slave of a master row, or a method called without arguments.</summary>
internal sealed class AttributeExpression(SourcePosition position, Expression target, string name)
    : Expression(position, DepthAbove(target))
{
    protected override object? EvaluateCore(RenderContext context) =>
        Members.GetAttribute(target.Evaluate(context), name);
}
