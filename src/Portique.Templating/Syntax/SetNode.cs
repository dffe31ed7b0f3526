using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>%set %%name = expression</c>: a local of the whole template, so a loop body can update it.</summary>
internal sealed class SetNode(SourcePosition position, string name, Expression value) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        context.Locals[name] = value.Evaluate(context);
        return Flow.Normal;
    }
}
