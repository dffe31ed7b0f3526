using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Docker.DotNet;
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
public sealed partial class DockerDriver : IServiceDriver, IDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private DockerClient? _client;

    /// <param name="root">The Portique root this driver serves: the only containers it touches carry its label.</param>
    /// <param name="endpoint">dockerd's endpoint; null: <c>DOCKER_HOST</c>, else <c>unix:///var/run/docker.sock</c>.</param>
    /// <param name="options">Timeouts and tools; null: the defaults.</param>
    public DockerDriver(PortiqueRoot root, Uri? endpoint = null, DockerDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Endpoint = endpoint ?? DockerEndpoint.Default();
        Options = options ?? new DockerDriverOptions();
    }

    public PortiqueRoot Root { get; }

    public Uri Endpoint { get; }

    public DockerDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { Technology.Docker, Technology.DockerGit }.ToFrozenSet();

    /// <summary>
    /// The image a service runs: <c>repository/url:tag</c> (or <c>url:tag</c>) for docker; <c>url:tag</c> for docker+git,
    /// the git ref made a valid docker tag (characters outside <c>[A-Za-z0-9_.-]</c> become <c>-</c>).
    /// </summary>
    public static string ImageReference(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Technology == Technology.DockerGit)
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

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.PingTimeout);
        try
        {
            var client = await ClientAsync(timeout.Token);
            await client.System.PingAsync(timeout.Token);
            return null;
        }
        catch (RuntimeFailureException exception)
        {
            return exception.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Messages.DaemonUnreachable(Endpoint, string.Create(CultureInfo.InvariantCulture, $"timeout {Options.PingTimeout.TotalSeconds} s"));
        }
        catch (DockerApiException exception)
        {
            return Messages.DaemonRefused(Endpoint, EngineMessage(exception));
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            return Messages.DaemonUnreachable(Endpoint, Describe(exception));
        }
    }

    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var listed = await CallAsync(
            () => client.Containers.ListContainersAsync(
                new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool> { [Labels.Root + "=" + Root.Directory] = true },
                    },
                },
                cancellationToken),
            Messages.ListFailed,
            cancellationToken);

        var owned = new List<ObservedService>();
        foreach (var container in listed.Where(c => IsOwned(c.Labels)).OrderBy(c => c.Created))
        {
            var inspected = await TryInspectContainerAsync(client, container.ID, cancellationToken);
            if (inspected is not null && IsOwned(inspected.Config?.Labels))
            {
                owned.Add(ToObserved(inspected));
            }
        }

        return owned;
    }

    public async Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var client = await ClientAsync(cancellationToken);
        var holder = await FindByExactNameAsync(client, name, cancellationToken);
        if (holder is null || IsOwned(holder.Labels))
        {
            return null;
        }

        var id = ShortId(holder.ID);
        return holder.Labels is not null && holder.Labels.TryGetValue(Labels.Root, out var owner)
            ? Messages.ForeignHolderOwned(id, holder.Image, owner)
            : Messages.ForeignHolderUnlabelled(id, holder.Image);
    }

    public Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        return spec.Technology == Technology.DockerGit
            ? BuildFromGitAsync(spec, refresh, progress, cancellationToken)
            : PullAsync(spec, refresh, progress, cancellationToken);
    }

    public async Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        ValidateServiceName(spec.Name);
        var client = await ClientAsync(cancellationToken);

        var reference = ImageReference(spec);
        var image = await TryInspectImageAsync(client, artifactId, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.ImageMissing(reference));
        var version = reference;
        if (spec.Technology == Technology.DockerGit && image.Config?.Labels is { } imageLabels
            && imageLabels.TryGetValue(Labels.GitCommit, out var commit))
        {
            version = string.Create(CultureInfo.InvariantCulture, $"{reference} ({ShortCommit(commit)})");
        }

        foreach (var volume in spec.Volumes)
        {
            HostDirectory.Ensure(spec.Name, volume.HostPath, Messages.VolumeDirectoryFailed);
        }

        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = image.ID,
            Env = spec.Environment.ToList(),
            Labels = new Dictionary<string, string>
            {
                [Labels.Root] = Root.Directory,
                [Labels.Name] = spec.Name,
                [Labels.Technology] = spec.Technology.Name(),
                [Labels.SpecHash] = spec.SpecHash(),
                [Labels.Spec] = spec.CanonicalJson(),
                [Labels.Index] = spec.Index.ToString(CultureInfo.InvariantCulture),
                [Labels.Version] = version,
            },
            ExposedPorts = spec.Ports
                .Select(p => PortKey(p.ContainerPort))
                .Distinct(StringComparer.Ordinal)
                .ToDictionary(key => key, _ => new EmptyStruct(), StringComparer.Ordinal),
            HostConfig = new HostConfig
            {
                // Structured bind mounts: no "host:container" string to split, so a ':' in a path cannot confuse dockerd.
                Mounts = spec.Volumes
                    .Select(v => new Mount { Type = "bind", Source = v.HostPath, Target = v.ContainerPath })
                    .ToList(),
                PortBindings = spec.Ports
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
            },
        };

        CreateContainerResponse created;
        try
        {
            created = await client.Containers.CreateContainerAsync(parameters, cancellationToken);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
        {
            throw new RuntimeFailureException(Messages.ContainerNameTaken(spec.Name, EngineMessage(exception)), exception);
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.CreateFailed(spec.Name, m));
        }

        try
        {
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            // "Creates and starts": a container that cannot start (port already allocated...) would hold the name
            // and make the next attempt fail on a conflict, so it goes. Nothing else of the service is touched.
            await RemoveQuietlyAsync(client, created.ID);
            throw Failure(exception, m => Messages.StartFailed(spec.Name, m));
        }

        var inspected = await InspectOwnedAsync(client, created.ID, spec.Name, cancellationToken);
        return ToObserved(inspected);
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var client = await ClientAsync(cancellationToken);
        var container = await ResolveOwnedAsync(client, instance, cancellationToken);
        await CallAsync(
            () => client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), cancellationToken),
            m => Messages.StartFailed(ContainerName(container), m),
            cancellationToken);
    }

    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var client = await ClientAsync(cancellationToken);
        var container = await ResolveOwnedAsync(client, instance, cancellationToken);
        await CallAsync(
            () => client.Containers.StopContainerAsync(
                container.ID,
                new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(Lifecycle.StopTimeout.TotalSeconds) },
                cancellationToken),
            m => Messages.StopFailed(ContainerName(container), m),
            cancellationToken);
    }

    /// <summary>Renames the container <c>NAME.portique-aside</c>, or back to <c>NAME</c>.</summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var client = await ClientAsync(cancellationToken);
        var container = await ResolveOwnedAsync(client, instance, cancellationToken);
        var current = ContainerName(container);
        var name = ServiceName(container);
        var target = aside ? ServiceLifecycle.AsideName(name) : name;
        if (current != target)
        {
            await CallAsync(
                () => client.Containers.RenameContainerAsync(container.ID, new ContainerRenameParameters { NewName = target }, cancellationToken),
                m => Messages.RenameFailed(current, target, m),
                cancellationToken);
        }

        return ToObserved(await InspectOwnedAsync(client, container.ID, target, cancellationToken));
    }

    /// <summary>
    /// Force-removes the container. Bind-mounted host directories are never touched, and neither are anonymous
    /// volumes (an image's <c>VOLUME</c> the configuration does not map): they may hold the only copy of data the
    /// administrator never knew was there; <c>docker volume prune</c> reclaims them deliberately.
    /// </summary>
    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var client = await ClientAsync(cancellationToken);
        ContainerInspectResponse container;
        try
        {
            container = await ResolveOwnedAsync(client, instance, cancellationToken);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        try
        {
            await client.Containers.RemoveContainerAsync(
                container.ID,
                new ContainerRemoveParameters { Force = true, RemoveVolumes = false },
                cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: what was asked is true.
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.RemoveFailed(ContainerName(container), m));
        }
    }

    /// <summary>The container's health, start time and restart count as dockerd reports them.</summary>
    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var client = await ClientAsync(cancellationToken);
        var container = await ResolveOwnedAsync(client, instance, cancellationToken);
        return new InstanceObservation(Health(container)) { StartedAt = container.State?.StartedAt, RestartCount = container.RestartCount };
    }

    public async Task<IReadOnlyList<string>> ReadLogsAsync(string name, int tail, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        var client = await ClientAsync(cancellationToken);
        var container = await FindOwnedForLogsAsync(client, name, cancellationToken);
        var lines = new List<string>();
        try
        {
            using var stream = await client.Containers.GetContainerLogsAsync(
                container.ID,
                new ContainerLogsParameters
                {
                    ShowStdout = true,
                    ShowStderr = true,
                    Follow = false,
                    Tail = tail.ToString(CultureInfo.InvariantCulture),
                },
                cancellationToken);
            await foreach (var line in LogLines.ReadAsync(stream, cancellationToken))
            {
                lines.Add(line);
            }
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.LogsFailed(name, m));
        }

        return lines.Count > tail ? lines[^tail..] : lines;
    }

    /// <summary>
    /// The last <see cref="DockerDriverOptions.FollowInitialLines"/> lines, then every new line until
    /// <paramref name="cancellationToken"/> is cancelled (the enumeration then simply ends) or the container stops.
    /// </summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var client = await ClientAsync(cancellationToken);
        var container = await FindOwnedForLogsAsync(client, name, cancellationToken);
        MultiplexedStream stream;
        try
        {
            stream = await client.Containers.GetContainerLogsAsync(
                container.ID,
                new ContainerLogsParameters
                {
                    ShowStdout = true,
                    ShowStderr = true,
                    Follow = true,
                    Tail = Options.FollowInitialLines.ToString(CultureInfo.InvariantCulture),
                },
                cancellationToken);
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.LogsFailed(name, m));
        }

        using (stream)
        {
            await using var lines = LogLines.ReadAsync(stream, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                bool more;
                try
                {
                    more = await lines.MoveNextAsync();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                catch (IOException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
                {
                    throw Failure(exception, m => Messages.LogsFailed(name, m));
                }

                if (!more)
                {
                    yield break;
                }

                yield return lines.Current;
            }
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
        _connectLock.Dispose();
    }

    // ---------------------------------------------------------------- fetch: docker

    private async Task<string> PullAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        var reference = ImageReference(spec);
        var present = await TryInspectImageAsync(client, reference, cancellationToken);
        if (present is not null && !refresh)
        {
            return present.ID;
        }

        progress.Report(Messages.Pulling(reference));
        var pull = new PullProgress(reference, progress);
        try
        {
            await client.Images.CreateImageAsync(
                new ImagesCreateParameters
                {
                    FromImage = string.IsNullOrEmpty(spec.Repository) ? spec.Url : spec.Repository.TrimEnd('/') + "/" + spec.Url,
                    Tag = string.IsNullOrEmpty(spec.Tag) ? "latest" : spec.Tag,
                },
                new AuthConfig(),
                pull,
                cancellationToken);
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.PullFailed(reference, m));
        }

        if (pull.Error is { } error)
        {
            throw new RuntimeFailureException(Messages.PullFailed(reference, error));
        }

        var image = await TryInspectImageAsync(client, reference, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.ImageMissing(reference));
        progress.Report(Messages.Pulled(reference, ShortId(image.ID)));
        return image.ID;
    }

    // ---------------------------------------------------------------- fetch: docker+git

    private async Task<string> BuildFromGitAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var cache = new GitRepositoryCache(Options.GitExecutable, GitCacheDirectory(spec.Name));
        var repository = spec.Repository;
        if (!GitRepositoryCache.IsAcceptableReference(spec.Tag))
        {
            throw new RuntimeFailureException(Messages.GitRefInvalid(spec.Tag));
        }

        var staleBecause = await cache.UpdateAsync(repository, mayUseStaleCopy: !refresh, cancellationToken);
        if (staleBecause is not null)
        {
            progress.Report(Messages.GitFetchFallback(repository, staleBecause));
        }

        var commit = await cache.ResolveAsync(repository, spec.Tag, cancellationToken);
        if (commit is null)
        {
            throw new RuntimeFailureException(staleBecause is null
                ? Messages.GitRefMissing(spec.Tag, repository)
                : Messages.GitFailed("fetch", repository, staleBecause));
        }

        var client = await ClientAsync(cancellationToken);
        var reference = ImageReference(spec);
        if (!refresh)
        {
            var built = await FindBuiltImageAsync(client, spec.Url, commit, cancellationToken);
            if (built is not null)
            {
                await CallAsync(
                    () => client.Images.TagImageAsync(built.ID, new ImageTagParameters { RepositoryName = spec.Url, Tag = DockerTag(spec.Tag) }, cancellationToken),
                    m => Messages.BuildFailed(reference, repository, ShortCommit(commit), m),
                    cancellationToken);
                progress.Report(Messages.BuildReused(reference, ShortCommit(commit)));
                return built.ID;
            }
        }

        progress.Report(Messages.Building(reference, repository, ShortCommit(commit)));
        var contextPath = Path.GetTempFileName();
        await using var context = new FileStream(contextPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await cache.ArchiveAsync(repository, commit, context, cancellationToken);
        context.Position = 0;

        var output = new BuildProgress(progress);
        try
        {
            await client.Images.BuildImageFromDockerfileAsync(
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
                [],
                new Dictionary<string, string>(),
                output,
                cancellationToken);
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => BuildFailure(reference, repository, commit, m, output));
        }

        if (output.Error is { } error)
        {
            throw new RuntimeFailureException(BuildFailure(reference, repository, commit, error, output));
        }

        var image = await TryInspectImageAsync(client, reference, cancellationToken);
        if (image?.Config?.Labels is null || !image.Config.Labels.TryGetValue(Labels.GitCommit, out var labelled) || labelled != commit)
        {
            throw new RuntimeFailureException(Messages.ImageMissing(reference));
        }

        return image.ID;
    }

    private static string BuildFailure(string reference, string repository, string commit, string error, BuildProgress output)
    {
        var message = Messages.BuildFailed(reference, repository, ShortCommit(commit), error);
        return output.LastLines.Count == 0
            ? message
            : message + Environment.NewLine + Messages.BuildLastLines() + Environment.NewLine + string.Join(Environment.NewLine, output.LastLines);
    }

    private async Task<ImagesListResponse?> FindBuiltImageAsync(DockerClient client, string imageName, string commit, CancellationToken cancellationToken)
    {
        var images = await CallAsync(
            () => client.Images.ListImagesAsync(
                new ImagesListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool>
                        {
                            [Labels.GitCommit + "=" + commit] = true,
                            [Labels.Image + "=" + imageName] = true,
                        },
                    },
                },
                cancellationToken),
            m => Messages.InspectImageFailed(imageName, m),
            cancellationToken);
        return images
            .Where(i => i.Labels is not null
                && i.Labels.TryGetValue(Labels.GitCommit, out var c) && c == commit
                && i.Labels.TryGetValue(Labels.Image, out var n) && n == imageName)
            .OrderByDescending(i => i.Created)
            .FirstOrDefault();
    }

    // ---------------------------------------------------------------- containers

    private bool IsOwned(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Labels.Root, out var root) && root == Root.Directory;

    private async Task<ContainerInspectResponse> ResolveOwnedAsync(DockerClient client, ObservedService instance, CancellationToken cancellationToken)
    {
        ContainerInspectResponse? container = null;
        if (!string.IsNullOrEmpty(instance.InstanceId))
        {
            container = await TryInspectContainerAsync(client, instance.InstanceId, cancellationToken);
        }
        else
        {
            var byName = await FindByExactNameAsync(client, instance.IsAside ? ServiceLifecycle.AsideName(instance.Name) : instance.Name, cancellationToken);
            if (byName is not null)
            {
                container = await TryInspectContainerAsync(client, byName.ID, cancellationToken);
            }
        }

        if (container is null)
        {
            throw new InstanceMissingException(Messages.ContainerNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
        }

        return IsOwned(container.Config?.Labels)
            ? container
            : throw new RuntimeFailureException(Messages.NotOwned(ContainerName(container), Root.Directory));
    }

    private async Task<ContainerInspectResponse> InspectOwnedAsync(DockerClient client, string id, string name, CancellationToken cancellationToken) =>
        await TryInspectContainerAsync(client, id, cancellationToken)
            ?? throw new InstanceMissingException(Messages.ContainerNotFound(name, Root.Directory));

    private async Task<ContainerInspectResponse> FindOwnedForLogsAsync(DockerClient client, string name, CancellationToken cancellationToken)
    {
        foreach (var candidate in new[] { name, ServiceLifecycle.AsideName(name) })
        {
            var listed = await FindByExactNameAsync(client, candidate, cancellationToken);
            if (listed is null)
            {
                continue;
            }

            if (!IsOwned(listed.Labels))
            {
                throw new RuntimeFailureException(Messages.NotOwned(candidate, Root.Directory));
            }

            if (await TryInspectContainerAsync(client, listed.ID, cancellationToken) is { } container)
            {
                return container;
            }
        }

        throw new RuntimeFailureException(Messages.ContainerNotFound(name, Root.Directory));
    }

    /// <summary>The container whose name is exactly <paramref name="name"/> (dockerd's name filter is a regex match).</summary>
    private async Task<ContainerListResponse?> FindByExactNameAsync(DockerClient client, string name, CancellationToken cancellationToken)
    {
        var listed = await CallAsync(
            () => client.Containers.ListContainersAsync(
                new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["name"] = new Dictionary<string, bool> { ["^/" + Regex.Escape(name) + "$"] = true },
                    },
                },
                cancellationToken),
            Messages.ListFailed,
            cancellationToken);
        return listed.FirstOrDefault(c => c.Names is not null && c.Names.Contains("/" + name));
    }

    private async Task<ContainerInspectResponse?> TryInspectContainerAsync(DockerClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Containers.InspectContainerAsync(id, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.InspectFailed(id, m));
        }
    }

    private async Task<ImageInspectResponse?> TryInspectImageAsync(DockerClient client, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Images.InspectImageAsync(reference, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, m => Messages.InspectImageFailed(reference, m));
        }
    }

    private static async Task RemoveQuietlyAsync(DockerClient client, string id)
    {
        try
        {
            // Not cancellable: the caller's cancellation must not leave a half-created container behind.
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (Exception exception) when (exception is DockerApiException or HttpRequestException or IOException or SocketException)
        {
            // The start failure is what the administrator needs to read; this one would only hide it.
        }
    }

    private static ObservedService ToObserved(ContainerInspectResponse container)
    {
        var labels = container.Config?.Labels ?? new Dictionary<string, string>();
        var containerName = ContainerName(container);
        var technology = labels.TryGetValue(Labels.Technology, out var t) && TechnologyNames.TryParse(t, out var parsed)
            ? parsed
            : Technology.Docker;
        return new ObservedService
        {
            Name = ServiceName(container),
            Technology = technology,
            State = container.State is { Running: true } ? InstanceState.Running : InstanceState.Stopped,
            SpecHash = labels.TryGetValue(Labels.SpecHash, out var hash) ? hash : null,
            SpecJson = labels.TryGetValue(Labels.Spec, out var json) ? json : null,
            IsAside = ServiceLifecycle.IsAsideName(containerName, out _),
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

    private static EngineHealth Health(ContainerInspectResponse container)
    {
        var state = container.State;
        if (state is null || !state.Running || state.Restarting || state.Paused || state.Dead)
        {
            return EngineHealth.NotRunning;
        }

        return state.Health?.Status switch
        {
            "healthy" => EngineHealth.Healthy,
            "unhealthy" => EngineHealth.Unhealthy,
            "starting" => EngineHealth.Starting,
            _ => EngineHealth.Running,
        };
    }

    private static string ContainerName(ContainerInspectResponse container) => (container.Name ?? container.ID).TrimStart('/');

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
            throw new RuntimeFailureException(Messages.UnsupportedTechnology(spec.Technology.Name()));
        }
    }

    private static void ValidateServiceName(string name)
    {
        if (name is null || !ServiceNamePattern().IsMatch(name))
        {
            throw new InvalidInputException(name ?? "", Messages.InvalidServiceName(name));
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

    private async Task<DockerClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } client)
        {
            return client;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_client is null)
            {
                try
                {
                    _client = await DockerEndpoint.ConnectAsync(Endpoint, Options.ApiVersion, cancellationToken);
                }
                catch (DockerApiVersionException exception)
                {
                    throw new RuntimeFailureException(
                        Messages.ApiTooOld(Endpoint, DockerEndpoint.Describe(exception.ServerVersion), DockerEndpoint.Describe(DockerEndpoint.MinimumApiVersion)),
                        exception);
                }
                catch (DockerApiException exception)
                {
                    throw new RuntimeFailureException(Messages.DaemonRefused(Endpoint, EngineMessage(exception)), exception);
                }
                catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
                {
                    throw new RuntimeFailureException(Messages.DaemonUnreachable(Endpoint, Describe(exception)), exception);
                }
            }

            return _client;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, Func<string, string> describe, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, describe);
        }
    }

    private async Task CallAsync(Func<Task> call, Func<string, string> describe, CancellationToken cancellationToken)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (exception is DockerApiException || IsConnectionFailure(exception, cancellationToken))
        {
            throw Failure(exception, describe);
        }
    }

    private RuntimeFailureException Failure(Exception exception, Func<string, string> describe) =>
        exception is DockerApiException api
            ? new RuntimeFailureException(describe(EngineMessage(api)), exception)
            : new RuntimeFailureException(describe(Messages.DaemonUnreachable(Endpoint, Describe(exception))), exception);

    private static bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or SocketException or IOException or TimeoutException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>dockerd's own words: the <c>message</c> of its JSON error body, else the body.</summary>
    internal static string EngineMessage(DockerApiException exception)
    {
        var body = exception.ResponseBody?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return exception.StatusCode.ToString();
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw body is the message.
        }

        return body;
    }

    private static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var text = current is DockerApiException api ? EngineMessage(api) : current.Message;
            if (!string.IsNullOrWhiteSpace(text) && !messages.Contains(text))
            {
                messages.Add(text);
            }
        }

        return string.Join(": ", messages);
    }

    internal static string ShortId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "?";
        }

        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return bare.Length > 12 ? bare[..12] : bare;
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

        /// <summary>On images built by docker+git: the commit built.</summary>
        public const string GitCommit = "portique.git-commit";

        /// <summary>On images built by docker+git: the image name (<c>spec.Url</c>) it was built for.</summary>
        public const string Image = "portique.image";

        /// <summary>On images built by docker+git: the repository it came from.</summary>
        public const string GitRepository = "portique.git-repository";
    }
}
