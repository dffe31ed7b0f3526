using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>Literal text, escapes already resolved.</summary>
internal sealed class TextNode(SourcePosition position, string text) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        context.Write(text);
        return Flow.Normal;
    }
}
