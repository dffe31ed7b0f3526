using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>%%expression</c> in text: writes Python's <c>str()</c> of the value, nothing for <c>None</c> (Cheetah's filter, as EOLE renders).</summary>
internal sealed class PlaceholderNode(SourcePosition position, Expression expression) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        context.Write(PythonText.Placeholder(expression.Evaluate(context)));
        return Flow.Normal;
    }
}
