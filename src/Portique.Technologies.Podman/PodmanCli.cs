using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CliWrap;
using CliWrap.EventStream;
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
/// Runs podman with an argument list (never a command line to split) and Portique's configuration in its
/// environment. A podman that cannot be started is a <see cref="PodmanMissingException"/>; a command that takes too
/// long is killed and reported.
/// </summary>
internal sealed class PodmanCli(string executable, IReadOnlyDictionary<string, string?> environment)
{
    public string Executable { get; } = executable;

    public async Task<PodmanResult> RunAsync(
        IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, Action<string>? standardErrorLine = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var output = new StringBuilder();
        var error = new StringBuilder();
        var errorTarget = standardErrorLine is null
            ? PipeTarget.ToStringBuilder(error)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(error), PipeTarget.ToDelegate(standardErrorLine));
        try
        {
            var result = await Command(arguments)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
                .WithStandardErrorPipe(errorTarget)
                .ExecuteAsync(limit.Token);
            return new PodmanResult(result.ExitCode, output.ToString(), error.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuntimeFailureException(Messages.TimedOut(Describe(arguments), timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)));
        }
        catch (Win32Exception exception)
        {
            throw new PodmanMissingException(Messages.NotInstalled(Executable, exception.Message), exception);
        }
    }

    /// <summary>The lines podman prints on stdout and stderr, in arrival order, until it exits or is cancelled.</summary>
    public async IAsyncEnumerable<(bool IsError, string Line)> ListenAsync(
        IReadOnlyList<string> arguments, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<CommandEvent> events;
        try
        {
            events = Command(arguments).ListenAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Win32Exception exception)
        {
            throw new PodmanMissingException(Messages.NotInstalled(Executable, exception.Message), exception);
        }

        await using (events)
        {
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (Win32Exception exception)
                {
                    throw new PodmanMissingException(Messages.NotInstalled(Executable, exception.Message), exception);
                }

                switch (events.Current)
                {
                    case StandardOutputCommandEvent output:
                        yield return (false, output.Text);
                        break;
                    case StandardErrorCommandEvent error:
                        yield return (true, error.Text);
                        break;
                    case ExitedCommandEvent exited when exited.ExitCode != 0:
                        throw new PodmanCommandException(exited.ExitCode);
                }
            }
        }
    }

    /// <summary>The podman subcommand and its first arguments, for messages (never the labels or environment).</summary>
    public static string Describe(IReadOnlyList<string> arguments) => string.Join(' ', arguments.TakeWhile(a => !a.StartsWith('-')).Take(3));

    private Command Command(IReadOnlyList<string> arguments) =>
        Cli.Wrap(Executable)
            .WithArguments(arguments)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None);
}

/// <summary>The podman program cannot be started (not installed, wrong path).</summary>
internal sealed class PodmanMissingException(string message, Exception inner) : RuntimeFailureException(message, inner);

/// <summary>A listened-to podman command exited with a failure code.</summary>
internal sealed class PodmanCommandException(int exitCode)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"podman exited with code {exitCode}"))
{
    public int ExitCode { get; } = exitCode;
}
