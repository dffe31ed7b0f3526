using System.Text;

namespace Portique.Templating.Runtime;

/// <summary>The state of one render: the scope, the template's local variables and the output.</summary>
internal sealed class RenderContext(ITemplateScope scope, int expectedLength)
{
    private StringBuilder _output = new(expectedLength);
    private int _loopIterations;

    public ITemplateScope Scope => scope;

    /// <summary>Cheetah semantics: <c>%set</c> and <c>%for</c> variables are locals of the whole template (an <c>%include</c>d one has its own).</summary>
    public Dictionary<string, object?> Locals { get; private set; } = new(StringComparer.Ordinal);

    /// <summary><c>%set global</c> variables: shared by a template and those it includes.</summary>
    public Dictionary<string, object?> Globals { get; } = new(StringComparer.Ordinal);

    /// <summary>Gives an included template or a <c>%def</c> call fresh locals; returns the current ones, for <see cref="RestoreLocals"/>.</summary>
    public Dictionary<string, object?> EnterOwnLocals()
    {
        var saved = Locals;
        Locals = new Dictionary<string, object?>(StringComparer.Ordinal);
        return saved;
    }

    public void RestoreLocals(Dictionary<string, object?> saved) => Locals = saved;

    public void Write(string text)
    {
        if (_output.Length + (long)text.Length > RenderLimits.MaxOutputLength)
        {
            throw new EvaluationException(Messages.FormatOutputTooLarge(RenderLimits.MaxOutputLength));
        }

        _output.Append(text);
    }

    public void CountLoopIteration()
    {
        if (++_loopIterations > RenderLimits.MaxLoopIterations)
        {
            throw new EvaluationException(Messages.FormatTooManyLoopIterations(RenderLimits.MaxLoopIterations));
        }
    }

    public string Output() => _output.ToString();

    // %def calls and %include render into their own buffer (EOLE compatibility).
    private readonly Stack<StringBuilder> _outer = new();

    /// <summary>The text the last <c>%def</c> call produced.</summary>
    public string? LastCallOutput { get; set; }

    public void BeginCall()
    {
        if (_outer.Count >= RenderLimits.MaxCallDepth)
        {
            throw new EvaluationException(EoleMessages.FormatCallTooDeep(RenderLimits.MaxCallDepth));
        }

        _outer.Push(_output);
        _output = new StringBuilder();
    }

    public string EndCall()
    {
        var text = _output.ToString();
        _output = _outer.Pop();
        return text;
    }
}
