using Portique.Core;
using Portique.Templating.Parsing;
using Portique.Templating.Runtime;
using Portique.Templating.Syntax;

namespace Portique.Templating;

/// <summary>
/// A parsed Creole template (Cheetah syntax with <c>%</c> directives and <c>%%</c> placeholders; see the
/// project README). Parse once, render many times: the instance is immutable and safe to share across threads.
/// </summary>
public sealed class CreoleTemplate
{
    private readonly Block _root;
    private readonly int _expectedLength;

    private CreoleTemplate(string fileName, Block root, IReadOnlyList<VariableReference> referencedVariables, int expectedLength)
    {
        FileName = fileName;
        this._root = root;
        ReferencedVariables = referencedVariables;
        this._expectedLength = expectedLength;
    }

    /// <summary>The name given at parse time; error subjects start with it.</summary>
    public string FileName { get; }

    /// <summary>Every <c>%%name</c> read from the configuration, in template order, duplicates included.</summary>
    public IReadOnlyList<VariableReference> ReferencedVariables { get; }

    /// <summary>Parses <paramref name="text"/>, or throws a <see cref="TemplateException"/> listing every error found.</summary>
    public static CreoleTemplate Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var parsed = TemplateParser.Parse(text);
        if (parsed.Errors.Count > 0)
        {
            throw new TemplateException([.. parsed.Errors.Select(error => new Diagnostic(error.Position.Subject(fileName), error.Message))]);
        }

        return new CreoleTemplate(fileName, parsed.Root, parsed.References, text.Length);
    }

    /// <summary>Reads and parses a template file; error subjects start with <paramref name="path"/> as given.</summary>
    public static CreoleTemplate Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new TemplateException([new Diagnostic(path, Messages.FormatReadFailed(error.Message))]);
        }

        return Parse(text, path);
    }

    /// <summary>Renders with the variables of <paramref name="scope"/>; runtime errors throw a <see cref="TemplateException"/>.</summary>
    public string Render(ITemplateScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var context = new RenderContext(scope, _expectedLength);
        try
        {
            _root.Execute(context);
        }
        catch (EvaluationException error)
        {
            var subject = error.Position is { } at ? at.Subject(FileName) : FileName;
            throw new TemplateException([new Diagnostic(subject, error.Message)]);
        }

        return context.Output();
    }
}
