using System.Text;
using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration.Resources;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>
/// The host side of <c>conteneurN_secrets</c> (docs/secrets.md): each password in its own root-only file,
/// <c>ROOT/var/lib/portique/secrets/SERVICE/KEY</c> (folders 0700, files 0400, written atomically), which the drivers bind
/// read-only at <c>/run/secrets/KEY</c>. The value goes from config.eol to that file and nowhere else.
/// </summary>
public static class SecretFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead;

    /// <summary>The folder holding every service's secrets.</summary>
    public static string Directory(PortiqueRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Path.Join(root.StateDirectory, "secrets");
    }

    /// <summary>Writes each desired secret whose file is missing or differs, and removes the keys a service no longer has.</summary>
    public static async Task WriteAsync(PortiqueRoot root, EvaluatedConfiguration configuration, DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(desired);
        foreach (var service in desired.Services.Where(s => s.Secrets.Count > 0))
        {
            var folder = SecretMapping.Directory(root, service.Name);
            try
            {
                CreatePrivate(Directory(root));
                CreatePrivate(folder);
                foreach (var secret in service.Secrets)
                {
                    var value = Encoding.UTF8.GetBytes(configuration.Find(secret.Variable)?.Values.FirstOrDefault() ?? "");
                    var path = secret.HostPath(root, service.Name);
                    // An unchanged file keeps its inode: the running instance's bind mount still sees it.
                    if (File.Exists(path) && (await File.ReadAllBytesAsync(path, cancellationToken)).AsSpan().SequenceEqual(value))
                    {
                        File.SetUnixFileMode(path, FileMode);
                        continue;
                    }

                    await AtomicFile.WriteAsync(path, value, FileMode, beforeReplace: null, cancellationToken);
                }

                var keys = service.Secrets.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
                foreach (var stale in System.IO.Directory.EnumerateFiles(folder).Where(f => !keys.Contains(Path.GetFileName(f))).ToArray())
                {
                    File.Delete(stale);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The exception's text names paths, never the value.
                throw new RuntimeFailureException(Messages.FormatSecretWriteFailed(service.Name, folder, exception.Message), exception);
            }
        }
    }

    /// <summary>After a successful run: removes the folders of services that have no secret any more (or are gone).</summary>
    public static void Prune(PortiqueRoot root, DesiredState desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var directory = Directory(root);
        if (!System.IO.Directory.Exists(directory))
        {
            return;
        }

        var kept = desired.Services.Where(s => s.Secrets.Count > 0).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in System.IO.Directory.EnumerateDirectories(directory).Where(f => !kept.Contains(Path.GetFileName(f))).ToArray())
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private static void CreatePrivate(string folder)
    {
        System.IO.Directory.CreateDirectory(folder, FolderMode);
        File.SetUnixFileMode(folder, FolderMode);
    }
}
