using System.ComponentModel;
using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;

namespace Portique.Technologies.Shared;

/// <summary>What a finished command said.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr (else stdout), for a message: never empty.</summary>
    public string Detail => Tool.LastLines(StandardError.Trim().Length > 0 ? StandardError : StandardOutput);
}

/// <summary>A program Portique runs is not installed (or not executable).</summary>
internal sealed class ToolMissingException(string executable, string message, Exception inner)
    : RuntimeFailureException(message, inner)
{
    public string Executable { get; } = executable;
}

/// <summary>The caller's (localized) texts for a program that outlived its timeout or could not be started.</summary>
/// <param name="TimedOut">The message for a command (as displayed) that did not finish within the seconds given.</param>
/// <param name="Missing">The message for an executable that cannot be run, with the system's reason.</param>
internal sealed record ToolMessages(Func<string, string, string> TimedOut, Func<string, string, string> Missing);

/// <summary>
/// Runs a program with an argument list (CliWrap), never a command line: no shell ever sees a value. A program that
/// cannot be started is a <see cref="ToolMissingException"/>; one that outlives its timeout is killed and reported.
/// </summary>
internal static class Tool
{
    public static async Task<ToolResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        ToolMessages messages,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var command = Command(executable, arguments, environment, workingDirectory);
        return await WithinAsync(
            executable,
            arguments,
            timeout,
            messages,
            async limit =>
            {
                var result = await command.ExecuteBufferedAsync(Encoding.UTF8, limit);
                return new ToolResult(result.ExitCode, result.StandardOutput, result.StandardError);
            },
            cancellationToken);
    }

    /// <summary>
    /// As <see cref="RunAsync"/>, but the program's standard output goes to <paramref name="output"/> as it comes (a tar
    /// stream, say) rather than into the result, whose <see cref="ToolResult.StandardOutput"/> is then empty.
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
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(standardError));
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
        try
        {
            return await run(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuntimeFailureException(messages.TimedOut(Display(executable, arguments), Seconds(timeout)));
        }
        catch (Win32Exception exception)
        {
            throw new ToolMissingException(executable, messages.Missing(executable, exception.Message), exception);
        }
    }

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
