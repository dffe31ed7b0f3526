using System.Text;

namespace Portique.Core;

/// <summary>
/// Writes a file so that a reader (nginx, lxc, vagrant, the next run) sees the old content or the new one, never a mix:
/// a hidden temporary file in the same directory (same file system, a name no <c>*.conf</c> include matches), created
/// owner-only, written and flushed to disk, given its final mode, then renamed over the destination. A link at the
/// destination is replaced, never written through. Whatever fails, the temporary file is removed.
/// </summary>
public static class AtomicFile
{
    /// <summary>rw-r--r--: configuration files other programs read.</summary>
    public const UnixFileMode PublicMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rw-r-----: records the owner writes and its group may read.</summary>
    public const UnixFileMode GroupReadableMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    /// <summary>rw-------: secrets (keys, environment values, passwords).</summary>
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="content"/> (UTF-8, no byte order mark) to <paramref name="path"/> with <paramref name="mode"/>.</summary>
    public static void WriteText(string path, string content, UnixFileMode mode, Action<string>? beforeReplace = null) =>
        Write(path, Utf8.GetBytes(content), mode, beforeReplace);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> with exactly <paramref name="mode"/> (whatever the umask);
    /// <paramref name="beforeReplace"/> is given the temporary file just before the rename.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode, Action<string>? beforeReplace = null)
    {
        var temporary = CreateTemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temporary, CreateOptions()))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temporary, mode);
            beforeReplace?.Invoke(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="content"/> (UTF-8, no byte order mark) to <paramref name="path"/> with <paramref name="mode"/>.</summary>
    public static Task WriteTextAsync(string path, string content, UnixFileMode mode, CancellationToken cancellationToken) =>
        WriteAsync(path, Utf8.GetBytes(content), mode, beforeReplace: null, cancellationToken);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> with exactly <paramref name="mode"/> (whatever the umask);
    /// <paramref name="beforeReplace"/> is given the temporary file just before the rename (to change its owner, say).
    /// </summary>
    public static async Task WriteAsync(
        string path,
        ReadOnlyMemory<byte> content,
        UnixFileMode mode,
        Func<string, CancellationToken, Task>? beforeReplace,
        CancellationToken cancellationToken)
    {
        var temporary = CreateTemporaryPath(path);
        try
        {
            await using (var stream = new FileStream(temporary, CreateOptions()))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temporary, mode);
            if (beforeReplace is not null)
            {
                await beforeReplace(temporary, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static string CreateTemporaryPath(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        Directory.CreateDirectory(directory);
        return Path.Join(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
    }

    // Owner-only until the final mode is set: nothing (a secret, a file whose owner is about to change) is readable half-made.
    private static FileStreamOptions CreateOptions() => new()
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        UnixCreateMode = PrivateMode,
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting.
        }
    }
}
