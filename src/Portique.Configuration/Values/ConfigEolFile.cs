using System.Text;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// Reads and writes <c>config.eol</c>. Writing is atomic: the new text goes to a temporary file of the
/// same folder, is flushed to disk, the previous file is kept as <c>config.eol.bak</c>, and the
/// temporary file is renamed over. A crash leaves either the old or the new file, never a mix.
/// The file holds passwords: it and its backup are mode 0600.
/// </summary>
public static class ConfigEolFile
{
    /// <summary>Owner read/write only.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Reads config.eol; a missing file is a server not configured yet: <see cref="ConfigValues.Empty"/>.</summary>
    /// <exception cref="ConfigurationInvalidException">The file is not a config.eol object.</exception>
    /// <exception cref="RuntimeFailureException">The file exists but cannot be read.</exception>
    public static ConfigValues Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            if (!File.Exists(path))
            {
                return ConfigValues.Empty;
            }

            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.ConfigEolUnreadable(path, exception.Message), exception);
        }

        return ConfigValues.Parse(text, path);
    }

    /// <summary>
    /// Writes <paramref name="values"/> atomically to <paramref name="path"/> (creating its folder), keeping the
    /// previous file as <c>path.bak</c>. Validate the configuration before: this writes what it is given.
    /// </summary>
    /// <exception cref="RuntimeFailureException">The file cannot be written; the previous file is untouched.</exception>
    public static void Save(string path, ConfigValues values) => Save(path, values, serialise: null, beforeReplace: null);

    /// <param name="path">The config.eol path.</param>
    /// <param name="values">What to write.</param>
    /// <param name="serialise">Test hook replacing <see cref="ConfigValues.ToJson"/>.</param>
    /// <param name="beforeReplace">Test hook, called with the temporary file's path just before the rename.</param>
    internal static void Save(string path, ConfigValues values, Func<ConfigValues, string>? serialise, Action<string>? beforeReplace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(values);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var backupTemporary = temporary + ".bak";
        try
        {
            // Serialise first: if that fails, nothing on disk has been touched.
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(serialise is null ? values.ToJson() : serialise(values));
            Directory.CreateDirectory(folder);
            var options = new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = FileMode,
            };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temporary, FileMode);
            if (File.Exists(fullPath))
            {
                // Copied to a new file, then renamed over config.eol.bak: a link planted there is replaced, never written through.
                File.Copy(fullPath, backupTemporary, overwrite: false);
                File.SetUnixFileMode(backupTemporary, FileMode);
                File.Move(backupTemporary, fullPath + ".bak", overwrite: true);
            }

            beforeReplace?.Invoke(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or EncoderFallbackException)
        {
            TryDelete(temporary);
            TryDelete(backupTemporary);
            throw new RuntimeFailureException(Messages.ConfigEolUnwritable(fullPath, exception.Message), exception);
        }
        catch
        {
            TryDelete(temporary);
            TryDelete(backupTemporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The temporary file is hidden and named uniquely: a leftover harms nothing.
        }
    }
}
