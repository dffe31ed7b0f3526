namespace Portique.Planning;

/// <summary>The health of an instance as its engine sees it.</summary>
public enum EngineHealth
{
    /// <summary>Running, and the image declares no health check.</summary>
    Running,

    /// <summary>Running, its health check still starting.</summary>
    Starting,

    /// <summary>Running and its health check passes.</summary>
    Healthy,

    /// <summary>Its health check fails.</summary>
    Unhealthy,

    /// <summary>Not running (exited, crashed, never started).</summary>
    NotRunning,
}

/// <summary>
/// One engine's adapter: the only code that talks to docker, podman, lxc... Each instance of a driver serves
/// one Portique root and only ever lists, changes or removes instances labelled as owned by that root.
/// Every method throws <see cref="Core.RuntimeFailureException"/> (or a subclass) with a clear message on failure.
/// </summary>
public interface IServiceDriver
{
    /// <summary>The technologies this driver runs (the docker driver runs docker and docker+git).</summary>
    IReadOnlySet<Technology> Technologies { get; }

    /// <summary>
    /// How many of this engine's services are changed at once (each one's steps stay in order). Most of a change is
    /// waiting (a pull, a start, the startup grace): containers take many at once well; a virtual machine's boot takes a core.
    /// </summary>
    int ConcurrentChanges => 8;

    /// <summary>Null when the engine is installed and answering; otherwise what is missing, for <c>plan</c>.</summary>
    Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens what observing will need (a connection, the API version) while the caller still validates: started early,
    /// never awaited for its result. Never throws: a failure is met again, and said, by <see cref="CheckAvailabilityAsync"/>.
    /// </summary>
    Task ConnectAheadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every instance this root owns, including instances set aside by an interrupted replacement.</summary>
    Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken);

    /// <summary>A description of the instance holding <paramref name="name"/> that this root does NOT own, or null.</summary>
    Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the artifact (image, build, box, disk image...) for <paramref name="spec"/> present locally and returns
    /// its identity. Fetches only when it is absent, or when <paramref name="refresh"/> asks for moving tags to be
    /// followed. Cheap when nothing changed: called for every service on every run.
    /// </summary>
    Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>
    /// The artifacts already present locally for <paramref name="specs"/>, by service name, found in one call where the
    /// engine allows (docker: one image list). A service missing from the answer is decided by <see cref="FetchAsync"/>;
    /// the default knows none. Lets a run that changes nothing avoid one engine call per kept service.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> FindLocalArtifactsAsync(IReadOnlyList<ServiceSpec> specs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    /// <summary>Creates and starts the instance named <c>spec.Name</c> from the fetched artifact, labelled as owned.</summary>
    Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="CreateBesideAsync"/> works: a new instance can run beside the one holding the service's name
    /// (a replacement without interruption, <see cref="ReplacementOrder.StartFirst"/>).
    /// </summary>
    bool StartsBeside => false;

    /// <summary>
    /// Creates and starts a new instance of <c>spec.Name</c> while this engine's current one keeps running: under the
    /// service's name when it is free, else under <see cref="ServiceLifecycle.NextName"/> (its
    /// <see cref="ObservedService.InstanceName"/>). Only when <see cref="StartsBeside"/>.
    /// </summary>
    Task<ObservedService> CreateBesideAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this engine cannot start an instance beside another");

    /// <summary>
    /// Once the old instance is gone, gives an instance started beside it the service's own name where the engine can
    /// rename a running instance; returns it as it then is. Nothing by default: the next name stays until the next replacement.
    /// </summary>
    Task<ObservedService> TakeServiceNameAsync(ObservedService instance, CancellationToken cancellationToken) => Task.FromResult(instance);

    /// <summary>This engine's timings (health timeout, grace period, poll interval, stop timeout...).</summary>
    LifecycleOptions Lifecycle { get; }

    /// <summary>
    /// One look at the instance: its health as the engine reports it, what identifies its current run, its restart
    /// count. Throws <see cref="InstanceMissingException"/> when it does not exist. Waiting is <see cref="ServiceLifecycle"/>'s.
    /// </summary>
    Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken);

    /// <summary>Starts a stopped instance (nothing when it runs).</summary>
    Task StartAsync(ObservedService instance, CancellationToken cancellationToken);

    /// <summary>Stops the instance within <see cref="LifecycleOptions.StopTimeout"/>, killing it past that (nothing when stopped).</summary>
    Task StopAsync(ObservedService instance, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a stopped instance its aside name (<see cref="ServiceLifecycle.AsideName"/>, or the engine's equivalent: a
    /// record, a moved folder) or, <paramref name="aside"/> false, its service's name back; returns it as it then is.
    /// Fails, changing nothing, when the target name is taken. Nothing when it already has that name.
    /// </summary>
    Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken);

    /// <summary>Removes the instance. Host directories bound as volumes are never deleted.</summary>
    Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets what this driver made for the root's private network (docker's network, podman's CNI file), once the
    /// network is turned off and no service of the root is on it any more. Nothing by default (lxc's and qemu's
    /// settings live with each instance). Fails, keeping it, when something still uses it.
    /// </summary>
    Task LeavePrivateNetworkAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The networks this driver's engine declares besides the root's own (docker's <c>bridge</c>, podman's
    /// <c>podman</c>, a swarm's ingress...), with their IPv4 subnets: the private network must not overlap them, and
    /// some have no host route to find them by (an overlay, a podman network with no container). Nothing by default,
    /// and nothing when the engine does not answer.
    /// </summary>
    Task<IReadOnlyList<EngineNetwork>> ListEngineNetworksAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EngineNetwork>>([]);

    /// <summary>
    /// The addresses of the machines whose published ports serve this engine's services when they are more than this
    /// host (the nodes of a swarm of several nodes: a task publishes its ports on the node it runs on). Empty by default:
    /// the services are reached on this host. Read once per run; the frontend routes to every address it gives.
    /// </summary>
    Task<IReadOnlyList<string>> ListServingNodesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// Whether the engine itself replaces <paramref name="old"/> by <paramref name="desired"/>, task by task, rolling back
    /// on failure (a swarm of several nodes): the lifecycle then calls <see cref="UpdateInPlaceAsync"/> instead of setting
    /// the old instance aside and creating a new one. False by default.
    /// </summary>
    bool UpdatesInPlace(ObservedService old, ServiceSpec desired) => false;

    /// <summary>
    /// Replaces <paramref name="old"/> by <paramref name="desired"/> in place (<see cref="UpdatesInPlace"/>) and returns it
    /// updated; throws <see cref="Core.RuntimeFailureException"/> when the engine rolled back (the previous version serves).
    /// </summary>
    Task<ObservedService> UpdateInPlaceAsync(ObservedService old, ServiceSpec desired, string artifactId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this engine cannot update an instance in place");

    /// <summary>
    /// Where the lifecycle checks that a started instance accepts connections: <see cref="ServiceSpec.HealthEndpoint"/>
    /// (this host, or the service's private address) by default; a swarm of several nodes gives a node its tasks run on.
    /// </summary>
    Task<(string Host, int Port)?> HealthEndpointAsync(ObservedService instance, ServiceSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult(spec?.HealthEndpoint);

    /// <summary>
    /// What stops <paramref name="spec"/> from running on this engine as it is now, found before any change (an image only
    /// one node can pull): one message per problem. Nothing by default.
    /// </summary>
    Task<IReadOnlyList<string>> CheckPlacementAsync(ServiceSpec spec, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// The log of the instance named <paramref name="name"/>, else of its set-aside instance (found by
    /// <see cref="ServiceLogs.FindInstanceAsync{T}"/>): the last <see cref="LogRequest.Tail"/> lines, then, to follow,
    /// every new one until the instance stops. Throws <see cref="InstanceMissingException"/> when neither exists.
    /// Reading, ordering and following are <see cref="ServiceLogs"/>'s (<c>driver.ReadLogsAsync</c>, <c>driver.FollowLogsAsync</c>).
    /// </summary>
    IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, CancellationToken cancellationToken);
}

/// <summary>A network of an engine (<paramref name="Engine"/>: docker, podman) and one of its IPv4 subnets.</summary>
public sealed record EngineNetwork(string Engine, string Name, string Subnet);
