using System.Text;
using Docker.DotNet;

namespace Portique.Technologies.Shared;

/// <summary>
/// Turns dockerd's log stream (stdout and stderr frames multiplexed, or one raw stream for a TTY container) into
/// whole text lines in arrival order. A line split across frames is joined; each stream keeps its own partial line.
/// </summary>
internal static class LogLines
{
    public static async IAsyncEnumerable<string> ReadAsync(
        MultiplexedStream stream,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
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
