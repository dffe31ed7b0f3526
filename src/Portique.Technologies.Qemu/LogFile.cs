using System.Runtime.CompilerServices;
using System.Text;

namespace Portique.Technologies.Qemu;

/// <summary>
/// Reading a serial console log written by qemu: the last lines, and new lines as they come. Console output uses
/// <c>\r\n</c>; the <c>\r</c> is dropped. Invalid UTF-8 becomes U+FFFD rather than an error.
/// </summary>
internal static class LogFile
{
    private const int Chunk = 64 * 1024;

    /// <summary>The last <paramref name="count"/> complete or trailing lines of <paramref name="path"/>, and the length read.</summary>
    public static async Task<(IReadOnlyList<string> Lines, long Length)> TailAsync(string path, int count, CancellationToken cancellationToken)
    {
        await using var stream = OpenShared(path);
        var length = stream.Length;
        if (count == 0 || length == 0)
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
        var lines = Split(Encoding.UTF8.GetString(bytes));
        if (start > 0 && lines.Count > 0)
        {
            lines.RemoveAt(0);
        }

        return (lines.Count > count ? lines[^count..] : lines, length);
    }

    /// <summary>
    /// Every line appended to <paramref name="path"/> after <paramref name="position"/>, until cancelled. When the file is
    /// replaced (rotated at a restart) or truncated, reading starts again at the beginning of the new file.
    /// </summary>
    public static async IAsyncEnumerable<string> FollowAsync(
        string path, long position, TimeSpan poll, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = OpenShared(path);
        try
        {
            stream.Position = Math.Min(position, stream.Length);
            var decoder = Encoding.UTF8.GetDecoder();
            var pending = new StringBuilder();
            var buffer = new byte[Chunk];
            var chars = new char[Encoding.UTF8.GetMaxCharCount(Chunk)];
            while (!cancellationToken.IsCancellationRequested)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                {
                    var count = decoder.GetChars(buffer, 0, read, chars, 0);
                    for (var i = 0; i < count; i++)
                    {
                        if (chars[i] == '\n')
                        {
                            yield return TrimCarriageReturn(pending.ToString());
                            pending.Clear();
                        }
                        else
                        {
                            pending.Append(chars[i]);
                        }
                    }

                    continue;
                }

                if (Replaced(path, stream))
                {
                    await stream.DisposeAsync();
                    stream = OpenShared(path);
                    decoder.Reset();
                    pending.Clear();
                    continue;
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
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>
    /// Ours shrank (truncated), or the path now names a shorter file than the one open: a rotation, which only happens to
    /// a large log, so the new file is the shorter one. Ours is measured first: the same file can only have grown since.
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

    private static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);

    private static List<string> Split(string text)
    {
        var lines = text.Split('\n').Select(TrimCarriageReturn).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static string TrimCarriageReturn(string line) => line.EndsWith('\r') ? line[..^1] : line;
}
