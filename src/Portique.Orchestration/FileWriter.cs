using System.Text;
using Portique.Core;
using Portique.Orchestration.Resources;

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
                EnsureInsideRoot(file);
                File.Delete(file.Destination);
                return true;
            }

            return false;
        }

        EnsureInsideRoot(file);
        var bytes = Utf8.GetBytes(file.Content);
        // A link at the destination is replaced by the file, never read or changed through.
        var isLink = new FileInfo(file.Destination).LinkTarget is not null;
        var unchanged = !isLink
            && File.Exists(file.Destination)
            && (await File.ReadAllBytesAsync(file.Destination, cancellationToken)).AsSpan().SequenceEqual(bytes);
        if (!unchanged)
        {
            // EOLE's mkdir='True' asks for the parent folder; under a test root no folder exists yet, so it is always made.
            Directory.CreateDirectory(Path.GetDirectoryName(file.Destination)!);
            EnsureInsideRoot(file);
            // Whatever fails (disk, owner, cancellation), no half-made file is left next to the destination.
            var changeOwner = declaration.Owner is null && declaration.Group is null
                ? null
                : (Func<string, CancellationToken, Task>)((temporary, token) => ChangeOwnerAsync(temporary, declaration.Owner, declaration.Group, token));
            await AtomicFile.WriteAsync(file.Destination, bytes, declaration.Mode ?? AtomicFile.PublicMode, changeOwner, cancellationToken);

            return true;
        }

        if (declaration.Mode is { } mode && File.GetUnixFileMode(file.Destination) != mode)
        {
            File.SetUnixFileMode(file.Destination, mode);
        }

        if (declaration.Owner is not null || declaration.Group is not null)
        {
            await ChangeOwnerAsync(file.Destination, declaration.Owner, declaration.Group, cancellationToken);
        }

        return false;
    }

    /// <summary>
    /// Refuses, before anything is written, the files whose owner or group the system does not know (<c>getent</c>):
    /// a failing <c>chown</c> half-way would leave some files written and others not.
    /// </summary>
    public static async Task CheckAccountsAsync(IEnumerable<RenderedFile> files, CancellationToken cancellationToken)
    {
        var problems = new List<Diagnostic>();
        var known = new Dictionary<(string, string), bool>();
        foreach (var file in files.Where(f => f.Content is not null))
        {
            foreach (var (database, name) in new[] { ("passwd", file.Declaration.Owner), ("group", file.Declaration.Group) })
            {
                if (name is null)
                {
                    continue;
                }

                if (!known.TryGetValue((database, name), out var exists))
                {
                    var result = await Tool.RunAsync(
                        "getent", [database, name], Timeout.InfiniteTimeSpan, ToolMessages.Default, cancellationToken);
                    known[(database, name)] = exists = result.ExitCode == 0;
                }

                if (!exists)
                {
                    problems.Add(new Diagnostic(file.Declaration.Location.ToString(), database == "passwd"
                        ? Messages.FormatUnknownOwner(name, file.Declaration.Name)
                        : Messages.FormatUnknownGroup(name, file.Declaration.Name)));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationInvalidException(problems);
        }
    }

    /// <summary>
    /// Every folder between the root and the destination that is a symbolic link must lead inside the root: a link
    /// planted there never makes Portique write elsewhere.
    /// </summary>
    private static void EnsureInsideRoot(RenderedFile file)
    {
        var name = file.Declaration.Name;
        var root = file.Destination.EndsWith(name, StringComparison.Ordinal) ? file.Destination[..^name.Length] : "";
        var rootFolder = root.Length == 0 ? "/" : Path.GetFullPath(root);
        var rootResolved = root.Length == 0 ? "/" : HostPaths.Resolve(rootFolder);
        var folder = Path.GetDirectoryName(file.Destination)!;
        var resolved = HostPaths.Resolve(folder);
        if (rootResolved != "/" && resolved != rootResolved && !resolved.StartsWith(rootResolved.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new RuntimeFailureException(Messages.FormatDestinationOutsideRoot(name, resolved, rootFolder));
        }
    }

    private static async Task ChangeOwnerAsync(string path, string? owner, string? group, CancellationToken cancellationToken)
    {
        var spec = (owner ?? "") + (group is null ? "" : ":" + group);
        (await Tool.RunAsync("chown", ["--", spec, path], Timeout.InfiniteTimeSpan, ToolMessages.Default, cancellationToken))
            .EnsureSucceeded(result => $"chown {spec} {path}: {result.StandardError.Trim()}");
    }
}
