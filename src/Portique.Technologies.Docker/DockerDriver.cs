using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Docker;

/// <summary>
/// Runs <c>docker</c> and <c>docker+git</c> services on one dockerd, through the Engine API only. Every container it
/// creates carries <c>portique.root=ROOT</c>; it lists, changes and removes no container without that exact label.
/// </summary>
public sealed partial class DockerDriver : IServiceDriver, IUpdateChecker, IUsageReader, IDisposable
{
    private readonly DockerApiClient _api;

    /// <param name="root">The Portique root this driver serves: the only containers it touches carry its label.</param>
    /// <param name="endpoint">dockerd's endpoint; null: <c>DOCKER_HOST</c>, else <c>unix:///var/run/docker.sock</c>.</param>
    /// <param name="options">Timeouts and tools; null: the defaults.</param>
    public DockerDriver(PortiqueRoot root, Uri? endpoint = null, DockerDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Endpoint = endpoint ?? DockerEndpoint.Default();
        Options = options ?? new DockerDriverOptions();
        _api = new DockerApiClient(
            Endpoint,
            Options.ApiVersion,
            new DockerApiMessages(
                Messages.FormatDaemonUnreachable, Messages.FormatDaemonRefused, Messages.FormatApiTooOld, Messages.FormatListFailed, Messages.FormatInspectFailed, Messages.FormatInspectImageFailed));
        _network = new DockerPrivateNetwork(_api, root.Directory, Messages.FormatNetworkFailed);
    }

    public PortiqueRoot Root { get; }

    public Uri Endpoint { get; }

    public DockerDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { DockerModule.Docker, DockerModule.DockerGit }.ToFrozenSet();

    /// <summary>Containers: most of a change is waiting on the engine, which takes many at once (README, Performance).</summary>
    public int ConcurrentChanges => 32;

    /// <summary>
    /// The image a service runs: <c>repository/url:tag</c> (or <c>url:tag</c>) for docker; <c>url:tag</c> for docker+git,
    /// the git ref made a valid docker tag (characters outside <c>[A-Za-z0-9_.-]</c> become <c>-</c>).
    /// </summary>
    public static string ImageReference(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Technology == DockerModule.DockerGit)
        {
            return spec.Url + ":" + DockerTag(spec.Tag);
        }

        var name = string.IsNullOrEmpty(spec.Repository) ? spec.Url : spec.Repository.TrimEnd('/') + "/" + spec.Url;
        return string.IsNullOrEmpty(spec.Tag) ? name : name + ":" + spec.Tag;
    }

    /// <summary>Where the docker+git service <paramref name="name"/> keeps its bare clone.</summary>
    public string GitCacheDirectory(string name)
    {
        ValidateServiceName(name);
        return Path.Join(Root.StateDirectory, "git", name);
    }

    /// <inheritdoc/>
    public Task ConnectAheadAsync(CancellationToken cancellationToken) => _api.ConnectAheadAsync(cancellationToken);

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken) =>
        await _api.ProbeAsync((client, ct) => client.System.PingAsync(ct), Options.PingTimeout, cancellationToken);

    /// <summary>
    /// One list call: the labels carry the name, technology, spec hash and spec; the list gives state, image id and the
    /// published ports of running containers (a stopped one's ports are its recorded spec's). No inspect per container.
    /// </summary>
    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        var listed = await _api.Containers.ListByLabelAsync(Labels.Root, Root.Directory, cancellationToken);
        return listed.Where(c => IsOwned(c.Labels)).OrderBy(c => c.Created).Select(ToObserved).ToList();
    }

    /// <summary>The images already tagged for the docker services (not docker+git: its tag follows a git ref), in one list call.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FindLocalArtifactsAsync(IReadOnlyList<ServiceSpec> specs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var references = specs.Where(s => s.Technology == DockerModule.Docker)
            .ToDictionary(s => s.Name, s => string.IsNullOrEmpty(s.Tag) ? ImageReference(s) + ":latest" : ImageReference(s), StringComparer.Ordinal);
        if (references.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var images = await _api.Images.ListByReferencesAsync(references.Values.Distinct(StringComparer.Ordinal), m => Messages.FormatInspectImageFailed(string.Join(", ", references.Values), m), cancellationToken);
        var byTag = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            foreach (var tag in image.RepoTags ?? [])
            {
                byTag[tag] = image.ID;
            }
        }

        return references.Where(r => byTag.ContainsKey(r.Value)).ToDictionary(r => r.Key, r => byTag[r.Value], StringComparer.Ordinal);
    }

    public async Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var holder = await _api.Containers.FindByExactNameAsync(name, cancellationToken);
        if (holder is null || IsOwned(holder.Labels))
        {
            return null;
        }

        var id = DockerInspect.ShortId(holder.ID);
        return holder.Labels is not null && holder.Labels.TryGetValue(Labels.Root, out var owner)
            ? Messages.FormatForeignHolderOwned(id, holder.Image, owner)
            : Messages.FormatForeignHolderUnlabelled(id, holder.Image);
    }

    public Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        return spec.Technology == DockerModule.DockerGit
            ? BuildFromGitAsync(spec, refresh, progress, cancellationToken)
            : PullAsync(spec, refresh, progress, cancellationToken);
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CreateNamedAsync(spec, artifactId, spec.Name, cancellationToken);
    }

    public bool StartsBeside => true;

    /// <summary>The container is named after the service when no container holds that name, else <c>NAME.portique-next</c>.</summary>
    public async Task<ObservedService> CreateBesideAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var taken = await _api.Containers.FindByExactNameAsync(spec.Name, cancellationToken) is not null;
        return await CreateNamedAsync(spec, artifactId, taken ? ServiceLifecycle.NextName(spec.Name) : spec.Name, cancellationToken);
    }

    /// <summary>dockerd renames a running container: the instance started beside takes its service's name without stopping.</summary>
    public Task<ObservedService> TakeServiceNameAsync(ObservedService instance, CancellationToken cancellationToken) =>
        RenameAsync(instance, aside: false, cancellationToken);

    private async Task<ObservedService> CreateNamedAsync(ServiceSpec spec, string artifactId, string containerName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        ValidateServiceName(spec.Name);
        var reference = ImageReference(spec);
        var image = await _api.Images.TryInspectAsync(artifactId, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        var version = reference;
        if (spec.Technology == DockerModule.DockerGit && image.Config?.Labels is { } imageLabels
            && imageLabels.TryGetValue(Labels.GitCommit, out var commit))
        {
            version = string.Create(CultureInfo.InvariantCulture, $"{reference} ({ShortCommit(commit)})");
        }

        foreach (var volume in spec.Volumes)
        {
            HostDirectory.Ensure(spec.Name, volume.HostPath, Messages.FormatVolumeDirectoryFailed);
        }

        var parameters = new CreateContainerParameters
        {
            Name = containerName,
            Image = image.ID,
            Env = spec.EnvironmentWithSecrets.ToList(),
            // `docker stop` by hand waits as long as Portique does.
            StopTimeout = spec.StopTimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            Labels = Labels.Of(Root.Directory, spec, version),
            ExposedPorts = spec.Ports
                .Select(p => PortKey(p.ContainerPort))
                .Distinct(StringComparer.Ordinal)
                .ToDictionary(key => key, _ => new EmptyStruct(), StringComparer.Ordinal),
            HostConfig = new HostConfig
            {
                // Structured bind mounts: no "host:container" string to split, so a ':' in a path cannot confuse dockerd.
                Mounts = spec.Volumes
                    .Select(v => new Mount { Type = "bind", Source = v.HostPath, Target = v.ContainerPath })
                    .Concat(spec.Secrets.Select(s => new Mount { Type = "bind", Source = s.HostPath(Root, spec.Name), Target = s.ContainerPath, ReadOnly = true }))
                    .ToList(),
                // On the private network the frontend publishes the host ports (nginx stream), not dockerd.
                PortBindings = (spec.PortsPublishedByFrontend ? [] : spec.Ports)
                    .GroupBy(p => PortKey(p.ContainerPort), StringComparer.Ordinal)
                    .ToDictionary(
                        group => group.Key,
                        group => (IList<PortBinding>)group
                            .Select(p => new PortBinding
                            {
                                HostIP = spec.PublishAddress,
                                HostPort = p.HostPort.ToString(CultureInfo.InvariantCulture),
                            })
                            .ToList(),
                        StringComparer.Ordinal),
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
                // docker-init as PID 1: it forwards SIGTERM, so a process that ignores signals as PID 1 still stops at once.
                Init = true,

                // conteneurN_memoire / conteneurN_cpu (0: no limit); swap as large as the limit: beyond it the process is killed, not swapped.
                Memory = spec.MemoryBytes ?? 0,
                MemorySwap = spec.MemoryBytes ?? 0,
                NanoCPUs = spec.NanoCpus ?? 0,
            },
        };

        await JoinNetworkAsync(spec, parameters, cancellationToken);

        // Neither the create nor the start is abandoned half-way when the caller cancels (Ctrl+C): dockerd finishes a
        // create whose client left, and the container would hold the name unknown to anyone. An interrupted caller
        // gets the container removed once dockerd says it exists.
        var created = await _api.UninterruptedAsync(
            ct => _api.Containers.CreateAsync(
                parameters, m => Messages.FormatCreateFailed(spec.Name, m), m => Messages.FormatContainerNameTaken(spec.Name, m), ct),
            Options.CreateAndStartLimit,
            m => Messages.FormatCreateFailed(spec.Name, m));
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _api.UninterruptedAsync(
                ct => _api.Containers.StartAsync(created.ID, m => Messages.FormatStartFailed(spec.Name, m), ct),
                Options.CreateAndStartLimit,
                m => Messages.FormatStartFailed(spec.Name, m));
            cancellationToken.ThrowIfCancellationRequested();
            return ToObserved(await InspectOwnedAsync(created.ID, containerName, cancellationToken));
        }
        catch (Exception exception) when (exception is RuntimeFailureException or OperationCanceledException)
        {
            // "Creates and starts": a container that cannot start (port already allocated...) would hold the name
            // and make the next attempt fail on a conflict, so it goes; so does one whose caller was interrupted,
            // which never got to know it. Nothing else of the service is touched.
            await _api.Containers.RemoveQuietlyAsync(created.ID);
            throw;
        }
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        await _api.Containers.StartAsync(container.ID, m => Messages.FormatStartFailed(ContainerName(container), m), cancellationToken);
    }

    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        await _api.Containers.StopAsync(container.ID, Lifecycle.StopTimeoutOf(instance), m => Messages.FormatStopFailed(ContainerName(container), m), cancellationToken);
    }

    /// <summary>Renames the container <c>NAME.portique-aside</c>, or back to <c>NAME</c>.</summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        var current = ContainerName(container);
        var name = ServiceName(container);
        var target = aside ? ServiceLifecycle.AsideName(name) : name;
        if (current != target)
        {
            await _api.Containers.RenameAsync(container.ID, target, m => Messages.FormatRenameFailed(current, target, m), cancellationToken);
        }

        return ToObserved(await InspectOwnedAsync(container.ID, target, cancellationToken));
    }

    /// <summary>
    /// Force-removes the container. Bind-mounted host directories are never touched, and neither are anonymous
    /// volumes (an image's <c>VOLUME</c> the configuration does not map): they may hold the only copy of data the
    /// administrator never knew was there; <c>docker volume prune</c> reclaims them deliberately.
    /// </summary>
    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ContainerInspectResponse container;
        try
        {
            container = await ResolveOwnedAsync(instance, cancellationToken);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        await _api.Containers.RemoveAsync(container.ID, m => Messages.FormatRemoveFailed(ContainerName(container), m), cancellationToken);
    }

    /// <summary>The container's health, start time and restart count as dockerd reports them.</summary>
    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        return new InstanceObservation(Health(container)) { StartedAt = container.State?.StartedAt, RestartCount = container.RestartCount };
    }

    /// <summary>The container's stdout and stderr as dockerd keeps them; following ends when the container stops.</summary>
    public async IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = await ServiceLogs.FindInstanceAsync(name, FindOwnedForLogsAsync, () => Messages.FormatContainerNotFound(name, Root.Directory), cancellationToken);
        var lines = LogLines.ReadAsync(
            _api,
            ct => _api.Containers.OpenLogsAsync(container.ID, request.Follow, request.Tail, m => Messages.FormatLogsFailed(name, m), ct),
            timestamps: false,
            m => Messages.FormatLogsFailed(name, m),
            cancellationToken);
        await foreach (var line in lines)
        {
            yield return line;
        }
    }

    /// <summary>
    /// The container's memory (without its reclaimable file cache, as <c>docker stats</c>) and processor use, from one
    /// stats sample; null when it is gone or dockerd cannot say.
    /// </summary>
    public async Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.InstanceId is not { } id)
        {
            return null;
        }

        try
        {
            var stats = await _api.Containers.TryStatsAsync(id, m => Messages.FormatInspectFailed(instance.Name, m), cancellationToken);
            return stats is null ? null : Usage(stats);
        }
        catch (RuntimeFailureException)
        {
            return null;
        }
    }

    /// <summary><c>docker stats</c>' arithmetic (<see cref="DockerContainerOperations.Usage"/>).</summary>
    internal static ResourceUsage Usage(ContainerStatsResponse stats) => DockerContainerOperations.Usage(stats);

    /// <summary>
    /// Compares the repository digests of the image the container runs with the registry's digest for the spec's tag,
    /// asked through dockerd (nothing is pulled). docker+git images are built here: not applicable.
    /// </summary>
    public async Task<UpdateCheck> CheckUpdateAsync(ServiceSpec spec, ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(instance);
        var reference = ImageReference(spec);
        if (spec.Technology == DockerModule.DockerGit)
        {
            return new UpdateCheck(UpdateState.NotApplicable, Messages.FormatNoRegistryDigest(reference));
        }

        try
        {
            var image = await _api.Images.TryInspectAsync(instance.ArtifactId ?? reference, cancellationToken);
            if (image?.RepoDigests is not { Count: > 0 } local)
            {
                return new UpdateCheck(UpdateState.NotApplicable, Messages.FormatNoRegistryDigest(reference));
            }

            var remote = await _api.Images.InspectDistributionAsync(reference, m => Messages.FormatRegistryCheckFailed(reference, m), cancellationToken);
            var digest = remote.Descriptor?.Digest;
            return string.IsNullOrEmpty(digest)
                ? new UpdateCheck(UpdateState.Unknown, Messages.FormatRegistryCheckFailed(reference, "no digest"))
                : new UpdateCheck(ImageDigests.Compare(local, digest), digest);
        }
        catch (RuntimeFailureException exception)
        {
            return new UpdateCheck(UpdateState.Unknown, exception.Message);
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _network.Dispose();
    }

    // ---------------------------------------------------------------- fetch: docker

    private async Task<string> PullAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var reference = ImageReference(spec);
        var present = await _api.Images.TryInspectAsync(reference, cancellationToken);
        if (present is not null && !refresh)
        {
            return present.ID;
        }

        progress.Report(Messages.FormatPulling(reference));
        var pull = new PullProgress(reference, progress);
        await _api.Images.PullAsync(
            string.IsNullOrEmpty(spec.Repository) ? spec.Url : spec.Repository.TrimEnd('/') + "/" + spec.Url,
            string.IsNullOrEmpty(spec.Tag) ? "latest" : spec.Tag,
            pull,
            m => Messages.FormatPullFailed(reference, m),
            cancellationToken);

        if (pull.Error is { } error)
        {
            throw new RuntimeFailureException(Messages.FormatPullFailed(reference, error));
        }

        var image = await _api.Images.TryInspectAsync(reference, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        progress.Report(Messages.FormatPulled(reference, DockerInspect.ShortId(image.ID)));
        return image.ID;
    }

    // ---------------------------------------------------------------- fetch: docker+git

    private async Task<string> BuildFromGitAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var cache = new GitMirror(
            Options.GitExecutable, GitCacheDirectory(spec.Name), new GitMirrorMessages(Messages.FormatGitFailed, Messages.FormatGitNotInstalled, Messages.FormatGitRefInvalid));
        var repository = spec.Repository;
        if (!GitReference.IsValid(spec.Tag))
        {
            throw new RuntimeFailureException(Messages.FormatGitRefInvalid(spec.Tag));
        }

        var staleBecause = await cache.UpdateAsync(repository, mayUseStaleCopy: !refresh, cancellationToken);
        if (staleBecause is not null)
        {
            progress.Report(Messages.FormatGitFetchFallback(repository, staleBecause));
        }

        var commit = await cache.ResolveAsync(repository, spec.Tag, cancellationToken) ?? throw new RuntimeFailureException(staleBecause is null
                ? Messages.FormatGitRefMissing(spec.Tag, repository)
                : Messages.FormatGitFailed("fetch", repository, staleBecause));
        var reference = ImageReference(spec);
        if (!refresh)
        {
            var built = await FindBuiltImageAsync(spec.Url, commit, cancellationToken);
            if (built is not null)
            {
                await _api.Images.TagAsync(
                    built.ID, spec.Url, DockerTag(spec.Tag), m => Messages.FormatBuildFailed(reference, repository, ShortCommit(commit), m), cancellationToken);
                progress.Report(Messages.FormatBuildReused(reference, ShortCommit(commit)));
                return built.ID;
            }
        }

        progress.Report(Messages.FormatBuilding(reference, repository, ShortCommit(commit)));
        var contextPath = Path.GetTempFileName();
        await using var context = new FileStream(contextPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await cache.ArchiveAsync(repository, commit, context, cancellationToken);
        context.Position = 0;

        var output = new BuildProgress(progress);
        await _api.Images.BuildAsync(
            new ImageBuildParameters
            {
                Tags = [reference],
                Labels = new Dictionary<string, string>
                {
                    [Labels.GitCommit] = commit,
                    [Labels.Image] = spec.Url,
                    [Labels.GitRepository] = repository,
                },
                Remove = true,
                ForceRemove = true,
            },
            context,
            output,
            m => BuildFailure(reference, repository, commit, m, output),
            cancellationToken);

        if (output.Error is { } error)
        {
            throw new RuntimeFailureException(BuildFailure(reference, repository, commit, error, output));
        }

        var image = await _api.Images.TryInspectAsync(reference, cancellationToken);
        if (image?.Config?.Labels is null || !image.Config.Labels.TryGetValue(Labels.GitCommit, out var labelled) || labelled != commit)
        {
            throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        }

        return image.ID;
    }

    private static string BuildFailure(string reference, string repository, string commit, string error, BuildProgress output)
    {
        var message = Messages.FormatBuildFailed(reference, repository, ShortCommit(commit), error);
        return output.LastLines.Count == 0
            ? message
            : message + Environment.NewLine + Messages.BuildLastLines + Environment.NewLine + string.Join(Environment.NewLine, output.LastLines);
    }

    private async Task<ImagesListResponse?> FindBuiltImageAsync(string imageName, string commit, CancellationToken cancellationToken)
    {
        var images = await _api.Images.ListByLabelsAsync(
            new Dictionary<string, string> { [Labels.GitCommit] = commit, [Labels.Image] = imageName },
            m => Messages.FormatInspectImageFailed(imageName, m),
            cancellationToken);
        return images
            .Where(i => i.Labels is not null
                && i.Labels.TryGetValue(Labels.GitCommit, out var c) && c == commit
                && i.Labels.TryGetValue(Labels.Image, out var n) && n == imageName)
            .OrderByDescending(i => i.Created)
            .FirstOrDefault();
    }

    // ---------------------------------------------------------------- containers

    private bool IsOwned(IDictionary<string, string>? labels) => DockerInspect.HasLabel(labels, Labels.Root, Root.Directory);

    private async Task<ContainerInspectResponse> ResolveOwnedAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ContainerInspectResponse? container = null;
        if (!string.IsNullOrEmpty(instance.InstanceId))
        {
            container = await _api.Containers.TryInspectAsync(instance.InstanceId, cancellationToken);
        }
        else
        {
            var byName = await _api.Containers.FindByExactNameAsync(instance.IsAside ? ServiceLifecycle.AsideName(instance.Name) : instance.Name, cancellationToken);
            if (byName is not null)
            {
                container = await _api.Containers.TryInspectAsync(byName.ID, cancellationToken);
            }
        }

        if (container is null)
        {
            throw new InstanceMissingException(Messages.FormatContainerNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
        }

        return IsOwned(container.Config?.Labels)
            ? container
            : throw new RuntimeFailureException(Messages.FormatNotOwned(ContainerName(container), Root.Directory));
    }

    private async Task<ContainerInspectResponse> InspectOwnedAsync(string id, string name, CancellationToken cancellationToken) =>
        await _api.Containers.TryInspectAsync(id, cancellationToken)
            ?? throw new InstanceMissingException(Messages.FormatContainerNotFound(name, Root.Directory));

    /// <summary>The owned container named exactly <paramref name="candidate"/>, or null.</summary>
    private async Task<ContainerInspectResponse?> FindOwnedForLogsAsync(string candidate, CancellationToken cancellationToken)
    {
        var listed = await _api.Containers.FindByExactNameAsync(candidate, cancellationToken);
        if (listed is null)
        {
            return null;
        }

        return IsOwned(listed.Labels)
            ? await _api.Containers.TryInspectAsync(listed.ID, cancellationToken)
            : throw new RuntimeFailureException(Messages.FormatNotOwned(candidate, Root.Directory));
    }

    private static ObservedService ToObserved(ContainerInspectResponse container)
    {
        var labels = container.Config?.Labels ?? new Dictionary<string, string>();
        var containerName = ContainerName(container);
        var technology = labels.TryGetValue(Labels.Technology, out var t) && Technology.TryFromName(t, out var parsed)
            ? parsed
            : DockerModule.Docker;
        return new ObservedService
        {
            Name = ServiceName(container),
            Technology = technology,
            State = container.State is { Running: true } ? InstanceState.Running : InstanceState.Stopped,
            SpecHash = labels.TryGetValue(Labels.SpecHash, out var hash) ? hash : null,
            SpecJson = labels.TryGetValue(Labels.Spec, out var json) ? json : null,
            IsAside = ServiceLifecycle.IsAsideName(containerName, out _),
            InstanceName = ServiceLifecycle.IsNextName(containerName, out _) ? containerName : null,
            Ports = PublishedPorts(container.HostConfig),
            InstanceId = container.ID,
            ArtifactId = container.Image,
            Version = labels.TryGetValue(Labels.Version, out var version) ? version : container.Config?.Image,
        };
    }

    private static PortMapping[] PublishedPorts(HostConfig? hostConfig)
    {
        if (hostConfig?.PortBindings is null)
        {
            return [];
        }

        var ports = new List<PortMapping>();
        foreach (var (key, bindings) in hostConfig.PortBindings)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (!int.TryParse(slash < 0 ? key : key[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var containerPort))
            {
                continue;
            }

            foreach (var binding in bindings ?? [])
            {
                if (int.TryParse(binding.HostPort, NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort))
                {
                    ports.Add(new PortMapping(hostPort, containerPort));
                }
            }
        }

        return ports.OrderBy(p => p.HostPort).ToArray();
    }

    private static ObservedService ToObserved(ContainerListResponse container)
    {
        var labels = container.Labels ?? new Dictionary<string, string>();
        var containerName = container.Names?.FirstOrDefault()?.TrimStart('/') ?? "";
        var technology = labels.TryGetValue(Labels.Technology, out var t) && Technology.TryFromName(t, out var parsed)
            ? parsed
            : DockerModule.Docker;
        var asideOf = ServiceLifecycle.IsAsideName(containerName, out var service);
        var name = labels.TryGetValue(Labels.Name, out var labelled) && !string.IsNullOrEmpty(labelled) ? labelled : service;
        var json = labels.TryGetValue(Labels.Spec, out var spec) ? spec : null;
        var ports = (container.Ports ?? [])
            .Where(p => p.PublicPort is > 0)
            .Select(p => new PortMapping(p.PublicPort!.Value, p.PrivatePort))
            .Distinct()
            .OrderBy(p => p.HostPort)
            .ToArray();
        if (ports.Length == 0 && SpecSchema.TryParse(json, name, 0) is { } recorded)
        {
            ports = [.. recorded.Ports.OrderBy(p => p.HostPort)];
        }

        return new ObservedService
        {
            Name = name,
            Technology = technology,
            State = container.State == "running" ? InstanceState.Running : InstanceState.Stopped,
            SpecHash = labels.TryGetValue(Labels.SpecHash, out var hash) ? hash : null,
            SpecJson = json,
            IsAside = asideOf,
            InstanceName = ServiceLifecycle.IsNextName(containerName, out _) ? containerName : null,
            Ports = ports,
            InstanceId = container.ID,
            ArtifactId = container.ImageID,
            Version = labels.TryGetValue(Labels.Version, out var version) ? version : container.Image,
        };
    }

    private static EngineHealth Health(ContainerInspectResponse container) => DockerInspect.Health(container);

    private static string ContainerName(ContainerInspectResponse container) => DockerInspect.ContainerName(container);

    private static string ServiceName(ContainerInspectResponse container)
    {
        if (container.Config?.Labels is { } labels && labels.TryGetValue(Labels.Name, out var name) && !string.IsNullOrEmpty(name))
        {
            return name;
        }

        ServiceLifecycle.IsAsideName(ContainerName(container), out var service);
        return service;
    }

    private static string PortKey(int containerPort) => containerPort.ToString(CultureInfo.InvariantCulture) + "/tcp";

    // ---------------------------------------------------------------- plumbing

    private void EnsureTechnology(ServiceSpec spec)
    {
        if (!Technologies.Contains(spec.Technology))
        {
            throw new RuntimeFailureException(Messages.FormatUnsupportedTechnology(spec.Technology.Name));
        }
    }

    private static void ValidateServiceName(string name)
    {
        if (name is null || !ServiceNamePattern().IsMatch(name))
        {
            throw new InvalidInputException(name ?? "", Messages.FormatInvalidServiceName(name));
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceNamePattern();

    [GeneratedRegex("[^A-Za-z0-9_.-]", RegexOptions.CultureInvariant)]
    private static partial Regex NotInDockerTag();

    /// <summary>A git ref as a docker tag: <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>.</summary>
    internal static string DockerTag(string reference)
    {
        var tag = NotInDockerTag().Replace(reference, "-");
        if (tag.Length == 0 || tag[0] is '.' or '-')
        {
            tag = "_" + tag;
        }

        return tag.Length > 128 ? tag[..128] : tag;
    }

    private static string ShortCommit(string commit) => commit.Length > 12 ? commit[..12] : commit;

    /// <summary>The labels Portique puts on containers and built images.</summary>
    public static class Labels
    {
        public const string Root = "portique.root";
        public const string Name = "portique.name";
        public const string Technology = "portique.technology";
        public const string SpecHash = "portique.spec-hash";
        public const string Spec = "portique.spec";
        public const string Index = "portique.index";
        public const string Version = "portique.version";

        /// <summary>
        /// The labels that make an instance Portique's (docker container, podman container, swarm service): root, name,
        /// technology, canonical spec and its hash, index, and the version shown by <c>status</c>.
        /// </summary>
        public static Dictionary<string, string> Of(string root, ServiceSpec spec, string version)
        {
            ArgumentNullException.ThrowIfNull(spec);
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [Root] = root,
                [Name] = spec.Name,
                [Technology] = spec.Technology.Name,
                [SpecHash] = spec.SpecHash(),
                [Spec] = spec.CanonicalJson(),
                [Index] = spec.Index.ToString(CultureInfo.InvariantCulture),
                [Version] = version,
            };
        }

        /// <summary>On images built by docker+git: the commit built.</summary>
        public const string GitCommit = "portique.git-commit";

        /// <summary>On images built by docker+git: the image name (<c>spec.Url</c>) it was built for.</summary>
        public const string Image = "portique.image";

        /// <summary>On images built by docker+git: the repository it came from.</summary>
        public const string GitRepository = "portique.git-repository";
    }
}
