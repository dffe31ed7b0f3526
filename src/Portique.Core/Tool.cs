using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CliWrap;
using CliWrap.EventStream;
using Portique.Core.Resources;
namespace Portique.Core;

/// <summary>What a finished command said.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The command as an administrator would type it (see <see cref="Tool.Display"/>).</summary>
    public string Command { get; init; } = "";

    public bool Succeeded => ExitCode == 0;

    /// <summary>This result when the command succeeded, else a <see cref="ToolFailureException"/> with the caller's message.</summary>
    public ToolResult EnsureSucceeded(Func<ToolResult, string> message) =>
        Succeeded ? this : throw new ToolFailureException(message(this), Command, ExitCode);

    /// <summary>The last lines of stderr (else stdout), for a message: never empty.</summary>
    public string Detail => Tool.LastLines(StandardError.Trim().Length > 0 ? StandardError : StandardOutput);
}

/// <summary>
/// A program Portique runs failed: the user's message (the caller's, localized), and for logs and callers the command
/// (as displayed, see <see cref="Tool.Display"/>) and its exit code (null when it never finished: not started, timed out).
/// </summary>
public class ToolFailureException(string message, string command, int? exitCode, Exception? inner = null)
    : RuntimeFailureException(message, inner)
{
    public string Command { get; } = command;

    public int? CommandExitCode { get; } = exitCode;
}

/// <summary>A program Portique runs is not installed (or not executable).</summary>
public sealed class ToolMissingException(string executable, string command, string message, Exception inner)
    : ToolFailureException(message, command, exitCode: null, inner)
{
    public string Executable { get; } = executable;
}

/// <summary>The caller's (localized) texts for a program that outlived its timeout or could not be started.</summary>
/// <param name="TimedOut">The message for a command (as displayed) that did not finish within the seconds given.</param>
/// <param name="Missing">The message for an executable that cannot be run, with the system's reason.</param>
public sealed record ToolMessages(Func<string, string, string> TimedOut, Func<string, string, string> Missing)
{
    /// <summary>The plain texts, for a program that needs no advice on which package to install.</summary>
    public static ToolMessages Default { get; } = new(Messages.FormatCommandTimedOut, Messages.FormatProgramMissing);
}

/// <summary>
/// Runs a program with an argument list (CliWrap), never a command line: no shell ever sees a value. Every program the
/// project runs goes through here (drivers, the private network, file ownership, EOLE hooks, nginx). A program that
/// cannot be started is a <see cref="ToolMissingException"/>; one that outlives its timeout is killed and reported as a
/// <see cref="ToolFailureException"/>. Public (with its result, messages and failures) because every project that runs
/// a program uses it, and Core is the one project all of them reference.
/// </summary>
public static class Tool
{
    /// <param name="standardOutputLine">Also given each line of stdout as it arrives (progress), when set.</param>
    /// <param name="standardErrorLine">Also given each line of stderr as it arrives (progress), when set.</param>
    /// <param name="standardInput">What the program reads on stdin, when set.</param>
    public static async Task<ToolResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        ToolMessages messages,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        Action<string>? standardOutputLine = null,
        Action<string>? standardErrorLine = null,
        PipeSource? standardInput = null)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        var command = Command(executable, arguments, environment, workingDirectory)
            .WithStandardOutputPipe(Target(output, standardOutputLine))
            .WithStandardErrorPipe(Target(error, standardErrorLine));
        if (standardInput is not null)
        {
            command = command.WithStandardInputPipe(standardInput);
        }

        return await WithinAsync(
            executable,
            arguments,
            timeout,
            messages,
            async limit => new ToolResult((await command.ExecuteAsync(limit)).ExitCode, output.ToString(), error.ToString()),
            cancellationToken);
    }

    /// <summary>
    /// As <see cref="RunAsync(string, IReadOnlyList{string}, TimeSpan, ToolMessages, CancellationToken, IReadOnlyDictionary{string, string?}?, string?, Action{string}?, Action{string}?, PipeSource?)"/>,
    /// but the program's standard output goes to <paramref name="output"/> as it comes (a tar stream, say) rather than
    /// into the result, whose <see cref="ToolResult.StandardOutput"/> is then empty.
    /// </summary>
    public static async Task<ToolResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        Stream output,
        TimeSpan timeout,
        ToolMessages messages,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var standardError = new StringBuilder();
        var command = Command(executable, arguments, environment, null)
            .WithStandardOutputPipe(PipeTarget.ToStream(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(standardError, Encoding.UTF8));
        return await WithinAsync(
            executable,
            arguments,
            timeout,
            messages,
            async limit => new ToolResult((await command.ExecuteAsync(limit)).ExitCode, "", standardError.ToString()),
            cancellationToken);
    }

    /// <summary>Runs the command within <paramref name="timeout"/>: a program that cannot start or outlives it is reported.</summary>
    private static async Task<ToolResult> WithinAsync(
        string executable,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        ToolMessages messages,
        Func<CancellationToken, Task<ToolResult>> run,
        CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var display = Display(executable, arguments);
        try
        {
            return await run(limit.Token) with { Command = display };
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolFailureException(messages.TimedOut(display, Seconds(timeout)), display, exitCode: null, exception);
        }
        catch (Win32Exception exception)
        {
            throw new ToolMissingException(executable, display, messages.Missing(executable, exception.Message), exception);
        }
    }

    /// <summary>
    /// The lines the program prints on stdout and stderr, in arrival order, until it exits or is cancelled. A non-zero
    /// exit is a <see cref="ToolFailureException"/> carrying the exit code (callers word it from the lines they saw).
    /// </summary>
    public static async IAsyncEnumerable<(bool IsError, string Line)> ListenAsync(
        string executable,
        IReadOnlyList<string> arguments,
        ToolMessages messages,
        IReadOnlyDictionary<string, string?>? environment,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var display = Display(executable, arguments);
        IAsyncEnumerator<CommandEvent> events;
        try
        {
            events = Command(executable, arguments, environment, workingDirectory: null)
                .ListenAsync(Encoding.UTF8, cancellationToken)
                .GetAsyncEnumerator(cancellationToken);
        }
        catch (Win32Exception exception)
        {
            throw new ToolMissingException(executable, display, messages.Missing(executable, exception.Message), exception);
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
                    throw new ToolMissingException(executable, display, messages.Missing(executable, exception.Message), exception);
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
                        throw new ToolFailureException(
                            string.Create(CultureInfo.InvariantCulture, $"{display} exited with code {exited.ExitCode}"), display, exited.ExitCode);
                }
            }
        }
    }

    private static PipeTarget Target(StringBuilder buffer, Action<string>? line) =>
        line is null
            ? PipeTarget.ToStringBuilder(buffer, Encoding.UTF8)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(buffer, Encoding.UTF8), PipeTarget.ToDelegate(line, Encoding.UTF8));

    private static Command Command(
        string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, string? workingDirectory)
    {
        var command = Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None);
        if (environment is not null)
        {
            command = command.WithEnvironmentVariables(environment);
        }

        return workingDirectory is null ? command : command.WithWorkingDirectory(workingDirectory);
    }

    /// <summary>A command as an administrator would type it (for messages only: never executed).</summary>
    public static string Display(string executable, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { executable }.Concat(arguments).Select(QuoteForDisplay));

    public static string LastLines(string text, int count = 3)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "?" : string.Join(" / ", lines.TakeLast(count));
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.CurrentCulture);

    private static string QuoteForDisplay(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
