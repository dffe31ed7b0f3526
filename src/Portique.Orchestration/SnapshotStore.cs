using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Orchestration.Resources;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>One host directory kept in a snapshot: a tar archive, its size and sha256 (checked before any restore).</summary>
public sealed record SnapshotVolume(string HostPath, string Archive, string Sha256, long Size);

/// <summary>What a snapshot holds: the service's previous spec (canonical form, artifact) and its host volumes.</summary>
public sealed record SnapshotManifest
{
    /// <summary>The manifest's format (docs/snapshots.md); a later format gets a new number.</summary>
    public int Format { get; init; } = 1;

    public required string Id { get; init; }

    public required string Service { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required string Reason { get; init; }

    /// <summary>Image id (or the technology's artifact) the service ran.</summary>
    public string? ArtifactId { get; init; }

    /// <summary>The instance's canonical spec (<see cref="SpecSchema"/>'s form): technology, url, tag, repository, volumes...</summary>
    public string? SpecJson { get; init; }

    public IReadOnlyList<SnapshotVolume> Volumes { get; init; } = [];

    public long Size => Volumes.Sum(v => v.Size);

    /// <summary>The spec the snapshot kept, read back; null when it kept none or cannot be read.</summary>
    public ServiceSpec? Spec() => SpecSchema.TryParse(SpecJson, Service, 0);
}

/// <summary>
/// Snapshots under <c>/var/lib/portique/snapshots/SERVICE/ID/</c>: <c>manifest.json</c> and one GNU tar archive per
/// host volume, made and extracted by the system's <c>tar</c> (owners, modes, links, sparse files and extended
/// attributes kept); docs/snapshots.md says why tar + sha256 rather than restic or borg. The newest
/// <see cref="Keep"/> per service are kept.
/// </summary>
public sealed partial class SnapshotStore
{
    public const int DefaultKeep = 5;

    /// <summary>How often a long archive or restore says how far it is.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    private readonly Lazy<int> _keep;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, int> _pinned = new(StringComparer.Ordinal);

    public SnapshotStore(PortiqueRoot root, int keep = DefaultKeep, TimeProvider? time = null)
        : this(root, () => keep, time)
    {
    }

    /// <param name="keep">Read once, when a snapshot is first pruned (<c>nombre_instantanes</c> needs the configuration evaluated).</param>
    public SnapshotStore(PortiqueRoot root, Func<int> keep, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(keep);
        Directory = Path.Join(root.StateDirectory, "snapshots");
        _keep = new Lazy<int>(() => keep() is var value && value >= 1 ? value : DefaultKeep);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Snapshots kept per service (<c>nombre_instantanes</c>); older ones are deleted when a new one is taken.</summary>
    public int Keep => _keep.Value;

    public string Directory { get; }

    /// <summary>The system's GNU tar; a test may point elsewhere to make archiving fail.</summary>
    public string TarExecutable { get; init; } = "tar";

    /// <summary>Names and ids reach paths: letters, digits, '.', '_', '-', starting with a letter or digit, at most 128.</summary>
    public static void ValidateName(string? value, string subject)
    {
        if (value is null || !SafeName().IsMatch(value))
        {
            throw new InvalidInputException(subject, Messages.FormatSnapshotBadName(value ?? ""));
        }
    }

    /// <summary>While the returned handle lives, pruning never deletes <paramref name="id"/> (the snapshot a rollback restores).</summary>
    public IDisposable Pin(string service, string id)
    {
        var key = service + "/" + id;
        _pinned.AddOrUpdate(key, 1, (_, count) => count + 1);
        return new Unpin(() => _pinned.AddOrUpdate(key, 0, (_, count) => count - 1));
    }

    /// <summary>
    /// Archives <paramref name="hostPaths"/> (missing ones are skipped: nothing to keep) with the previous spec, then
    /// deletes the service's snapshots beyond <see cref="Keep"/>. Any failure leaves no partial snapshot behind and is a
    /// <see cref="RuntimeFailureException"/> naming the service.
    /// </summary>
    public async Task<SnapshotManifest> TakeAsync(
        string service, string reason, string? artifactId, string? specJson, IReadOnlyList<string> hostPaths, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ValidateName(service, "NAME");
        ArgumentNullException.ThrowIfNull(hostPaths);
        var created = _time.GetUtcNow();
        var serviceDirectory = Path.Join(Directory, service);
        var stamp = created.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var id = stamp;
        for (var n = 2; System.IO.Directory.Exists(Path.Join(serviceDirectory, id)); n++)
        {
            id = stamp + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        var partial = Path.Join(serviceDirectory, "." + id + ".partial");
        try
        {
            // Root-only: the archives hold the services' data.
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            System.IO.Directory.CreateDirectory(partial);
            var volumes = new List<SnapshotVolume>();
            foreach (var (hostPath, index) in hostPaths.Distinct(StringComparer.Ordinal).Select((p, i) => (p, i)))
            {
                if (!Path.IsPathFullyQualified(hostPath) || !System.IO.Directory.Exists(hostPath))
                {
                    continue;
                }

                var archive = $"volume-{index.ToString(CultureInfo.InvariantCulture)}.tar";
                var archivePath = Path.Join(partial, archive);
                progress?.Report(Messages.FormatSnapshotArchiving(hostPath));
                var watch = Stopwatch.StartNew();
                await RunTarAsync(
                    ["--create", "--file", archivePath, "--directory", hostPath, "--numeric-owner", "--sparse", "--xattrs", "--", "."],
                    archivePath,
                    hostPath,
                    progress,
                    cancellationToken);
                var size = new FileInfo(archivePath).Length;
                progress?.Report(Messages.FormatSnapshotArchived(hostPath, UsageText.Approximate(size), Tool.Seconds(watch.Elapsed)));
                volumes.Add(new SnapshotVolume(hostPath, archive, await HashAsync(archivePath, cancellationToken), size));
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
            await File.WriteAllTextAsync(Path.Join(partial, "manifest.json"), JsonSerializer.Serialize(manifest, SnapshotJsonContext.Default.SnapshotManifest), cancellationToken);
            System.IO.Directory.Move(partial, Path.Join(serviceDirectory, id));
            Prune(service);
            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException or PortiqueException)
        {
            TryDelete(partial);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new RuntimeFailureException(Messages.FormatSnapshotFailed(service, e.Message), e);
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

    /// <summary>A service's snapshot by id, or its newest; none or unknown: exit 2 naming what exists.</summary>
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
    /// Checks that every archive is there and matches its sha256, and that every host path may be written (absolute,
    /// not a system tree, <see cref="HostPaths"/>); a <see cref="RuntimeFailureException"/> naming the first that does
    /// not. Reads only.
    /// </summary>
    public async Task VerifyAsync(SnapshotManifest manifest, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ValidateName(manifest.Service, "NAME");
        ValidateName(manifest.Id, "SNAPSHOT");
        foreach (var volume in manifest.Volumes)
        {
            ValidateName(volume.Archive, "archive");
            if (!Path.IsPathFullyQualified(volume.HostPath) || HostPaths.ForbiddenTree(volume.HostPath) is not null)
            {
                throw new RuntimeFailureException(Messages.FormatSnapshotBadHostPath(manifest.Id, volume.HostPath));
            }

            progress?.Report(Messages.FormatSnapshotVerifying(volume.Archive));
            var path = Path.Join(Directory, manifest.Service, manifest.Id, volume.Archive);
            if (!File.Exists(path) || await HashAsync(path, cancellationToken) != volume.Sha256)
            {
                throw new RuntimeFailureException(Messages.FormatSnapshotCorrupt(manifest.Id, volume.Archive));
            }
        }
    }

    /// <summary>
    /// <see cref="VerifyAsync"/>, then makes each host directory exactly what was archived: its content removed, the
    /// archive extracted with its owners and modes. Nothing is touched when an archive does not match.
    /// </summary>
    public async Task RestoreVolumesAsync(SnapshotManifest manifest, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await VerifyAsync(manifest, progress, cancellationToken);
        await RestoreVerifiedAsync(manifest, progress, cancellationToken);
    }

    /// <summary>The restore of <see cref="RestoreVolumesAsync"/> once <see cref="VerifyAsync"/> passed.</summary>
    internal async Task RestoreVerifiedAsync(SnapshotManifest manifest, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var directory = Path.Join(Directory, manifest.Service, manifest.Id);
        foreach (var volume in manifest.Volumes)
        {
            progress?.Report(Messages.FormatSnapshotRestoring(volume.HostPath));
            try
            {
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

                await RunTarAsync(
                    ["--extract", "--file", Path.Join(directory, volume.Archive), "--directory", volume.HostPath, "--numeric-owner", "--same-owner", "--same-permissions", "--xattrs"],
                    null,
                    volume.HostPath,
                    progress,
                    cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RuntimeFailureException(Messages.FormatSnapshotRestoreFailed(manifest.Id, volume.HostPath, e.Message), e);
            }
        }
    }

    private void Prune(string service)
    {
        foreach (var old in List(service).Skip(Keep).Where(m => !_pinned.TryGetValue(service + "/" + m.Id, out var pins) || pins <= 0))
        {
            TryDelete(Path.Join(Directory, service, old.Id));
        }
    }

    /// <summary>Runs tar; while it archives, says every few seconds how large the archive has grown.</summary>
    private async Task RunTarAsync(IReadOnlyList<string> arguments, string? growing, string hostPath, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = progress is null ? Task.CompletedTask : ReportWhileRunningAsync(growing, hostPath, progress, done.Token);
        try
        {
            var result = await Tool.RunAsync(TarExecutable, arguments, Timeout.InfiniteTimeSpan, ToolMessages.Default, cancellationToken);
            if (!result.Succeeded)
            {
                throw new RuntimeFailureException(Messages.FormatSnapshotTarFailed(result.Command, result.ExitCode, result.Detail));
            }
        }
        finally
        {
            await done.CancelAsync();
            await reporter;
        }
    }

    private async Task ReportWhileRunningAsync(string? growing, string hostPath, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await Task.Delay(ProgressInterval, _time, cancellationToken);
                var size = growing is not null && File.Exists(growing) ? UsageText.Approximate(new FileInfo(growing).Length) : "…";
                progress.Report(Messages.FormatSnapshotStillWorking(hostPath, size, Tool.Seconds(watch.Elapsed)));
            }
        }
        catch (OperationCanceledException)
        {
            // The work is over.
        }
    }

    private SnapshotManifest? ReadManifest(string directory)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Join(directory, "manifest.json")), SnapshotJsonContext.Default.SnapshotManifest);
            return manifest is not null && manifest.Id == Path.GetFileName(directory) && Path.Join(Directory, manifest.Service) == Path.GetDirectoryName(directory)
                ? manifest
                : null;
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

    private sealed class Unpin(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }
        }
    }
}

/// <summary>The manifest's JSON, generated at build time (no reflection: the shipped command is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SnapshotManifest))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
