using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary>A node of a parsed expression. Errors raised below it get its position unless a deeper node gave one.</summary>
internal abstract class Expression(SourcePosition position, int depth)
{
    public SourcePosition Position { get; } = position;

    /// <summary>Height of the tree below this node; the parser bounds it so evaluation cannot exhaust the stack.</summary>
    public int Depth { get; } = depth;

    public object? Evaluate(RenderContext context)
    {
        try
        {
            return EvaluateCore(context);
        }
        catch (EvaluationException error)
        {
            error.LocateAt(Position);
            throw;
        }
    }

    protected abstract object? EvaluateCore(RenderContext context);

    protected static int DepthAbove(params IEnumerable<Expression?> children) =>
        1 + children.Max(child => child?.Depth ?? 0);
}
