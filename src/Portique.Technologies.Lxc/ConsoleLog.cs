using System.Runtime.CompilerServices;
using System.Text;

namespace Portique.Technologies.Lxc;

/// <summary>
/// A container's output, as lxc writes it: <c>console.log</c> for the current run (lxc truncates it at start, so the
/// driver first moves it to <c>console.log.1</c>, which lxc's own rotation also uses when the log grows too big).
/// </summary>
internal static class ConsoleLog
{
    public static string Current(string containerDirectory) => Path.Join(containerDirectory, LxcConfiguration.ConsoleLog);

    public static string Previous(string containerDirectory) => Current(containerDirectory) + ".1";

    /// <summary>Before a start: keeps the previous run's output as <c>console.log.1</c>.</summary>
    public static void Rotate(string containerDirectory)
    {
        var current = Current(containerDirectory);
        if (File.Exists(current) && new FileInfo(current).Length > 0)
        {
            File.Move(current, Previous(containerDirectory), overwrite: true);
        }
    }

    /// <summary>The last <paramref name="tail"/> lines of the previous and current runs.</summary>
    public static async Task<IReadOnlyList<string>> TailAsync(string containerDirectory, int tail, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var file in new[] { Previous(containerDirectory), Current(containerDirectory) })
        {
            if (File.Exists(file))
            {
                lines.AddRange(SplitLines(await ReadSharedAsync(file, cancellationToken), out var rest));
                if (rest.Length > 0)
                {
                    lines.Add(rest.TrimEnd('\r'));
                }
            }
        }

        return tail == 0 ? [] : lines.Count > tail ? lines[^tail..] : lines;
    }

    /// <summary>
    /// The last <paramref name="initialLines"/> lines, then each line appended to the current log until cancelled or
    /// until <paramref name="stillRunning"/> says the container stopped and everything written was read.
    /// </summary>
    public static async IAsyncEnumerable<string> FollowAsync(
        Func<string?> containerDirectory,
        int initialLines,
        Func<CancellationToken, Task<bool>> stillRunning,
        TimeSpan poll,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directory = containerDirectory();
        if (directory is null)
        {
            yield break;
        }

        foreach (var line in await TailAsync(directory, initialLines, cancellationToken))
        {
            yield return line;
        }

        var path = Current(directory);
        var position = File.Exists(path) ? new FileInfo(path).Length : 0;
        var pending = "";
        var lastStateCheck = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            // A set-aside or restore moves the directory: follow it.
            directory = containerDirectory() ?? directory;
            path = Current(directory);
            var length = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (length < position)
            {
                // Truncated: a new run started (or lxc rotated the log).
                position = 0;
                pending = "";
            }

            if (length > position)
            {
                string chunk;
                try
                {
                    chunk = await ReadSharedAsync(path, cancellationToken, position);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                position += Encoding.UTF8.GetByteCount(chunk);
                foreach (var line in SplitLines(pending + chunk, out pending))
                {
                    yield return line;
                }

                continue;
            }

            if (DateTime.UtcNow - lastStateCheck > TimeSpan.FromSeconds(1))
            {
                lastStateCheck = DateTime.UtcNow;
                bool running;
                try
                {
                    running = await stillRunning(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                if (!running)
                {
                    if (pending.Length > 0)
                    {
                        yield return pending;
                    }

                    yield break;
                }
            }

            try
            {
                await Task.Delay(poll, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private static async Task<string> ReadSharedAsync(string path, CancellationToken cancellationToken, long offset = 0)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        var buffer = new byte[stream.Length - stream.Position];
        await stream.ReadExactlyAsync(buffer, cancellationToken);

        // Never cut a UTF-8 sequence: keep an incomplete tail for the next read.
        var end = buffer.Length;
        var back = 0;
        while (back < 4 && end - back - 1 >= 0 && (buffer[end - back - 1] & 0xC0) == 0x80)
        {
            back++;
        }

        if (end - back - 1 >= 0 && buffer[end - back - 1] >= 0xC0)
        {
            var lead = buffer[end - back - 1];
            var needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (back + 1 < needed)
            {
                end -= back + 1;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, end);
    }

    /// <summary>Complete lines (without <c>\r\n</c>/<c>\n</c>); the unterminated rest goes to <paramref name="rest"/>.</summary>
    private static List<string> SplitLines(string text, out string rest)
    {
        var lines = text.Split('\n');
        rest = lines[^1];
        return lines[..^1].Select(l => l.TrimEnd('\r')).ToList();
    }
}
