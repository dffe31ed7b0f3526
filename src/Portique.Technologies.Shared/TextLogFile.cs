using System.Runtime.CompilerServices;
using System.Text;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Shared;

/// <summary>A driver's log file: where it is now, and how its driver words a failure to read it.</summary>
/// <param name="Path">Looked up again at each poll of a follow: a set-aside moves it.</param>
/// <param name="Failed">The driver's "logs failed" text for the system's reason.</param>
internal sealed record TextLogSource(Func<string> Path, Func<string, string> Failed)
{
    /// <summary>Whether the previous run's log (<see cref="TextLogFile.Rotated"/>) completes a short tail.</summary>
    public bool WithRotated { get; init; }

    /// <summary>How often a follow looks for new lines (<see cref="LifecycleOptions.FollowPollInterval"/>).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether the instance still runs; null: a follow ends only when cancelled.</summary>
    public Func<CancellationToken, Task<bool>>? Running { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// A text log an engine writes to a file (lxc's container console, qemu's serial console): the last lines, then the
/// lines appended as they come, through truncation and rotation (the previous run's log moved to <c>NAME.1</c>).
/// Lines lose their <c>\r\n</c>/<c>\n</c> (a console's <c>\r</c>s included); invalid UTF-8 becomes U+FFFD, a
/// sequence cut between two writes is joined.
/// </summary>
internal static class TextLogFile
{
    private const int Chunk = 64 * 1024;

    /// <summary>How often, while nothing new is written, a follow asks whether the instance still runs.</summary>
    internal static readonly TimeSpan StateCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Where <see cref="Rotate"/> keeps the previous log of <paramref name="path"/>.</summary>
    public static string Rotated(string path) => path + ".1";

    /// <summary>Before a start: moves the log to <see cref="Rotated"/> (replacing the older one) when it is longer than <paramref name="longerThan"/> bytes.</summary>
    public static void Rotate(string path, long longerThan)
    {
        var file = new FileInfo(path);
        if (file.Exists && file.Length > longerThan)
        {
            File.Move(path, Rotated(path), overwrite: true);
        }
    }

    /// <summary>
    /// A driver's <see cref="IServiceDriver.OpenLogAsync"/> on its log file: <see cref="ReadAsync"/>, a file that cannot
    /// be read failing in the driver's words.
    /// </summary>
    public static IAsyncEnumerable<LogLine> OpenAsync(TextLogSource source, LogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return AsLogLinesAsync(ReadAsync(source.Path, source.WithRotated, request, source.Poll, source.Running, source.Time, cancellationToken), cancellationToken)
            .TranslateFailuresAsync(
                exception => exception is IOException or UnauthorizedAccessException
                    ? new RuntimeFailureException(source.Failed(exception.Message), exception)
                    : null,
                cancellationToken);
    }

    /// <summary>
    /// What <paramref name="request"/> asks of the log at <paramref name="path"/> (looked up again at each poll: a
    /// set-aside moves it): its last lines, <see cref="Rotated"/>'s before them when <paramref name="withRotated"/>
    /// and the current log has too few, then, to follow, every new line until cancelled or until
    /// <paramref name="running"/> says the instance stopped and everything written was read.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadAsync(
        Func<string> path,
        bool withRotated,
        LogRequest request,
        TimeSpan poll,
        Func<CancellationToken, Task<bool>>? running,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = path();
        var (lines, length) = await TailAsync(withRotated ? [Rotated(current), current] : [current], request.Tail, cancellationToken);
        foreach (var line in lines)
        {
            yield return line;
        }

        if (request.Follow)
        {
            await foreach (var line in FollowAsync(path, length, poll, running, time, cancellationToken))
            {
                yield return line;
            }
        }
    }

    /// <summary>
    /// The last <paramref name="count"/> lines of <paramref name="files"/> read as one log, oldest file first (a missing
    /// file is empty), and the length of the last one, where following starts.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Lines, long Length)> TailAsync(
        IReadOnlyList<string> files, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var (lines, length) = await TailAsync(files[^1], count, cancellationToken);
        var all = lines.ToList();
        for (var i = files.Count - 2; i >= 0 && all.Count < count; i--)
        {
            all.InsertRange(0, (await TailAsync(files[i], count - all.Count, cancellationToken)).Lines);
        }

        return (all, length);
    }

    /// <summary>The last <paramref name="count"/> complete or trailing lines of <paramref name="path"/> (none when it is missing), and its length.</summary>
    public static async Task<(IReadOnlyList<string> Lines, long Length)> TailAsync(string path, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await using var stream = TryOpenShared(path);
        var length = stream?.Length ?? 0;
        if (stream is null || count == 0 || length == 0)
        {
            return ([], length);
        }

        // Read backwards until enough newlines are seen (one more than wanted: the first line read may be cut).
        var start = length;
        var newlines = 0;
        var buffer = new byte[Chunk];
        while (start > 0 && newlines <= count)
        {
            var size = (int)Math.Min(Chunk, start);
            start -= size;
            stream.Position = start;
            await stream.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
            newlines += buffer.AsSpan(0, size).Count((byte)'\n');
        }

        stream.Position = start;
        var bytes = new byte[length - start];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n').Select(TrimCarriageReturns).ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (start > 0 && lines.Count > 0)
        {
            lines.RemoveAt(0);
        }

        return (ServiceLogs.Last(lines, count), length);
    }

    /// <summary>
    /// Every line appended to the log at <paramref name="path"/> after <paramref name="position"/>, until cancelled (the
    /// enumeration then simply ends) or until <paramref name="running"/>, asked every <see cref="StateCheckInterval"/>
    /// while nothing new comes, says the instance stopped (an unterminated last line is then given too). A log that
    /// does not exist yet is waited for. When it is replaced (rotated at a restart) or truncated, reading starts again
    /// at the beginning of the new one.
    /// </summary>
    public static async IAsyncEnumerable<string> FollowAsync(
        Func<string> path,
        long position,
        TimeSpan poll,
        Func<CancellationToken, Task<bool>>? running,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(time);
        FileStream? stream = null;
        try
        {
            var decoder = Encoding.UTF8.GetDecoder();
            var pending = new StringBuilder();
            var buffer = new byte[Chunk];
            var chars = new char[Encoding.UTF8.GetMaxCharCount(Chunk)];
            var lastStateCheck = time.GetUtcNow();
            while (!cancellationToken.IsCancellationRequested)
            {
                var current = path();
                if (stream is null && TryOpenShared(current) is { } opened)
                {
                    // Shorter than where we were: replaced or truncated since, all of it is new.
                    stream = opened;
                    stream.Position = position <= stream.Length ? position : 0;
                }

                int read;
                try
                {
                    read = stream is null ? 0 : await stream.ReadAsync(buffer, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                if (read > 0)
                {
                    var count = decoder.GetChars(buffer, 0, read, chars, 0);
                    foreach (var line in SplitLines(chars.AsSpan(0, count), pending))
                    {
                        yield return line;
                    }

                    continue;
                }

                if (stream is not null && Replaced(current, stream))
                {
                    await stream.DisposeAsync();
                    stream = null;
                    position = 0;
                    decoder.Reset();
                    pending.Clear();
                    continue;
                }

                if (running is not null && time.GetUtcNow() - lastStateCheck > StateCheckInterval)
                {
                    lastStateCheck = time.GetUtcNow();
                    bool up;
                    try
                    {
                        up = await running(cancellationToken);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        yield break;
                    }

                    if (!up)
                    {
                        if (pending.Length > 0)
                        {
                            yield return TrimCarriageReturns(pending.ToString());
                        }

                        yield break;
                    }
                }

                try
                {
                    await Task.Delay(poll, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static async IAsyncEnumerable<LogLine> AsLogLinesAsync(IAsyncEnumerable<string> lines, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            yield return new LogLine(line);
        }
    }

    /// <summary>The lines <paramref name="chars"/> completes; the unterminated rest stays in <paramref name="pending"/>.</summary>
    private static List<string> SplitLines(ReadOnlySpan<char> chars, StringBuilder pending)
    {
        var lines = new List<string>();
        foreach (var c in chars)
        {
            if (c == '\n')
            {
                lines.Add(TrimCarriageReturns(pending.ToString()));
                pending.Clear();
            }
            else
            {
                pending.Append(c);
            }
        }

        return lines;
    }

    /// <summary>
    /// Ours shrank (truncated), or the path now names a shorter file than the one open: a rotation, which only happens to
    /// a large log or at a new run, so the new file is the shorter one. Ours is measured first: the same file can only
    /// have grown since.
    /// </summary>
    private static bool Replaced(string path, FileStream stream)
    {
        try
        {
            var ours = stream.Length;
            if (stream.Position > ours)
            {
                return true;
            }

            var current = new FileInfo(path);
            return current.Exists && current.Length < ours;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static FileStream? TryOpenShared(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static string TrimCarriageReturns(string line) => line.TrimEnd('\r');
}
