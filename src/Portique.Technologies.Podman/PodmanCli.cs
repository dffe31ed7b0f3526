using System.Globalization;
using Portique.Core;

namespace Portique.Technologies.Podman;

/// <summary>What one podman command printed and how it ended.</summary>
internal sealed record PodmanResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>podman's own explanation: its last <c>Error: ...</c> line, else the last line on stderr, else the exit code.</summary>
    public string Error
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var error = lines.LastOrDefault(l => l.StartsWith("Error: ", StringComparison.Ordinal));
            return error is not null ? error["Error: ".Length..]
                : lines.Length > 0 ? lines[^1]
                : string.Create(CultureInfo.InvariantCulture, $"exit code {ExitCode}");
        }
    }

    /// <summary>podman says the container or image does not exist.</summary>
    public bool SaysMissing =>
        ExitCode != 0 && (StandardError.Contains("no such container", StringComparison.OrdinalIgnoreCase)
            || StandardError.Contains("no such object", StringComparison.OrdinalIgnoreCase)
            || StandardError.Contains("image not known", StringComparison.OrdinalIgnoreCase)
            || StandardError.Contains("no such image", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Runs podman through <see cref="Tool"/> (an argument list, never a command line to split) with Portique's
/// configuration in its environment. A podman that cannot be started is a <see cref="ToolMissingException"/>; a command
/// that takes too long is killed and reported.
/// </summary>
internal sealed class PodmanCli(string executable, IReadOnlyDictionary<string, string?> environment)
{
    public string Executable { get; } = executable;

    public async Task<PodmanResult> RunAsync(
        IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, Action<string>? standardErrorLine = null)
    {
        var messages = new ToolMessages(
            (_, _) => Messages.FormatTimedOut(Describe(arguments), timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)),
            Messages.FormatNotInstalled);
        var result = await Tool.RunAsync(Executable, arguments, timeout, messages, cancellationToken, environment, standardErrorLine: standardErrorLine);
        return new PodmanResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>
    /// The lines podman prints on stdout and stderr, in arrival order, until it exits or is cancelled; a non-zero exit is
    /// a <see cref="ToolFailureException"/> with its exit code.
    /// </summary>
    public IAsyncEnumerable<(bool IsError, string Line)> ListenAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Tool.ListenAsync(Executable, arguments, new ToolMessages((command, _) => command, Messages.FormatNotInstalled), environment, cancellationToken);

    /// <summary>The podman subcommand and its first arguments, for messages (never the labels or environment).</summary>
    public static string Describe(IReadOnlyList<string> arguments) => string.Join(' ', arguments.TakeWhile(a => !a.StartsWith('-')).Take(3));
}
