using System.Text;

namespace Portique.Templating.Runtime;

/// <summary>The state of one render: the scope, the template's local variables and the output.</summary>
internal sealed class RenderContext(ITemplateScope scope, int expectedLength)
{
    private readonly StringBuilder output = new(expectedLength);
    private int loopIterations;

    public ITemplateScope Scope => scope;

    /// <summary>Cheetah semantics: <c>%set</c> and <c>%for</c> variables are locals of the whole template.</summary>
    public Dictionary<string, object?> Locals { get; } = new(StringComparer.Ordinal);

    public void Write(string text)
    {
        if (output.Length + (long)text.Length > RenderLimits.MaxOutputLength)
        {
            throw new EvaluationException(Messages.OutputTooLarge(RenderLimits.MaxOutputLength));
        }

        output.Append(text);
    }

    public void CountLoopIteration()
    {
        if (++loopIterations > RenderLimits.MaxLoopIterations)
        {
            throw new EvaluationException(Messages.TooManyLoopIterations(RenderLimits.MaxLoopIterations));
        }
    }

    public string Output() => output.ToString();
}
