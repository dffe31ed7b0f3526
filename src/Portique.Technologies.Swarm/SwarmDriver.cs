using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Shared;
using ServiceSpec = Portique.Planning.ServiceSpec;
using SwarmSpec = Docker.DotNet.Models.ServiceSpec;

namespace Portique.Technologies.Swarm;

/// <summary>
/// Runs <c>swarm</c> services: one Docker swarm service per Portique service, through the Engine API of a dockerd that
/// is a swarm manager. The ownership labels (<c>portique.root</c>, <c>portique.spec</c>... the docker driver's) are put
/// on the <b>service</b>, never on its task containers, so the docker driver never takes a task container for its own.
/// Swarm cannot rename a service: setting one aside records it in <see cref="AsideDirectory"/> and removes it.
/// </summary>
public sealed partial class SwarmDriver : IServiceDriver, IUsageReader, IDisposable
{
    /// <summary>The label dockerd puts on every task container: the id of its service.</summary>
    public const string ServiceIdLabel = "com.docker.swarm.service.id";

    private readonly DockerApiClient _api;

    /// <param name="root">The Portique root this driver serves: the only services it touches carry its label.</param>
    /// <param name="endpoint">dockerd's endpoint (a swarm manager); null: <c>DOCKER_HOST</c>, else <c>unix:///var/run/docker.sock</c>.</param>
    /// <param name="options">Timeouts and publish mode; null: the defaults (host-mode ports).</param>
    public SwarmDriver(PortiqueRoot root, Uri? endpoint = null, SwarmDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Endpoint = endpoint ?? DockerEndpoint.Default();
        Options = options ?? new SwarmDriverOptions();
        _api = new DockerApiClient(
            Endpoint,
            Options.ApiVersion,
            new DockerApiMessages(
                Messages.FormatDaemonUnreachable, Messages.FormatDaemonRefused, Messages.FormatApiTooOld, Messages.FormatListFailed, Messages.FormatInspectFailed, Messages.FormatInspectImageFailed));
    }

    public PortiqueRoot Root { get; }

    public Uri Endpoint { get; }

    public SwarmDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { SwarmModule.Swarm }.ToFrozenSet();

    /// <summary>Containers: most of a change is waiting on the engine, which takes many at once (README, Performance).</summary>
    public int ConcurrentChanges => 32;

    /// <summary>Where set-aside services are recorded: <c>ROOT/var/lib/portique/swarm</c>.</summary>
    public string AsideDirectory => Path.Join(Root.StateDirectory, "swarm");

    /// <summary>The record of the set-aside service <paramref name="name"/>.</summary>
    public string AsideRecordPath(string name)
    {
        ValidateServiceName(name);
        return Path.Join(AsideDirectory, name + AsideRecord.Extension);
    }

    /// <summary>The image a service runs: <c>repository/url:tag</c>, or <c>url:tag</c> without a repository (as docker).</summary>
    public static string ImageReference(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = RepositoryName(spec);
        return string.IsNullOrEmpty(spec.Tag) ? name : name + ":" + spec.Tag;
    }

    /// <inheritdoc/>
    public Task ConnectAheadAsync(CancellationToken cancellationToken) => _api.ConnectAheadAsync(cancellationToken);

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        var (info, problem) = await _api.ProbeAsync((client, ct) => client.System.GetSystemInfoAsync(ct), Options.PingTimeout, cancellationToken);
        if (info is null)
        {
            return problem;
        }

        var state = info.Swarm?.LocalNodeState;
        if (!string.Equals(state, "active", StringComparison.OrdinalIgnoreCase))
        {
            return Messages.FormatNotInSwarm(Endpoint, string.IsNullOrEmpty(state) ? "inactive" : state);
        }

        // Kept for this run: whether tasks may be elsewhere than on this node, and which node this is. The node list is
        // read again from here on (genconfig keeps one driver for its lifetime: each run sees the swarm as it then is).
        _nodeCount = info.Swarm?.Nodes;
        _selfNodeId = info.Swarm?.NodeID;
        _nodes = null;
        return info.Swarm is { ControlAvailable: true } ? null : Messages.FormatNotManager(Endpoint);
    }

    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        var services = await _api.Services.ListByLabelAsync(DockerDriver.Labels.Root, Root.Directory, cancellationToken);
        var owned = services.Where(s => IsOwned(s.Spec?.Labels)).OrderBy(s => s.CreatedAt).ToList();
        var tasks = owned.Count == 0 ? [] : await _api.Tasks.ListAsync(owned.Select(s => s.ID), cancellationToken);

        // On several nodes, status says where each task runs (one more list: the nodes' names).
        var nodes = tasks.Count > 0 && _nodeCount > 1 ? await ListNodesAsync(cancellationToken) : [];
        var observed = owned
            .Select(s => ToObserved(s, tasks.Where(t => t.ServiceID == s.ID)) with { Tasks = Placements(tasks.Where(t => t.ServiceID == s.ID), nodes) })
            .ToList();
        observed.AddRange(ReadAsideRecords().Select(ToObserved));
        return observed;
    }

    public async Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var holder = await _api.Services.FindByExactNameAsync(name, cancellationToken);
        if (holder is null || IsOwned(holder.Spec?.Labels))
        {
            return null;
        }

        var id = DockerInspect.ShortId(holder.ID);
        var image = holder.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "?";
        return holder.Spec?.Labels is { } labels && labels.TryGetValue(DockerDriver.Labels.Root, out var owner)
            ? Messages.FormatForeignHolderOwned(id, image, owner)
            : Messages.FormatForeignHolderUnlabelled(id, image);
    }

    /// <summary>
    /// Pulls <see cref="ImageReference"/> through dockerd when it is absent (or on refresh) and returns what the service
    /// will run: <c>reference@sha256:digest</c> when the image came from a registry, so a tag that moved is noticed and
    /// every node runs the same image; the image id for an image that only exists locally.
    /// </summary>
    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        var reference = ImageReference(spec);
        if (Options.PublishMode == SwarmDriverOptions.HostMode && spec.Ports.Count > 0 && !IsEveryAddress(spec.PublishAddress))
        {
            progress.Report(Messages.FormatPublishedOnEveryAddress(
                string.Join(", ", spec.Ports.Select(p => p.HostPort.ToString(CultureInfo.InvariantCulture))), spec.PublishAddress));
        }

        var present = await _api.Images.TryInspectAsync(reference, cancellationToken);
        if (present is not null && !refresh)
        {
            return Artifact(spec, present);
        }

        progress.Report(Messages.FormatPulling(reference));
        var pull = new PullProgress(reference, progress);
        await _api.Images.PullAsync(
            RepositoryName(spec), string.IsNullOrEmpty(spec.Tag) ? "latest" : spec.Tag, pull, m => Messages.FormatPullFailed(reference, m), cancellationToken);

        if (pull.Error is { } error)
        {
            throw new RuntimeFailureException(Messages.FormatPullFailed(reference, error));
        }

        var image = await _api.Images.TryInspectAsync(reference, cancellationToken)
            ?? throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        progress.Report(Messages.FormatPulled(reference, DockerInspect.ShortId(image.ID)));
        return Artifact(spec, image);
    }

    /// <summary>Creates the service (scheduled at once, <see cref="SwarmSettings.Replicas"/> tasks); the lifecycle kernel sees it run.</summary>
    public async Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        ValidateServiceName(spec.Name);
        return await CreateServiceAsync(spec, artifactId, OwnershipLabels(spec), cancellationToken);
    }

    /// <summary>The labels that make a service Portique's: root, name, technology, spec and its hash, index, version.</summary>
    private Dictionary<string, string> OwnershipLabels(ServiceSpec spec) => DockerDriver.Labels.Of(Root.Directory, spec, ImageReference(spec));

    /// <summary>Scales a service scaled to zero back to its replicas, and re-deploys its tasks when none runs.</summary>
    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var service = await ResolveOwnedAsync(instance, cancellationToken);
        var tasks = await _api.Tasks.ListAsync([service.ID], cancellationToken);
        var spec = service.Spec!;
        var replicas = spec.Mode?.Replicated?.Replicas ?? 0;
        var running = tasks.Any(IsRunning);
        if (replicas > 0 && running)
        {
            return;
        }

        if (replicas == 0)
        {
            var wanted = CanonicalSpec.TryParse(Label(spec.Labels, DockerDriver.Labels.Spec), ServiceName(service), 0) is { } stored ? SwarmSettings.Of(stored).Replicas : 1;
            spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)Math.Max(wanted, 1) } };
        }

        if (!running && spec.TaskTemplate is { } template)
        {
            template.ForceUpdate++;
        }

        await _api.Services.UpdateAsync(
            service.ID,
            new ServiceUpdateParameters { Service = spec, Version = (long)(service.Version?.Index ?? 0) },
            m => Messages.FormatUpdateFailed(ServiceName(service), m),
            cancellationToken);
    }

    /// <summary>Scales the service to zero and waits for its tasks to stop (an aside service has none).</summary>
    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.IsAside)
        {
            return;
        }

        var service = await ResolveOwnedAsync(instance, cancellationToken);
        var spec = service.Spec!;
        if ((spec.Mode?.Replicated?.Replicas ?? 0) > 0)
        {
            spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 0 } };
            await _api.Services.UpdateAsync(
                service.ID,
                new ServiceUpdateParameters { Service = spec, Version = (long)(service.Version?.Index ?? 0) },
                m => Messages.FormatUpdateFailed(ServiceName(service), m),
                cancellationToken);
        }

        await WaitForContainersAsync(service.ID, all: false, cancellationToken);
    }

    /// <summary>
    /// Swarm cannot rename a service. Aside: records the service in <see cref="AsideRecordPath"/> (written before
    /// anything changes), then removes it and waits for its tasks to be gone, so the name and the host ports are free.
    /// A crash after the record leaves both the service and the record (the next run drops the record); a crash after
    /// the removal leaves the record (restored). Back: re-creates the service from its record (same labels, same
    /// image), then deletes the record.
    /// </summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return aside ? await RecordAsideAsync(instance, cancellationToken) : await RecreateFromRecordAsync(instance, cancellationToken);
    }

    private async Task<ObservedService> RecordAsideAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        if (instance.IsAside && ReadAsideRecord(instance.Name) is { } already)
        {
            return ToObserved(already);
        }

        var service = await ResolveOwnedAsync(instance, cancellationToken);
        var name = ServiceName(service);
        var labels = new Dictionary<string, string>(service.Spec!.Labels!, StringComparer.Ordinal);
        if (CanonicalSpec.TryParse(Label(labels, DockerDriver.Labels.Spec), name, 0) is null)
        {
            throw new RuntimeFailureException(Messages.FormatSpecUnreadable(name));
        }

        var record = new AsideRecord
        {
            Root = Root.Directory,
            Name = name,
            ServiceId = service.ID,
            Image = service.Spec.TaskTemplate?.ContainerSpec?.Image ?? "",
            Labels = labels,
            SetAsideAt = Options.Time.GetUtcNow(),
        };
        WriteAsideRecord(record);
        await RemoveServiceAsync(service, cancellationToken);
        return ToObserved(record);
    }

    private async Task<ObservedService> RecreateFromRecordAsync(ObservedService aside, CancellationToken cancellationToken)
    {
        var record = ReadAsideRecord(aside.Name);
        if (record is null)
        {
            // Nothing aside: a service of that name that this root owns is the answer (restored before a crash).
            var live = await _api.Services.FindByExactNameAsync(aside.Name, cancellationToken);
            return live is not null && IsOwned(live.Spec?.Labels)
                ? ToObserved(live, await _api.Tasks.ListAsync([live.ID], cancellationToken))
                : throw new InstanceMissingException(Messages.FormatServiceNotFound(aside.Name + AsideRecord.Extension, Root.Directory));
        }

        var existing = await _api.Services.FindByExactNameAsync(record.Name, cancellationToken);
        if (existing is not null)
        {
            if (IsOwned(existing.Spec?.Labels)
                && Label(existing.Spec!.Labels, DockerDriver.Labels.SpecHash) == Label(record.Labels, DockerDriver.Labels.SpecHash))
            {
                DeleteAsideRecord(record.Name);
                return ToObserved(existing, await _api.Tasks.ListAsync([existing.ID], cancellationToken));
            }

            throw new RuntimeFailureException(Messages.FormatServiceNameTaken(record.Name, DockerInspect.ShortId(existing.ID)));
        }

        var index = CanonicalSpec.Index(record.Labels, DockerDriver.Labels.Index);
        var spec = CanonicalSpec.TryParse(Label(record.Labels, DockerDriver.Labels.Spec), record.Name, index)
            ?? throw new RuntimeFailureException(Messages.FormatSpecUnreadable(record.Name));
        var restored = await CreateServiceAsync(spec, record.Image, record.Labels, cancellationToken);
        DeleteAsideRecord(record.Name);
        return restored;
    }

    /// <summary>
    /// Removes the service (waiting for its task containers to go) or, for an aside instance, its record. Host
    /// directories bound as volumes are never touched.
    /// </summary>
    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.IsAside)
        {
            DeleteAsideRecord(instance.Name);
            return;
        }

        SwarmService service;
        try
        {
            service = await ResolveOwnedAsync(instance, cancellationToken);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        await RemoveServiceAsync(service, cancellationToken);
    }

    /// <summary>
    /// The service's tasks as one instance. A task of the current deployment that failed (non-zero exit, rejected,
    /// killed for being unhealthy) makes it NotRunning (Unhealthy for a health check failure), even though swarm will
    /// retry it. Healthy when every running task's container is; tasks not running yet are Starting. The running tasks
    /// identify the run; complete once the wanted replicas run.
    /// </summary>
    /// <summary>
    /// The use of the service's busiest running task on this node (the limits hold per task), from dockerd's stats of
    /// its container; null when no task runs here.
    /// </summary>
    public async Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            if (instance.IsAside)
            {
                return null;
            }

            var service = await ResolveOwnedAsync(instance, cancellationToken);
            var tasks = await _api.Tasks.ListAsync([service.ID], cancellationToken);
            var usages = new List<ResourceUsage>();
            foreach (var task in tasks.Where(IsRunning))
            {
                if (task.Status?.ContainerStatus?.ContainerID is { Length: > 0 } id && await _api.Containers.TryUsageAsync(id, cancellationToken) is { } usage)
                {
                    usages.Add(usage);
                }
            }

            return usages.MaxBy(u => u.MemoryBytes);
        }
        catch (PortiqueException)
        {
            return null;
        }
    }

    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.IsAside)
        {
            return new InstanceObservation(EngineHealth.NotRunning);
        }

        var service = await ResolveOwnedAsync(instance, cancellationToken);
        var deployed = service.UpdatedAt ?? service.CreatedAt ?? DateTime.MinValue;
        var tasks = await _api.Tasks.ListAsync([service.ID], cancellationToken);
        var failed = tasks.FirstOrDefault(t => (t.CreatedAt ?? DateTime.MaxValue) >= deployed && HasFailed(t));
        if (failed is not null)
        {
            return new InstanceObservation((failed.Status?.Err ?? "").Contains("unhealthy", StringComparison.OrdinalIgnoreCase)
                ? EngineHealth.Unhealthy
                : EngineHealth.NotRunning);
        }

        var wanted = (int)Math.Min(service.Spec?.Mode?.Replicated?.Replicas ?? 1, int.MaxValue);
        if (wanted == 0)
        {
            return new InstanceObservation(EngineHealth.NotRunning);
        }

        var (health, running) = await EvaluateAsync(tasks, cancellationToken);
        return new InstanceObservation(health == EngineHealth.NotRunning ? EngineHealth.Starting : health)
        {
            StartedAt = string.Join(',', running.Order(StringComparer.Ordinal)),
            Complete = running.Count >= wanted,
        };
    }

    /// <summary>Extra lines read before sorting by timestamp, so the tail is the last lines in time, not in storage.</summary>
    private const int TailReorderMargin = 64;

    /// <summary>
    /// The lines the service's tasks wrote (every task, failed ones included). Read, they are stamped and a margin more
    /// is asked: dockerd stores a task's stdout and stderr lines as its two copiers deliver them, and tasks one after
    /// the other, so its tail may cut a line whose timestamp is older than lines it keeps; <see cref="ServiceLogs"/>
    /// sorts, then cuts. A set-aside service has none: removing it removed its containers.
    /// </summary>
    public async IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var service = await FindOwnedForLogsAsync(name, cancellationToken);
        var tail = request.Follow ? request.Tail : request.Tail + TailReorderMargin;
        var lines = LogLines.ReadAsync(
            _api,
            ct => _api.Services.OpenLogsAsync(service.ID, request.Follow, tail, timestamps: !request.Follow, m => Messages.FormatLogsFailed(name, m), ct),
            timestamps: !request.Follow,
            m => Messages.FormatLogsFailed(name, m),
            cancellationToken);
        await foreach (var line in lines)
        {
            yield return line;
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _networkGate.Dispose();
    }

    // ---------------------------------------------------------------- services

    private async Task<ObservedService> CreateServiceAsync(
        ServiceSpec spec, string image, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        foreach (var volume in spec.Volumes)
        {
            HostDirectory.Ensure(spec.Name, volume.HostPath, Messages.FormatVolumeDirectoryFailed);
        }

        await EnsureSwarmNetworkAsync(SwarmSettings.Of(spec), cancellationToken);
        var created = await _api.Services.CreateAsync(
            new ServiceCreateParameters
            {
                // Host directories and the private network's second bridge exist on this host only: their tasks stay
                // on its node (docs/multi-host.md).
                Service = BuildServiceSpec(spec, image, labels, IsPinned(spec) ? PinningConstraint(spec, await SelfNodeIdAsync(cancellationToken)) : null),
            },
            m => Messages.FormatCreateFailed(spec.Name, m),
            m => Messages.FormatServiceNameTaken(spec.Name, m),
            cancellationToken);
        var service = await _api.Services.TryInspectAsync(created.ID ?? spec.Name, cancellationToken)
            ?? throw new InstanceMissingException(Messages.FormatServiceNotFound(spec.Name, Root.Directory));

        // Created means scheduled: the tasks start right after (the lifecycle kernel watches them).
        return ToObserved(service, []) with { State = InstanceState.Running };
    }

    /// <summary>
    /// The swarm service for <paramref name="spec"/>: labels on the service only, binds, host-mode ports, restart always;
    /// <paramref name="pinning"/> (<see cref="PinningConstraint"/>) keeps its tasks on one node.
    /// </summary>
    internal SwarmSpec BuildServiceSpec(ServiceSpec spec, string image, IDictionary<string, string> labels, string? pinning = null)
    {
        var service = BareServiceSpec(spec, image, labels, pinning);
        JoinNetwork(service, spec);
        return service;
    }

    private SwarmSpec BareServiceSpec(ServiceSpec spec, string image, IDictionary<string, string> labels, string? pinning) => new()
    {
        Name = spec.Name,
        Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
        TaskTemplate = new TaskSpec
        {
            ContainerSpec = new ContainerSpec
            {
                Image = image,
                Env = spec.EnvironmentWithSecrets.ToList(),

                // Structured mounts: no "host:container" string to split. Secrets: read-only binds of the root-only files
                // (this node's; docs/secrets.md), not swarm's secret store, whose secrets cannot be replaced in place.
                Mounts = spec.Volumes.Select(v => new Mount { Type = "bind", Source = v.HostPath, Target = v.ContainerPath })
                    .Concat(spec.Secrets.Select(s => new Mount { Type = "bind", Source = s.HostPath(Root, spec.Name), Target = s.ContainerPath, ReadOnly = true }))
                    .ToList(),
                StopGracePeriod = spec.StopTimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : Options.StopTimeout,

                // docker-init as PID 1, as for docker containers: SIGTERM is honoured, a task stops without waiting for the grace period.
                Init = true,
            },

            // conteneurN_memoire / conteneurN_cpu: each task's limits (null: none, and the service spec as before).
            Resources = spec.MemoryBytes is null && spec.NanoCpus is null
                ? null
                : new ResourceRequirements { Limits = new SwarmLimit { MemoryBytes = spec.MemoryBytes ?? 0, NanoCPUs = spec.NanoCpus ?? 0 } },
            RestartPolicy = new SwarmRestartPolicy { Condition = "any", Delay = Options.RestartDelay, MaxAttempts = 0 },
            Placement = PlacementOf(spec, pinning),
        },
        Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)Math.Max(SwarmSettings.Of(spec).Replicas, 0) } },
        EndpointSpec = new EndpointSpec
        {
            Ports = spec.Ports
                .Select(p => new PortConfig
                {
                    Protocol = "tcp",
                    TargetPort = (uint)p.ContainerPort,
                    PublishedPort = (uint)p.HostPort,
                    PublishMode = Options.PublishMode,
                })
                .ToList(),
        },
    };

    /// <summary>Removes the service, then waits (at most <see cref="SwarmDriverOptions.RemovalTimeout"/>) for its task containers to go.</summary>
    private async Task RemoveServiceAsync(SwarmService service, CancellationToken cancellationToken)
    {
        var name = ServiceName(service);
        await _api.Services.RemoveAsync(service.ID, m => Messages.FormatRemoveFailed(name, m), cancellationToken);

        // The tasks stop within their grace period; until then they hold the host ports. Past the timeout, carry on:
        // swarm schedules a successor as soon as its port is free.
        await WaitForContainersAsync(service.ID, all: true, cancellationToken);
    }

    /// <summary>
    /// Waits, at most <see cref="SwarmDriverOptions.RemovalTimeout"/>, until the service has no task container
    /// (<paramref name="all"/>), or none running.
    /// </summary>
    private async Task WaitForContainersAsync(string serviceId, bool all, CancellationToken cancellationToken)
    {
        var deadline = Options.Time.GetUtcNow() + Options.RemovalTimeout;
        while (Options.Time.GetUtcNow() < deadline)
        {
            var containers = (await _api.Containers.ListByLabelAsync(ServiceIdLabel, serviceId, cancellationToken))
                .Where(c => all || c.State == "running")
                .ToList();
            if (containers.Count == 0)
            {
                return;
            }

            await Task.Delay(Options.HealthPollInterval, Options.Time, cancellationToken);
        }
    }

    /// <summary>The health of the running tasks of the current deployment, and their ids.</summary>
    private async Task<(EngineHealth Health, IReadOnlyList<string> Running)> EvaluateAsync(
        IList<TaskResponse> tasks, CancellationToken cancellationToken)
    {
        var running = tasks.Where(IsRunning).ToList();
        if (running.Count == 0)
        {
            // A task whose container waits for its first passing health check is "starting" for swarm.
            var starting = tasks.Any(t => t.DesiredState == TaskState.Running && t.Status?.State == TaskState.Starting);
            return (starting ? EngineHealth.Starting : EngineHealth.NotRunning, []);
        }

        var statuses = new List<string?>();
        foreach (var task in running)
        {
            if (task.Status?.ContainerStatus?.ContainerID is { Length: > 0 } id)
            {
                statuses.Add((await _api.Containers.TryInspectAsync(id, cancellationToken))?.State?.Health?.Status);
            }
        }

        var health = statuses switch
        {
            _ when statuses.Contains("unhealthy") => EngineHealth.Unhealthy,
            _ when statuses.Contains("starting") => EngineHealth.Starting,
            [_, ..] when statuses.All(s => s == "healthy") => EngineHealth.Healthy,
            _ => EngineHealth.Running,
        };
        return (health, running.Select(t => t.ID).ToList());
    }

    private static bool IsRunning(TaskResponse task) =>
        task.DesiredState == TaskState.Running && task.Status?.State == TaskState.Running;

    private static bool HasFailed(TaskResponse task) =>
        task.Status?.State is TaskState.Failed or TaskState.Rejected or TaskState.Complete or TaskState.Orphaned;

    private bool IsOwned(IDictionary<string, string>? labels) => DockerInspect.HasLabel(labels, DockerDriver.Labels.Root, Root.Directory);

    private async Task<SwarmService> ResolveOwnedAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        var service = instance.InstanceId is { Length: > 0 } id
            ? await _api.Services.TryInspectAsync(id, cancellationToken)
            : await _api.Services.FindByExactNameAsync(instance.Name, cancellationToken);
        if (service is null || (instance.InstanceId is { Length: > 0 } wanted && service.ID != wanted))
        {
            throw new InstanceMissingException(Messages.FormatServiceNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
        }

        return IsOwned(service.Spec?.Labels)
            ? service
            : throw new RuntimeFailureException(Messages.FormatNotOwned(ServiceName(service), Root.Directory));
    }

    private async Task<SwarmService> FindOwnedForLogsAsync(string name, CancellationToken cancellationToken)
    {
        var service = await _api.Services.FindByExactNameAsync(name, cancellationToken) ?? throw Missing(name);
        return IsOwned(service.Spec?.Labels) ? service : throw new RuntimeFailureException(Messages.FormatNotOwned(name, Root.Directory));
    }

    /// <summary>A service set aside by an interrupted run is not "missing": its logs are gone with it.</summary>
    private RuntimeFailureException Missing(string name) => ReadAsideRecord(name) is not null
        ? new RuntimeFailureException(Messages.FormatLogsOfAside(name, AsideRecordPath(name)))
        : new InstanceMissingException(Messages.FormatServiceNotFound(name, Root.Directory));

    private static ObservedService ToObserved(SwarmService service, IEnumerable<TaskResponse> tasks)
    {
        var labels = service.Spec?.Labels ?? new Dictionary<string, string>();
        var replicas = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
        return new ObservedService
        {
            Name = ServiceName(service),
            Technology = TechnologyOf(labels),
            State = replicas > 0 && tasks.Any(IsRunning) ? InstanceState.Running : InstanceState.Stopped,
            SpecHash = Label(labels, DockerDriver.Labels.SpecHash),
            SpecJson = Label(labels, DockerDriver.Labels.Spec),
            IsAside = false,
            Ports = (service.Spec?.EndpointSpec?.Ports ?? [])
                .Where(p => p.PublishedPort is > 0 && p.TargetPort is > 0)
                .Select(p => new PortMapping((int)p.PublishedPort!.Value, (int)p.TargetPort!.Value))
                .OrderBy(p => p.HostPort)
                .ToArray(),
            InstanceId = service.ID,
            ArtifactId = service.Spec?.TaskTemplate?.ContainerSpec?.Image,
            Version = Label(labels, DockerDriver.Labels.Version) ?? service.Spec?.TaskTemplate?.ContainerSpec?.Image,
        };
    }

    private static ObservedService ToObserved(AsideRecord record)
    {
        var spec = CanonicalSpec.TryParse(Label(record.Labels, DockerDriver.Labels.Spec), record.Name, 0);
        return new ObservedService
        {
            Name = record.Name,
            Technology = TechnologyOf(record.Labels),
            State = InstanceState.Stopped,
            SpecHash = Label(record.Labels, DockerDriver.Labels.SpecHash),
            SpecJson = Label(record.Labels, DockerDriver.Labels.Spec),
            IsAside = true,
            Ports = spec?.Ports.OrderBy(p => p.HostPort).ToArray() ?? [],
            InstanceId = record.ServiceId,
            ArtifactId = record.Image,
            Version = Label(record.Labels, DockerDriver.Labels.Version) ?? record.Image,
        };
    }

    private static Technology TechnologyOf(IDictionary<string, string> labels) =>
        labels.TryGetValue(DockerDriver.Labels.Technology, out var t) && Technology.TryFromName(t, out var parsed) ? parsed : SwarmModule.Swarm;

    private static string? Label(IDictionary<string, string>? labels, string key) => DockerInspect.Label(labels, key);

    private static string ServiceName(SwarmService service) =>
        Label(service.Spec?.Labels, DockerDriver.Labels.Name) is { Length: > 0 } name ? name : service.Spec?.Name ?? service.ID;

    // ---------------------------------------------------------------- aside records

    private IEnumerable<AsideRecord> ReadAsideRecords()
    {
        if (!Directory.Exists(AsideDirectory))
        {
            return [];
        }

        var records = new List<AsideRecord>();
        foreach (var path in Directory.EnumerateFiles(AsideDirectory, "*" + AsideRecord.Extension).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path)[..^AsideRecord.Extension.Length];
            if (ServiceNamePattern().IsMatch(name) && ReadAsideRecord(name) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>The record of <paramref name="name"/> when there is one for this root (an unreadable file is none).</summary>
    private AsideRecord? ReadAsideRecord(string name)
    {
        var path = AsideRecordPath(name);
        try
        {
            var record = File.Exists(path) ? AsideRecord.TryParse(File.ReadAllText(path)) : null;
            return record is not null && record.Root == Root.Directory && record.Name == name ? record : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatAsideRecordFailed(path, exception.Message), exception);
        }
    }

    /// <summary>Writes the record atomically (temporary file, then rename), 0640 in a 0750 directory.</summary>
    private void WriteAsideRecord(AsideRecord record)
    {
        var path = AsideRecordPath(record.Name);
        try
        {
            HostDirectory.Ensure(record.Name, AsideDirectory, Messages.FormatVolumeDirectoryFailed);
            AtomicFile.WriteText(path, record.Serialize(), AtomicFile.GroupReadableMode);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatAsideRecordFailed(path, exception.Message), exception);
        }
    }

    private void DeleteAsideRecord(string name)
    {
        var path = AsideRecordPath(name);
        try
        {
            if (ReadAsideRecord(name) is not null)
            {
                File.Delete(path);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatAsideRecordFailed(path, exception.Message), exception);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static string RepositoryName(ServiceSpec spec) =>
        string.IsNullOrEmpty(spec.Repository) ? spec.Url : spec.Repository.TrimEnd('/') + "/" + spec.Url;

    /// <summary>
    /// <c>reference@sha256:...</c> when dockerd knows the digest the image was pulled (or pushed) by for this
    /// repository, else the image id (an image that only exists here).
    /// </summary>
    internal static string Artifact(ServiceSpec spec, ImageInspectResponse image)
    {
        var repository = RepositoryName(spec);
        foreach (var repoDigest in image.RepoDigests ?? [])
        {
            var at = repoDigest.IndexOf('@', StringComparison.Ordinal);
            if (at > 0 && SameRepository(repoDigest[..at], repository))
            {
                return ImageReference(spec) + repoDigest[at..];
            }
        }

        return image.ID;
    }

    /// <summary>dockerd shortens Docker Hub names (<c>docker.io/library/nginx</c> is <c>nginx</c>).</summary>
    private static bool SameRepository(string a, string b) => Familiar(a) == Familiar(b);

    private static string Familiar(string repository)
    {
        foreach (var prefix in new[] { "docker.io/", "index.docker.io/", "registry-1.docker.io/" })
        {
            if (repository.StartsWith(prefix, StringComparison.Ordinal))
            {
                repository = repository[prefix.Length..];
                break;
            }
        }

        return repository.StartsWith("library/", StringComparison.Ordinal) ? repository["library/".Length..] : repository;
    }

    private static bool IsEveryAddress(string address) => address is "0.0.0.0" or "::" or "[::]" or "";

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

}
