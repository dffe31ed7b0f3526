using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

/// <summary><c>target[index]</c>, negative indexes counting from the end.</summary>
internal sealed class IndexExpression(SourcePosition position, Expression target, Expression index)
    : Expression(position, DepthAbove(target, index))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var sequence = target.Evaluate(context);
        return PythonSequences.Index(sequence, index.Evaluate(context));
    }
}
