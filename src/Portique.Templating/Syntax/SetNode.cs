using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>
/// <c>%set %%name = expression</c>: a local of the whole template, so a loop body can update it; <c>%set global</c>:
/// a global, also seen by the templates it <c>%include</c>s and by the one including it (Cheetah's globalSetVars).
/// </summary>
internal sealed class SetNode(SourcePosition position, string name, Expression value, bool isGlobal = false) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        var result = value.Evaluate(context);
        (isGlobal ? context.Globals : context.Locals)[name] = result;
        return Flow.Normal;
    }
}
