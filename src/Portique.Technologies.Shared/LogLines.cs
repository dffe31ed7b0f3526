using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Portique.Planning;

namespace Portique.Technologies.Shared;

/// <summary>
/// Turns dockerd's log stream (stdout and stderr frames multiplexed, or one raw stream for a TTY container) into
/// whole text lines in arrival order. A line split across frames is joined; each stream keeps its own partial line.
/// </summary>
internal static class LogLines
{
    /// <summary>
    /// The log <paramref name="open"/> opens (a container's, a swarm service's), as lines: stamped with the time
    /// dockerd adds when <paramref name="timestamps"/>. Until the caller cancels, a failure reaching dockerd is
    /// <paramref name="describe"/>d by <paramref name="api"/>; past that, it goes on as it is (the follow just ends).
    /// </summary>
    public static async IAsyncEnumerable<LogLine> ReadAsync(
        DockerApiClient api,
        Func<CancellationToken, Task<MultiplexedStream>> open,
        bool timestamps,
        Func<string, string> describe,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(open);
        using var stream = await open(cancellationToken);
        var lines = ReadAsync(stream, cancellationToken).TranslateFailuresAsync(
            exception => !cancellationToken.IsCancellationRequested && DockerApiClient.IsFailure(exception, cancellationToken)
                ? api.Failure(exception, describe)
                : null,
            cancellationToken);
        await foreach (var line in lines)
        {
            yield return timestamps ? LogLine.Stamped(line) : new LogLine(line);
        }
    }

    /// <summary>The lines of an open stream, each stream's partial line joined across frames.</summary>
    public static async IAsyncEnumerable<string> ReadAsync(MultiplexedStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var partial = new Dictionary<MultiplexedStream.TargetStream, Decoder>();
        var pending = new Dictionary<MultiplexedStream.TargetStream, StringBuilder>();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            if (!partial.TryGetValue(read.Target, out var decoder))
            {
                decoder = Encoding.UTF8.GetDecoder();
                partial[read.Target] = decoder;
                pending[read.Target] = new StringBuilder();
            }

            var line = pending[read.Target];
            var count = decoder.GetChars(buffer, 0, read.Count, chars, 0);
            for (var i = 0; i < count; i++)
            {
                if (chars[i] == '\n')
                {
                    yield return TrimCarriageReturn(line.ToString());
                    line.Clear();
                }
                else
                {
                    line.Append(chars[i]);
                }
            }
        }

        foreach (var line in pending.Values.Where(l => l.Length > 0))
        {
            yield return TrimCarriageReturn(line.ToString());
        }
    }

    private static string TrimCarriageReturn(string line) => line.EndsWith('\r') ? line[..^1] : line;
}
