using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>target[start:stop]</c>, either bound optional.</summary>
internal sealed class SliceExpression(SourcePosition position, Expression target, Expression? start, Expression? stop)
    : Expression(position, DepthAbove(target, start, stop))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var sequence = target.Evaluate(context);
        var from = start?.Evaluate(context);
        return PythonSequences.Slice(sequence, from, stop?.Evaluate(context));
    }
}
