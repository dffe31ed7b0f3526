using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>%%expression</c> in text: writes Python's <c>str()</c> of the value.</summary>
internal sealed class PlaceholderNode(SourcePosition position, Expression expression) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        context.Write(PythonText.Str(expression.Evaluate(context)));
        return Flow.Normal;
    }
}
