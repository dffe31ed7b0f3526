using System.Collections.Frozen;
using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Snap;

/// <summary>
/// Runs <c>snapcraft</c> services: the snap <c>conteneurN_url</c> built with snapcraft from the git repository
/// <c>conteneurN_repository</c> at ref <c>conteneurN_tag</c>, and installed as a local ("dangerous", unsigned) snap
/// through snapd's REST API. The repository is fetched into a bare cache under the root; each commit is built once, into
/// <c>StateDirectory/snapcraft/builds/NAME/COMMIT/SNAP.snap</c>. Everything else is as for <see cref="SnapDriver"/>.
/// </summary>
public sealed partial class SnapcraftDriver : IServiceDriver, IDisposable
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly SnapEngine _engine;

    /// <param name="root">The Portique root: records, git caches and builds live under it.</param>
    /// <param name="options">The socket, git, snapcraft and timeouts; null: the defaults.</param>
    public SnapcraftDriver(PortiqueRoot root, SnapDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Options = options ?? new SnapDriverOptions();
        _engine = new SnapEngine(root, Options);
    }

    public PortiqueRoot Root => _engine.Root;

    public SnapDriverOptions Options { get; }

    public IReadOnlySet<Technology> Technologies { get; } = new[] { SnapcraftModule.Snapcraft }.ToFrozenSet();

    /// <summary>Where the snapcraft service <paramref name="name"/> keeps its bare clone.</summary>
    public string GitCacheDirectory(string name) => Path.Join(Root.StateDirectory, "snapcraft", "git", CheckedName(name));

    /// <summary>Where the build of <paramref name="commit"/> for service <paramref name="name"/> is kept.</summary>
    public string BuildDirectory(string name, string commit) =>
        CommitId().IsMatch(commit)
            ? Path.Join(Root.StateDirectory, "snapcraft", "builds", CheckedName(name), commit)
            : throw new ArgumentException(Messages.FormatGitRefInvalid(commit), nameof(commit));

    /// <summary>snapd must answer (see <see cref="SnapDriver"/>), and snapcraft must run.</summary>
    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        var snapd = await _engine.CheckSnapdAsync(cancellationToken);
        var snapcraft = await CheckSnapcraftAsync(cancellationToken);
        return (snapd, snapcraft) switch
        {
            (null, null) => null,
            (null, { } missing) => missing,
            ({ } missing, null) => missing,
            var (both, also) => both + " " + also,
        };
    }

    public Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken) =>
        _engine.ListOwnedAsync(SnapcraftModule.Snapcraft, cancellationToken);

    public Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_engine.FindForeignHolder(name));

    /// <summary>
    /// Fetches the repository, resolves the ref to a commit and builds it unless that commit was built already; returns
    /// <c>git:COMMIT</c>. Without <paramref name="refresh"/>, an unreachable repository falls back on the cached copy.
    /// </summary>
    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        SnapEngine.Validate(spec);
        if (!GitReference.IsValid(spec.Tag))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatGitRefInvalid(spec.Tag));
        }

        if (!GitUrl().IsMatch(spec.Repository))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidGitUrl(spec.Repository));
        }

        var git = new GitMirror(
            Options.GitExecutable, GitCacheDirectory(spec.Name), new GitMirrorMessages(Messages.FormatGitFailed, Messages.FormatGitNotInstalled, Messages.FormatGitRefInvalid));
        var stale = await git.UpdateAsync(spec.Repository, mayUseStaleCopy: !refresh, cancellationToken);
        if (stale is not null)
        {
            progress.Report(Messages.FormatGitFetchFallback(spec.Repository, stale));
        }

        var commit = await git.ResolveAsync(spec.Repository, spec.Tag, cancellationToken)
            ?? throw new RuntimeFailureException(stale is null
                ? Messages.FormatGitRefMissing(spec.Tag, spec.Repository)
                : Messages.FormatGitFailed("fetch", spec.Repository, stale));
        progress.Report(Messages.FormatGitResolved(spec.Tag, commit[..12]));

        var build = BuildDirectory(spec.Name, commit);
        if (File.Exists(BuiltSnap(build, spec.Url)))
        {
            progress.Report(Messages.FormatBuildReused(spec.Url, commit[..12]));
            return "git:" + commit;
        }

        await BuildAsync(spec, git, commit, build, progress, cancellationToken);
        return "git:" + commit;
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        SnapEngine.Validate(spec);
        var commit = artifactId.StartsWith("git:", StringComparison.Ordinal) ? artifactId["git:".Length..] : "";
        if (!CommitId().IsMatch(commit) || !File.Exists(BuiltSnap(BuildDirectory(spec.Name, commit), spec.Url)))
        {
            throw new RuntimeFailureException(Messages.FormatBuildMissing(spec.Url, artifactId));
        }

        return _engine.CreateAsync(spec, artifactId, new SnapSource(null, null, BuiltSnap(BuildDirectory(spec.Name, commit), spec.Url)), cancellationToken);
    }

    public Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.StartAsync(instance, cancellationToken);
    }

    public Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.RemoveAsync(instance, cancellationToken);
    }

    public LifecycleOptions Lifecycle => _engine.Lifecycle;

    public Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.StopAsync(instance, cancellationToken);
    }

    public Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.RenameAsync(instance, aside, cancellationToken);
    }

    public Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _engine.ObserveAsync(instance, cancellationToken);
    }

    public IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, CancellationToken cancellationToken) =>
        _engine.OpenLogAsync(name, request, cancellationToken);

    public void Dispose() => _engine.Dispose();

    // ---------------------------------------------------------------- build

    private static string BuiltSnap(string build, string snap) => Path.Join(build, snap + ".snap");

    private async Task<string?> CheckSnapcraftAsync(CancellationToken cancellationToken)
    {
        var messages = new ToolMessages(
            (_, _) => Messages.FormatSnapcraftFailed(Options.SnapcraftExecutable, Messages.FormatTimedOut(30)),
            Messages.FormatSnapcraftMissing);
        try
        {
            var result = await Tool.RunAsync(Options.SnapcraftExecutable, ["--version"], TimeSpan.FromSeconds(30), messages, cancellationToken);
            return result.ExitCode == 0
                ? null
                : Messages.FormatSnapcraftFailed(Options.SnapcraftExecutable, Tool.LastLines(result.StandardError + "\n" + result.StandardOutput));
        }
        catch (ToolFailureException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return exception.Message;
        }
    }

    /// <summary>
    /// <c>git archive</c> of the commit into a fresh source folder, snapcraft run there (argument list, no shell), the
    /// <c>SNAP_*.snap</c> it makes moved into the build folder. The source folder is deleted whatever happens.
    /// </summary>
    private async Task BuildAsync(ServiceSpec spec, GitMirror git, string commit, string build, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (await CheckSnapcraftAsync(cancellationToken) is { } missing)
        {
            throw new RuntimeFailureException(Messages.FormatBuildImpossible(spec.Url, commit[..12], missing));
        }

        progress.Report(Messages.FormatBuilding(spec.Url, spec.Repository, commit[..12]));
        HostDirectory.CreateMissing(build);
        var source = Path.Join(build, "src-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(source, DirectoryMode);
            var archive = Path.GetTempFileName();
            try
            {
                await using var tar = new FileStream(archive, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
                await git.ArchiveAsync(spec.Repository, commit, tar, cancellationToken);
                tar.Position = 0;
                await TarFile.ExtractToDirectoryAsync(tar, source, overwriteFiles: false, cancellationToken);
            }
            finally
            {
                File.Delete(archive);
            }

            var output = new LastLines(20);
            var messages = new ToolMessages(
                (_, _) => Messages.FormatBuildFailed(spec.Url, commit[..12], Messages.FormatTimedOut(Options.BuildTimeout.TotalSeconds), output.Text),
                (executable, reason) => Messages.FormatBuildImpossible(spec.Url, commit[..12], Messages.FormatSnapcraftMissing(executable, reason)));
            void Line(string line)
            {
                output.Add(line);
                progress.Report(line);
            }

            (await Tool.RunAsync(
                Options.SnapcraftExecutable,
                Options.SnapcraftArguments,
                Options.BuildTimeout,
                messages,
                cancellationToken,
                workingDirectory: source,
                standardOutputLine: Line,
                standardErrorLine: Line))
                .EnsureSucceeded(result => Messages.FormatBuildFailed(
                    spec.Url, commit[..12], string.Create(CultureInfo.InvariantCulture, $"exit {result.ExitCode}"), output.Text));

            var built = Directory.GetFiles(source, "*.snap");
            var ours = built.Where(f => Path.GetFileName(f).StartsWith(spec.Url + "_", StringComparison.Ordinal)).ToArray();
            if (ours.Length != 1)
            {
                throw new RuntimeFailureException(Messages.FormatBuildWrongSnap(spec.Url, commit[..12], built.Length == 0 ? "-" : string.Join(", ", built.Select(Path.GetFileName))));
            }

            var target = BuiltSnap(build, spec.Url);
            File.Move(ours[0], target, overwrite: true);
            await using var stream = File.OpenRead(target);
            var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            await File.WriteAllTextAsync(
                Path.Join(build, "build.json"),
                JsonSerializer.Serialize(new Dictionary<string, string?>
                {
                    ["commit"] = commit,
                    ["repository"] = spec.Repository,
                    ["file"] = Path.GetFileName(ours[0]),
                    ["sha256"] = digest,
                    ["built_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                }, SnapdJsonContext.Default.DictionaryStringString),
                cancellationToken);
            progress.Report(Messages.FormatBuilt(spec.Url, commit[..12], digest[..12]));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new RuntimeFailureException(Messages.FormatBuildFailed(spec.Url, commit[..12], exception.Message, ""), exception);
        }
        finally
        {
            try
            {
                Directory.Delete(source, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A leftover source folder is only disk space; the build result above is what matters.
            }
        }
    }

    private void EnsureTechnology(ServiceSpec spec)
    {
        if (!Technologies.Contains(spec.Technology))
        {
            throw new RuntimeFailureException(Messages.FormatUnsupportedTechnology("snapcraft", spec.Technology.Name));
        }
    }

    private static string CheckedName(string name) =>
        SnapRecordStore.IsServiceName(name) ? name : throw new InvalidInputException(name ?? "", Messages.FormatInvalidServiceName(name));

    [GeneratedRegex(@"^(?:(?:file|https?|git|ssh)://[^\s]+|/[^\s]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex GitUrl();

    [GeneratedRegex("^[0-9a-f]{40}(?:[0-9a-f]{24})?$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitId();

    /// <summary>The last lines of a build's output, for the failure message.</summary>
    private sealed class LastLines(int keep)
    {
        private readonly Queue<string> _lines = new();

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join(Environment.NewLine, _lines);
                }
            }
        }

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > keep)
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}
