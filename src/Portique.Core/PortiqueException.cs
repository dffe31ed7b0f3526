namespace Portique.Core;

/// <summary>
/// The root of every error Portique reports to a user. The CLI maps each to its <see cref="ExitCode"/>
/// and prints <see cref="Exception.Message"/> (already localised), never a stack trace.
/// </summary>
public abstract class PortiqueException : Exception
{
    protected PortiqueException(string message, Exception? inner = null) : base(message, inner) { }

    public abstract ExitCode ExitCode { get; }
}

/// <summary>Bad input: configuration values, dictionaries, templates, arguments. Nothing was changed.</summary>
public class InvalidInputException : PortiqueException
{
    public InvalidInputException(IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public InvalidInputException(string subject, string message)
        : this([new Diagnostic(subject, message)]) { }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public override ExitCode ExitCode => ExitCode.InvalidInput;
}

/// <summary>A dictionary file cannot be used (syntax, unknown construct). Subject is <c>file:line</c>.</summary>
public sealed class DictionaryException(IReadOnlyList<Diagnostic> diagnostics) : InvalidInputException(diagnostics);

/// <summary>A template cannot be parsed or rendered. Subject is <c>file:line:column</c>.</summary>
public sealed class TemplateException(IReadOnlyList<Diagnostic> diagnostics) : InvalidInputException(diagnostics);

/// <summary>Configuration values break the dictionaries' rules. Subjects are variable names.</summary>
public sealed class ConfigurationInvalidException(IReadOnlyList<Diagnostic> diagnostics) : InvalidInputException(diagnostics);

/// <summary>Something outside Portique failed at run time (engine, network, nginx, hook). Exit code 1.</summary>
public class RuntimeFailureException : PortiqueException
{
    public RuntimeFailureException(string message, Exception? inner = null) : base(message, inner) { }

    public override ExitCode ExitCode => ExitCode.RuntimeFailure;
}
