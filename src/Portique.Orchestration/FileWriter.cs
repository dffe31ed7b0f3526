using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;

namespace Portique.Orchestration;

/// <summary>Writes one generated file the EOLE way: atomically, only when its content changes.</summary>
internal static class FileWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>True when the file was written or removed.</summary>
    public static async Task<bool> ApplyAsync(RenderedFile file, CancellationToken cancellationToken)
    {
        var declaration = file.Declaration;
        if (file.Content is null)
        {
            if (declaration.Remove && File.Exists(file.Destination))
            {
                File.Delete(file.Destination);
                return true;
            }

            return false;
        }

        var bytes = Utf8.GetBytes(file.Content);
        var unchanged = File.Exists(file.Destination)
            && (await File.ReadAllBytesAsync(file.Destination, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(bytes);
        if (!unchanged)
        {
            // EOLE's mkdir='True' asks for the parent folder; under a test root no folder exists yet, so it is always made.
            Directory.CreateDirectory(Path.GetDirectoryName(file.Destination)!);
            var temporary = file.Destination + ".portique-tmp";
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temporary, declaration.Mode ?? (UnixFileMode)0b110_100_100);
            File.Move(temporary, file.Destination, overwrite: true);
        }
        else if (declaration.Mode is { } mode && File.GetUnixFileMode(file.Destination) != mode)
        {
            File.SetUnixFileMode(file.Destination, mode);
        }

        if (declaration.Owner is not null || declaration.Group is not null)
        {
            await ChangeOwnerAsync(file.Destination, declaration.Owner, declaration.Group, cancellationToken).ConfigureAwait(false);
        }

        return !unchanged;
    }

    private static async Task ChangeOwnerAsync(string path, string? owner, string? group, CancellationToken cancellationToken)
    {
        var spec = (owner ?? "") + (group is null ? "" : ":" + group);
        var result = await Cli.Wrap("chown")
            .WithArguments(["--", spec, path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken)
            .ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new RuntimeFailureException($"chown {spec} {path}: {result.StandardError.Trim()}");
        }
    }
}
