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

            text = Decode(File.ReadAllBytes(path), path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatConfigEolUnreadable(path, exception.Message), exception);
        }

        return ConfigValues.Parse(text, path);
    }

    /// <summary>
    /// UTF-8 only, strictly: a Latin-1 file would otherwise be read with U+FFFD in place of its accents and the
    /// next write would lose them for good.
    /// </summary>
    private static string Decode(byte[] bytes, string path)
    {
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            throw new ConfigurationInvalidException([new Diagnostic(path, Messages.FormatConfigEolNotUtf8(start + Math.Max(e.Index, 0)))]);
        }
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
        try
        {
            // Serialise first: if that fails, nothing on disk has been touched.
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(serialise is null ? values.ToJson() : serialise(values));
            AtomicFile.Write(fullPath, bytes, FileMode, temporary =>
            {
                if (File.Exists(fullPath))
                {
                    // Written to a new file, then renamed over config.eol.bak: a link planted there is replaced, never written through.
                    AtomicFile.Write(fullPath + ".bak", File.ReadAllBytes(fullPath), FileMode);
                }

                beforeReplace?.Invoke(temporary);
            });
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or EncoderFallbackException)
        {
            throw new RuntimeFailureException(Messages.FormatConfigEolUnwritable(fullPath, exception.Message), exception);
        }
    }
}
