namespace Portique.Frontend.Nginx;

/// <summary>Writes a file so that a reader (nginx) sees either the old content or the new one, never a mix.</summary>
internal static class AtomicFile
{
    public const UnixFileMode ConfigurationMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode = ConfigurationMode)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        Directory.CreateDirectory(directory);

        // Same directory (same file system) for an atomic rename; a name nginx's "*.conf" includes never match.
        var temporary = Path.Join(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = mode,
            };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
