using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Orchestration.Resources;

namespace Portique.Orchestration;

/// <summary>One host directory kept in a snapshot: a tar archive, its size and sha256 (checked before any restore).</summary>
public sealed record SnapshotVolume(string HostPath, string Archive, string Sha256, long Size);

/// <summary>What a snapshot holds: the service's previous spec (canonical form, artifact) and its host volumes.</summary>
public sealed record SnapshotManifest
{
    public required string Id { get; init; }

    public required string Service { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string Reason { get; init; }

    /// <summary>Image id (or the technology's artifact) the service ran.</summary>
    public string? ArtifactId { get; init; }

    /// <summary>The instance's canonical spec (what created it): url, tag, repository, technology...</summary>
    public string? SpecJson { get; init; }

    public IReadOnlyList<SnapshotVolume> Volumes { get; init; } = [];

    public long Size => Volumes.Sum(v => v.Size);
}

/// <summary>
/// Snapshots under <c>/var/lib/portique/snapshots/SERVICE/ID/</c>: <c>manifest.json</c> and one tar per host volume
/// (docs/snapshots.md says why tar + sha256 rather than restic). The newest <see cref="Keep"/> per service are kept.
/// </summary>
public sealed partial class SnapshotStore(PortiqueRoot root, int keep = SnapshotStore.DefaultKeep, TimeProvider? time = null)
{
    public const int DefaultKeep = 5;

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public int Keep { get; } = keep >= 1 ? keep : DefaultKeep;

    public string Directory { get; } = Path.Join(root.StateDirectory, "snapshots");

    /// <summary>Names and ids reach paths: letters, digits, '.', '_', '-', not starting with a dot.</summary>
    public static void ValidateName(string value, string subject)
    {
        if (!SafeName().IsMatch(value ?? ""))
        {
            throw new InvalidInputException(subject, Messages.FormatSnapshotBadName(value));
        }
    }

    /// <summary>Archives <paramref name="hostPaths"/> (missing ones are skipped: nothing to keep) with the previous spec.</summary>
    public async Task<SnapshotManifest> TakeAsync(
        string service, string reason, string? artifactId, string? specJson, IReadOnlyList<string> hostPaths, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ValidateName(service, "NAME");
        var created = (time ?? TimeProvider.System).GetUtcNow();
        var serviceDirectory = Path.Join(Directory, service);
        var id = created.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        for (var n = 2; System.IO.Directory.Exists(Path.Join(serviceDirectory, id)); n++)
        {
            id = created.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        var partial = Path.Join(serviceDirectory, "." + id + ".partial");
        System.IO.Directory.CreateDirectory(partial);
        try
        {
            var volumes = new List<SnapshotVolume>();
            foreach (var (hostPath, index) in hostPaths.Distinct(StringComparer.Ordinal).Select((p, i) => (p, i)))
            {
                if (!System.IO.Directory.Exists(hostPath))
                {
                    continue;
                }

                progress?.Report(Messages.FormatSnapshotArchiving(hostPath));
                var archive = $"volume-{index.ToString(CultureInfo.InvariantCulture)}.tar";
                var archivePath = Path.Join(partial, archive);
                await TarFile.CreateFromDirectoryAsync(hostPath, archivePath, includeBaseDirectory: false, cancellationToken);
                volumes.Add(new SnapshotVolume(hostPath, archive, await HashAsync(archivePath, cancellationToken), new FileInfo(archivePath).Length));
            }

            var manifest = new SnapshotManifest
            {
                Id = id,
                Service = service,
                Created = created,
                Reason = reason,
                ArtifactId = artifactId,
                SpecJson = specJson,
                Volumes = volumes,
            };
            await File.WriteAllTextAsync(Path.Join(partial, "manifest.json"), JsonSerializer.Serialize(manifest, ManifestJson), cancellationToken);
            System.IO.Directory.Move(partial, Path.Join(serviceDirectory, id));
            Prune(service);
            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            TryDelete(partial);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new RuntimeFailureException(Messages.FormatSnapshotFailed(service, e.Message));
        }
    }

    /// <summary>Every snapshot, newest first; of one service when <paramref name="service"/> is given.</summary>
    public IReadOnlyList<SnapshotManifest> List(string? service = null)
    {
        if (service is not null)
        {
            ValidateName(service, "NAME");
        }

        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var services = service is null ? System.IO.Directory.GetDirectories(Directory) : [Path.Join(Directory, service)];
        return services
            .Where(System.IO.Directory.Exists)
            .SelectMany(System.IO.Directory.GetDirectories)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Select(ReadManifest)
            .OfType<SnapshotManifest>()
            .OrderByDescending(m => m.Created)
            .ThenByDescending(m => m.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>A service's snapshot by id, or its newest; unknown: exit 2 naming what exists.</summary>
    public SnapshotManifest Find(string service, string? id)
    {
        ValidateName(service, "NAME");
        if (id is not null)
        {
            ValidateName(id, "SNAPSHOT");
        }

        var all = List(service);
        if (all.Count == 0)
        {
            throw new InvalidInputException(service, Messages.FormatSnapshotNoneForService(service));
        }

        return id is null
            ? all[0]
            : all.FirstOrDefault(m => m.Id == id) ?? throw new InvalidInputException(id, Messages.FormatSnapshotUnknown(service, string.Join(", ", all.Select(m => m.Id))));
    }

    /// <summary>
    /// Checks every archive's sha256, then makes each host directory exactly what was archived (its content removed, the
    /// archive extracted). Nothing is touched when an archive does not match.
    /// </summary>
    public async Task RestoreVolumesAsync(SnapshotManifest manifest, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var directory = Path.Join(Directory, manifest.Service, manifest.Id);
        foreach (var volume in manifest.Volumes)
        {
            ValidateName(volume.Archive, "archive");
            var path = Path.Join(directory, volume.Archive);
            if (!File.Exists(path) || await HashAsync(path, cancellationToken) != volume.Sha256)
            {
                throw new RuntimeFailureException(Messages.FormatSnapshotCorrupt(manifest.Id, volume.Archive));
            }
        }

        foreach (var volume in manifest.Volumes)
        {
            progress?.Report(Messages.FormatSnapshotRestoring(volume.HostPath));
            System.IO.Directory.CreateDirectory(volume.HostPath);
            foreach (var entry in new DirectoryInfo(volume.HostPath).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub && sub.LinkTarget is null)
                {
                    sub.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }

            await TarFile.ExtractToDirectoryAsync(Path.Join(directory, volume.Archive), volume.HostPath, overwriteFiles: true, cancellationToken);
        }
    }

    private void Prune(string service)
    {
        foreach (var old in List(service).Skip(Keep))
        {
            TryDelete(Path.Join(Directory, service, old.Id));
        }
    }

    private static SnapshotManifest? ReadManifest(string directory)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<SnapshotManifest>(File.ReadAllText(Path.Join(directory, "manifest.json")), ManifestJson);
            return manifest is not null && manifest.Id == Path.GetFileName(directory) ? manifest : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next prune.
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SafeName();
}
