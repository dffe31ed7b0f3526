using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>What a node asks of the enclosing loop once it has run.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}

/// <summary>A piece of template: text, placeholder or directive. Errors below it get its position if none closer.</summary>
internal abstract class TemplateNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public Flow Execute(RenderContext context)
    {
        try
        {
            return ExecuteCore(context);
        }
        catch (EvaluationException error)
        {
            error.LocateAt(Position);
            throw;
        }
    }

    protected abstract Flow ExecuteCore(RenderContext context);
}
