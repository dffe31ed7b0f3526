using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>A sequence of nodes: the template itself or the body of a directive.</summary>
internal sealed class Block(IReadOnlyList<TemplateNode> nodes)
{
    public Flow Execute(RenderContext context)
    {
        foreach (var node in nodes)
        {
            var flow = node.Execute(context);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }
}
