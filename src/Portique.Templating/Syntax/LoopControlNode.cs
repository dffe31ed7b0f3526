using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>%break</c> or <c>%continue</c>; the parser only accepts them inside a <c>%for</c>.</summary>
internal sealed class LoopControlNode(SourcePosition position, Flow signal) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context) => signal;
}
