using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Podman;

/// <summary>
/// Runs <c>podman</c> services through the podman program (daemonless: no API service to keep alive), with argument
/// lists and <c>--format json</c>, and Portique's own containers.conf and registries.conf
/// (<c>ROOT/etc/portique/podman/</c>) in every podman process's environment. Containers carry the docker driver's
/// labels; it lists, changes and removes no container without <c>portique.root=ROOT</c>.
/// </summary>
public sealed partial class PodmanDriver : IServiceDriver, IUpdateChecker, IUsageReader
{
    /// <summary>podman's restart policy for services: the one podman-restart.service brings back at boot.</summary>
    public const string RestartPolicy = "always";

    private readonly PodmanConfiguration _configuration;

    /// <summary>Containers whose last stop did not hold (a crash loop), by id: set aside as a stopped clone.</summary>
    private readonly ConcurrentDictionary<string, string> _looping = new(StringComparer.Ordinal);

    /// <summary>When the driver last ran each container's health check, by id.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _checkedAt = new(StringComparer.Ordinal);

    /// <param name="root">The Portique root this driver serves: the only containers it touches carry its label.</param>
    /// <param name="options">The podman program, timeouts, insecure registries; null: the defaults.</param>
    public PodmanDriver(PortiqueRoot root, PodmanDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Options = options ?? new PodmanDriverOptions();
        _configuration = new PodmanConfiguration(root, Options.ConfigurationDirectory);
        Cli = new PodmanCli(Options.Executable, _configuration.Environment);
    }

    public PortiqueRoot Root { get; }

    public PodmanDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { PodmanModule.Podman }.ToFrozenSet();

    /// <summary>Containers: most of a change is waiting on the engine, which takes many at once (README, Performance).</summary>
    public int ConcurrentChanges => 32;

    /// <summary>Portique's containers.conf for podman (<c>CONTAINERS_CONF</c>).</summary>
    public string ContainersConfPath => _configuration.ContainersConf;

    /// <summary>Portique's registries.conf for podman (<c>CONTAINERS_REGISTRIES_CONF</c>).</summary>
    public string RegistriesConfPath => _configuration.RegistriesConf;

    internal PodmanCli Cli { get; }

    /// <summary>
    /// The image a service runs, fully qualified as podman needs it (no short-name guessing): <c>repository/url:tag</c>;
    /// without a repository, a name with no registry part is Docker Hub's, as for dockerd (<c>nginx</c> →
    /// <c>docker.io/nginx</c>).
    /// </summary>
    public static string ImageReference(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = RepositoryName(spec);
        return string.IsNullOrEmpty(spec.Tag) ? name : name + ":" + spec.Tag;
    }

    /// <summary>
    /// Null when <c>podman version</c> answers with Portique's configuration. A podman that is not installed is said so
    /// before anything is written under the root (a server that runs no podman service gets no podman files).
    /// Not <c>podman info</c>: on Debian it asks dpkg which packages hold runc and conmon, 0.9 s of every run here
    /// against 0.08 s; a podman that cannot list its containers says so at the list that follows.
    /// </summary>
    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        if (FindExecutable(Options.Executable, Environment.GetEnvironmentVariable("PATH")) is null)
        {
            return Messages.FormatNotInstalled(Options.Executable, "not found");
        }

        try
        {
            _configuration.Ensure(Options.InsecureRegistries);
            var result = await Cli.RunAsync(["version", "--format", "json"], Options.AvailabilityTimeout, cancellationToken);
            return result.Succeeded ? null : Messages.FormatNotAnswering(Options.Executable, result.Error);
        }
        catch (RuntimeFailureException exception)
        {
            return exception is ToolMissingException ? exception.Message : Messages.FormatNotAnswering(Options.Executable, exception.Message);
        }
    }

    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        Configure();
        var listed = await ReadAsync(["ps", "--all", "--filter", "label=" + DockerDriver.Labels.Root + "=" + Root.Directory, "--format", "json"], cancellationToken);
        if (!listed.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatListFailed(listed.Error));
        }

        var ids = PodmanJson.ParseArray(listed.StandardOutput, PodmanJsonContext.Default.ListPodmanListed).Where(c => IsOwned(c.Labels)).Select(c => c.Id).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var inspected = await Cli.RunAsync(["container", "inspect", "--format", "json", .. ids], Options.CommandTimeout, cancellationToken);
        List<PodmanContainer> containers;
        if (inspected.Succeeded)
        {
            containers = PodmanJson.ParseArray(inspected.StandardOutput, PodmanJsonContext.Default.ListPodmanContainer);
        }
        else
        {
            // One went away between the two commands: inspect them one by one, skipping the missing.
            containers = [];
            foreach (var id in ids)
            {
                if (await TryInspectAsync(id, cancellationToken) is { } container)
                {
                    containers.Add(container);
                }
            }
        }

        return containers.Where(c => IsOwned(c.Config.Labels)).OrderBy(c => c.Created, StringComparer.Ordinal).Select(ToObserved).ToList();
    }

    public async Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Configure();
        var holder = await TryInspectByNameAsync(name, cancellationToken);
        if (holder is null || IsOwned(holder.Config.Labels))
        {
            return null;
        }

        var id = ShortId(holder.Id);
        return holder.Config.Labels is { } labels && labels.TryGetValue(DockerDriver.Labels.Root, out var owner)
            ? Messages.FormatForeignHolderOwned(id, holder.ImageName, owner)
            : Messages.FormatForeignHolderUnlabelled(id, holder.ImageName);
    }

    /// <summary>Pulls <see cref="ImageReference"/> when podman does not have it (or on refresh); returns podman's image id.</summary>
    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        _configuration.Ensure(Options.InsecureRegistries, string.IsNullOrEmpty(spec.Repository) ? RepositoryName(spec) : spec.Repository);
        var reference = ImageReference(spec);
        if (!refresh && await TryImageIdAsync(reference, cancellationToken) is { } present)
        {
            return present;
        }

        progress.Report(Messages.FormatPulling(reference));
        var pull = await Cli.RunAsync(
            ["pull", reference],
            Options.PullTimeout,
            cancellationToken,
            line =>
            {
                if (!string.IsNullOrWhiteSpace(line) && !line.StartsWith("Error: ", StringComparison.Ordinal))
                {
                    progress.Report(reference + ": " + line.Trim());
                }
            });
        if (!pull.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatPullFailed(reference, pull.Error));
        }

        var id = await TryImageIdAsync(reference, cancellationToken) ?? throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        progress.Report(Messages.FormatPulled(reference, ShortId(id)));
        return id;
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
        Configure();
        var taken = await TryInspectByNameAsync(spec.Name, cancellationToken) is not null;
        return await CreateNamedAsync(spec, artifactId, taken ? ServiceLifecycle.NextName(spec.Name) : spec.Name, cancellationToken);
    }

    /// <summary>podman renames a running container: the instance started beside takes its service's name without stopping.</summary>
    public Task<ObservedService> TakeServiceNameAsync(ObservedService instance, CancellationToken cancellationToken) =>
        RenameAsync(instance, aside: false, cancellationToken);

    private async Task<ObservedService> CreateNamedAsync(ServiceSpec spec, string artifactId, string containerName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        ValidateServiceName(spec.Name);
        Configure();
        var reference = ImageReference(spec);
        if (await TryImageIdAsync(artifactId, cancellationToken) is null)
        {
            throw new RuntimeFailureException(Messages.FormatImageMissing(reference));
        }

        if (spec.Address is not null && PrivateNetwork.TryParse(spec.Network, out _) is { } network)
        {
            _configuration.EnsureNetwork(NetworkName(Root.Directory), PrivateNetwork.BridgeName(Root.Directory), network);
        }

        var arguments = CreateArguments(spec, artifactId, Root.Directory, containerName, Options.InitCandidates.FirstOrDefault(File.Exists));
        foreach (var volume in spec.Volumes)
        {
            HostDirectory.Ensure(spec.Name, volume.HostPath, Messages.FormatVolumeDirectoryFailed);
        }

        // Neither `podman create` nor `podman start` is killed half-way when the caller cancels (Ctrl+C): a create
        // killed after it wrote the container would leave it holding the name, unknown to anyone. Both run to their
        // end (within the command timeout), and an interrupted caller gets the container removed.
        var created = await Cli.RunAsync(arguments, Options.CommandTimeout, CancellationToken.None);
        if (!created.Succeeded)
        {
            throw new RuntimeFailureException(created.StandardError.Contains("already in use", StringComparison.OrdinalIgnoreCase)
                ? Messages.FormatContainerNameTaken(spec.Name, created.Error)
                : Messages.FormatCreateFailed(spec.Name, created.Error));
        }

        var id = created.StandardOutput.Trim().Split('\n')[^1].Trim();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = await Cli.RunAsync(["start", id], Options.CommandTimeout, CancellationToken.None);
            if (!started.Succeeded)
            {
                throw new RuntimeFailureException(Messages.FormatStartFailed(spec.Name, started.Error));
            }

            cancellationToken.ThrowIfCancellationRequested();
            return ToObserved(await TryInspectAsync(id, cancellationToken)
                ?? throw new InstanceMissingException(Messages.FormatContainerNotFound(spec.Name, Root.Directory)));
        }
        catch (Exception exception) when (exception is RuntimeFailureException or OperationCanceledException)
        {
            // "Creates and starts": a container that cannot start (port already in use...) would hold the name; so
            // would one whose caller was interrupted, which never got to know it.
            await Cli.RunAsync(["rm", "--force", "--time", "0", id], Options.CommandTimeout, CancellationToken.None);
            throw;
        }
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Configure();
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        await RunAsync(["start", container.Id], m => Messages.FormatStartFailed(container.Name, m), cancellationToken);
    }

    /// <summary>
    /// Stops the container. podman 4.3 cannot stop a container caught between two restarts of a crash loop (its restart
    /// policy starts it again): when the stop did not hold (still running, or restarted within
    /// <see cref="PodmanDriverOptions.StopSettle"/>), the container is remembered as looping for <see cref="RenameAsync"/>.
    /// </summary>
    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Configure();
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        var current = container.Name;
        await RunAsync(["stop", "--time", Seconds(Lifecycle.StopTimeoutOf(instance)), container.Id], m => Messages.FormatStopFailed(current, m), cancellationToken);
        var stopped = await InspectOwnedAsync(container.Id, current, cancellationToken);
        await Task.Delay(Options.StopSettle, cancellationToken);
        var settled = await InspectOwnedAsync(container.Id, current, cancellationToken);
        if (settled.State.Running || settled.RestartCount != stopped.RestartCount)
        {
            _looping[container.Id] = current;
        }
        else
        {
            _looping.TryRemove(container.Id, out _);
        }
    }

    /// <summary>
    /// Renames the container <c>NAME.portique-aside</c>, or back to <c>NAME</c>. A container whose stop did not hold is
    /// replaced by a stopped clone under the aside name (<c>podman container clone --destroy</c>: same configuration and
    /// labels, a new id), which is what a restore will start.
    /// </summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Configure();
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        var current = container.Name;
        var name = ServiceName(container);
        var target = aside ? ServiceLifecycle.AsideName(name) : name;
        if (aside && _looping.TryRemove(container.Id, out _))
        {
            var clone = await Cli.RunAsync(["container", "clone", "--destroy", "--name", target, container.Id], Options.CommandTimeout, cancellationToken);
            if (await TryInspectByNameAsync(target, cancellationToken) is { } cloned && cloned.Id != container.Id && IsOwned(cloned.Config.Labels))
            {
                if (!clone.Succeeded)
                {
                    // The clone exists but the looping original could not be destroyed in the same breath: remove it now.
                    // Caught between two restarts, podman 4.3 may refuse ("container state improper"): try a few times.
                    var removed = await Cli.RunAsync(["rm", "--force", "--time", "0", container.Id], Options.CommandTimeout, cancellationToken);
                    for (var attempt = 1; attempt < 10 && !removed.Succeeded && !removed.SaysMissing; attempt++)
                    {
                        await Task.Delay(Options.StopSettle / 2, cancellationToken);
                        removed = await Cli.RunAsync(["rm", "--force", "--time", "0", container.Id], Options.CommandTimeout, cancellationToken);
                    }

                    if (!removed.Succeeded && !removed.SaysMissing)
                    {
                        throw new RuntimeFailureException(Messages.FormatStopFailed(current, removed.Error));
                    }
                }

                return ToObserved(cloned);
            }

            // No clone (podman older than 4.1): rename the looping container all the same; a removal ends it.
        }

        if (current != target)
        {
            await RunAsync(["rename", container.Id, target], m => Messages.FormatRenameFailed(current, target, m), cancellationToken);
        }

        return ToObserved(await InspectOwnedAsync(container.Id, target, cancellationToken));
    }

    /// <summary>
    /// Force-removes the container. Bind-mounted host directories are never touched, nor anonymous volumes (no
    /// <c>--volumes</c>): they may hold data the administrator never knew was there.
    /// </summary>
    /// <summary>podman's networks other than the root's (its default <c>podman</c> one included), with their IPv4 subnets.</summary>
    public async Task<IReadOnlyList<EngineNetwork>> ListEngineNetworksAsync(CancellationToken cancellationToken)
    {
        if (await CheckAvailabilityAsync(cancellationToken) is not null)
        {
            return [];
        }

        var listed = await Cli.RunAsync(["network", "ls", "--format", "json"], Options.CommandTimeout, cancellationToken);
        if (!listed.Succeeded)
        {
            return [];
        }

        var own = NetworkName(Root.Directory);
        return PodmanJson.ParseArray(listed.StandardOutput, PodmanJsonContext.Default.ListPodmanNetwork)
            .Where(n => n.Name != own)
            .SelectMany(n => (n.Subnets ?? []).Where(s => s.Subnet?.Contains('.', StringComparison.Ordinal) == true).Select(s => new EngineNetwork("podman", n.Name, s.Subnet!)))
            .ToArray();
    }

    /// <summary>Removes the root's CNI declaration (the network was turned off; docs/network.md).</summary>
    public Task LeavePrivateNetworkAsync(CancellationToken cancellationToken)
    {
        _configuration.RemoveNetwork(NetworkName(Root.Directory));
        return Task.CompletedTask;
    }

    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Configure();
        PodmanContainer container;
        try
        {
            container = await ResolveOwnedAsync(instance, cancellationToken);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        var removed = await Cli.RunAsync(["rm", "--force", "--time", Seconds(Options.StopTimeout), container.Id], Options.CommandTimeout, cancellationToken);
        if (!removed.Succeeded && !removed.SaysMissing)
        {
            throw new RuntimeFailureException(Messages.FormatRemoveFailed(container.Name, removed.Error));
        }
    }

    /// <summary>Memory and processor use, from the cgroups of the container's init process (<see cref="CgroupUsage"/>); null when it is not running.</summary>
    public async Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            Configure();
            var container = await ResolveOwnedAsync(instance, cancellationToken);
            return container.State.Running ? await new CgroupUsage().ReadAsync(container.State.Pid, cancellationToken) : null;
        }
        catch (PortiqueException)
        {
            return null;
        }
    }

    /// <summary>
    /// The container's health, start time and restart count. podman schedules health checks with systemd timers: with
    /// <see cref="PodmanDriverOptions.RunHealthChecks"/>, the driver runs the image's check itself, as that timer would:
    /// when the check is still starting and its interval elapsed since the last run, or when its result is settled.
    /// </summary>
    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Configure();
        var container = await ResolveOwnedAsync(instance, cancellationToken);
        var check = container.Config.Healthcheck;
        if (Options.RunHealthChecks && container.State.Running && check is { IsDefined: true })
        {
            var interval = check.Interval > 0 ? TimeSpan.FromTicks(check.Interval / 100) : TimeSpan.FromSeconds(30);
            var now = TimeProvider.System.GetUtcNow();
            if (Health(container) != EngineHealth.Starting || !_checkedAt.TryGetValue(container.Id, out var last) || now - last >= interval)
            {
                _checkedAt[container.Id] = now;
                await RunHealthCheckAsync(container, cancellationToken);
                container = await ResolveOwnedAsync(instance with { InstanceId = container.Id }, cancellationToken);
            }
        }

        return new InstanceObservation(Health(container)) { StartedAt = container.State.StartedAt, RestartCount = container.RestartCount };
    }

    /// <summary>
    /// The container's stdout and stderr as podman's log file has them. Read, they are stamped: podman prints the two
    /// streams on two pipes, the timestamps it records put them back in order. Following ends when the container stops.
    /// </summary>
    public async IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Configure();
        var container = await ServiceLogs.FindInstanceAsync(name, FindOwnedForLogsAsync, () => Messages.FormatContainerNotFound(name, Root.Directory), cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!request.Follow)
        {
            limit.CancelAfter(Options.CommandTimeout);
        }

        var tail = request.Tail.ToString(CultureInfo.InvariantCulture);
        string[] arguments = request.Follow ? ["logs", "--follow", "--tail", tail, container.Id] : ["logs", "--timestamps", "--tail", tail, container.Id];
        var errors = new List<string>();
        var lines = Cli.ListenAsync(arguments, limit.Token).TranslateFailuresAsync(
            exception => exception switch
            {
                ToolFailureException { CommandExitCode: not null } =>
                    new RuntimeFailureException(Messages.FormatLogsFailed(name, new PodmanResult(1, "", string.Join('\n', errors)).Error)),
                OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                    new RuntimeFailureException(Messages.FormatTimedOut("logs", Seconds(Options.CommandTimeout))),
                _ => null,
            },
            cancellationToken);
        await foreach (var (isError, line) in lines)
        {
            if (isError)
            {
                errors.Add(line);
            }

            yield return request.Follow ? new LogLine(line) : LogLine.Stamped(line);
        }
    }

    // ---------------------------------------------------------------- containers

    /// <summary>The root's podman network, named as docker's: <c>portique-</c> and the root's tag.</summary>
    internal static string NetworkName(string root) => "portique-" + PrivateNetwork.RootTag(root);

    /// <summary>The <c>podman create</c> arguments for <paramref name="spec"/>: one list, nothing to split or quote.</summary>
    internal static List<string> CreateArguments(ServiceSpec spec, string imageId, string root, string? containerName = null, string? initPath = null)
    {
        var arguments = new List<string> { "create", "--name", containerName ?? spec.Name, "--restart", RestartPolicy, "--pull", "never" };
        if (initPath is not null)
        {
            // An init as PID 1 forwards SIGTERM: a process that ignores signals as PID 1 still stops at once.
            arguments.AddRange(["--init", "--init-path", initPath]);
        }

        if (spec.StopTimeoutSeconds is int stopTimeout)
        {
            // `podman stop` by hand waits as long as Portique does.
            arguments.AddRange(["--stop-timeout", stopTimeout.ToString(CultureInfo.InvariantCulture)]);
        }

        if (spec.MemoryBytes is long memory)
        {
            // Bytes; swap as large as the limit: beyond it the process is killed, not swapped.
            var bytes = memory.ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["--memory", bytes, "--memory-swap", bytes]);
        }

        if (spec.Cpus is decimal cpus)
        {
            arguments.AddRange(["--cpus", cpus.ToString(CultureInfo.InvariantCulture)]);
        }

        var labels = new SortedDictionary<string, string>(DockerDriver.Labels.Of(root, spec, ImageReference(spec)), StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            arguments.AddRange(["--label", key + "=" + value]);
        }

        foreach (var variable in spec.EnvironmentWithSecrets)
        {
            // Without '=', podman would copy the variable from Portique's own environment (or expand a '*').
            arguments.AddRange(["--env", variable.Contains('=', StringComparison.Ordinal) ? variable : variable + "="]);
        }

        foreach (var volume in spec.Volumes)
        {
            arguments.AddRange(BindArguments(volume));
        }

        foreach (var secret in spec.Secrets)
        {
            // The root-only file, read-only inside (docs/secrets.md); the path is Portique's own (validated name and key).
            var source = secret.HostPath(new PortiqueRoot(root), spec.Name);
            arguments.AddRange(source.Contains(',', StringComparison.Ordinal)
                ? ["--volume", source + ":" + secret.ContainerPath + ":ro"]
                : ["--mount", "type=bind,readonly=true,source=" + source + ",destination=" + secret.ContainerPath]);
        }

        if (spec.Address is not null && PrivateNetwork.TryParse(spec.Network, out _) is { } privateNetwork)
        {
            // The root's private network (docs/network.md): its address, and the root's DNS on the gateway.
            arguments.AddRange(["--network", NetworkName(root), "--ip", spec.Address, "--dns", privateNetwork.Gateway]);
        }

        // On the private network the frontend publishes the host ports (nginx stream), not podman.
        foreach (var port in spec.PortsPublishedByFrontend ? [] : spec.Ports)
        {
            var address = spec.PublishAddress.Contains(':', StringComparison.Ordinal) ? "[" + spec.PublishAddress + "]" : spec.PublishAddress;
            arguments.AddRange(["--publish", string.Create(CultureInfo.InvariantCulture, $"{address}:{port.HostPort}:{port.ContainerPort}/tcp")]);
        }

        arguments.Add(imageId);
        return arguments;
    }

    /// <summary>
    /// A bind mount: <c>--mount type=bind,...</c> (podman splits it on ','), or <c>--volume host:container</c> (split
    /// on ':') for a path holding a ','. A path holding both cannot be said to podman.
    /// </summary>
    internal static string[] BindArguments(VolumeMapping volume)
    {
        string[] paths = [volume.HostPath, volume.ContainerPath];
        if (paths.All(p => !p.Contains(',', StringComparison.Ordinal)))
        {
            return ["--mount", "type=bind,source=" + volume.HostPath + ",destination=" + volume.ContainerPath];
        }

        if (paths.All(p => !p.Contains(':', StringComparison.Ordinal)))
        {
            return ["--volume", volume.HostPath + ":" + volume.ContainerPath];
        }

        throw new InvalidInputException(volume.HostPath, Messages.FormatVolumePathUnsupported(volume.HostPath, volume.ContainerPath));
    }

    private async Task RunHealthCheckAsync(PodmanContainer container, CancellationToken cancellationToken)
    {
        // Exit 0: healthy, 1: unhealthy (recorded by podman either way); anything else (the container just stopped)
        // is read from the state that follows.
        await Cli.RunAsync(["healthcheck", "run", container.Id], Options.CommandTimeout, cancellationToken);
    }

    private bool IsOwned(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(DockerDriver.Labels.Root, out var root) && root == Root.Directory;

    private async Task<PodmanContainer> ResolveOwnedAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        var container = instance.InstanceId is { Length: > 0 } id
            ? await TryInspectAsync(id, cancellationToken)
            : await TryInspectByNameAsync(instance.IsAside ? ServiceLifecycle.AsideName(instance.Name) : instance.Name, cancellationToken);
        if (container is null || (instance.InstanceId is { Length: > 0 } wanted && container.Id != wanted))
        {
            throw new InstanceMissingException(Messages.FormatContainerNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
        }

        return IsOwned(container.Config.Labels)
            ? container
            : throw new RuntimeFailureException(Messages.FormatNotOwned(container.Name, Root.Directory));
    }

    private async Task<PodmanContainer> InspectOwnedAsync(string idOrName, string name, CancellationToken cancellationToken)
    {
        var container = await TryInspectAsync(idOrName, cancellationToken)
            ?? throw new InstanceMissingException(Messages.FormatContainerNotFound(name, Root.Directory));
        return IsOwned(container.Config.Labels) ? container : throw new RuntimeFailureException(Messages.FormatNotOwned(container.Name, Root.Directory));
    }

    /// <summary>The owned container named exactly <paramref name="candidate"/>, or null.</summary>
    private async Task<PodmanContainer?> FindOwnedForLogsAsync(string candidate, CancellationToken cancellationToken) =>
        await TryInspectByNameAsync(candidate, cancellationToken) is not { } container ? null
            : IsOwned(container.Config.Labels) ? container
            : throw new RuntimeFailureException(Messages.FormatNotOwned(candidate, Root.Directory));

    /// <summary>The container named exactly <paramref name="name"/> (podman also resolves id prefixes: those are ignored).</summary>
    private async Task<PodmanContainer?> TryInspectByNameAsync(string name, CancellationToken cancellationToken) =>
        await TryInspectAsync(name, cancellationToken) is { } container && container.Name == name ? container : null;

    private async Task<PodmanContainer?> TryInspectAsync(string idOrName, CancellationToken cancellationToken)
    {
        var result = await ReadAsync(["container", "inspect", "--format", "json", idOrName], cancellationToken);
        if (result.SaysMissing)
        {
            return null;
        }

        if (!result.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatInspectFailed(idOrName, result.Error));
        }

        try
        {
            return PodmanJson.ParseArray(result.StandardOutput, PodmanJsonContext.Default.ListPodmanContainer).FirstOrDefault();
        }
        catch (JsonException exception)
        {
            throw new RuntimeFailureException(Messages.FormatInspectFailed(idOrName, exception.Message), exception);
        }
    }

    /// <summary>podman's id for the image <paramref name="reference"/> (a name or an id), or null when it has none.</summary>
    /// <summary>
    /// Compares the digests podman recorded for the image the container runs with the sha256 of the tag's manifest as
    /// the registry serves it (<c>skopeo inspect --raw</c>, with Portique's registries.conf; nothing is pulled).
    /// </summary>
    public async Task<UpdateCheck> CheckUpdateAsync(ServiceSpec spec, ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(instance);
        var reference = ImageReference(spec);
        try
        {
            var inspected = await ReadAsync(["image", "inspect", "--format", "json", instance.ArtifactId ?? reference], cancellationToken);
            if (!inspected.Succeeded)
            {
                return new UpdateCheck(UpdateState.Unknown, Messages.FormatInspectImageFailed(reference, inspected.Error));
            }

            var image = PodmanJson.ParseArray(inspected.StandardOutput, PodmanJsonContext.Default.ListPodmanImage).FirstOrDefault();
            List<string> local = [.. image?.RepoDigests ?? [], .. image?.Digest is { Length: > 0 } d ? [d] : Array.Empty<string>()];
            if (local.Count == 0)
            {
                return new UpdateCheck(UpdateState.NotApplicable, Messages.FormatNoRegistryDigest(reference));
            }

            List<string> arguments = ["inspect", "--raw"];
            if (PodmanConfiguration.IsLoopbackRegistry(RepositoryName(spec))
                || Options.InsecureRegistries.Contains(PodmanConfiguration.RegistryHost(RepositoryName(spec)), StringComparer.Ordinal))
            {
                arguments.Add("--tls-verify=false");
            }

            arguments.Add("docker://" + reference);
            using var manifest = new MemoryStream();
            var result = await Tool.RunAsync(
                Options.SkopeoExecutable,
                arguments,
                manifest,
                Options.CommandTimeout,
                new ToolMessages((_, seconds) => Messages.FormatRegistryCheckFailed(reference, "timeout " + seconds + " s"), Messages.FormatSkopeoNotInstalled),
                cancellationToken,
                _configuration.Environment);
            if (result.ExitCode != 0)
            {
                return new UpdateCheck(UpdateState.Unknown, Messages.FormatRegistryCheckFailed(reference, new PodmanResult(result.ExitCode, "", result.StandardError).Error));
            }

            var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(manifest.ToArray()));
            return new UpdateCheck(ImageDigests.Compare(local, digest), digest);
        }
        catch (RuntimeFailureException exception)
        {
            return new UpdateCheck(UpdateState.Unknown, exception.Message);
        }
        catch (JsonException exception)
        {
            return new UpdateCheck(UpdateState.Unknown, Messages.FormatInspectImageFailed(reference, exception.Message));
        }
    }

    private async Task<string?> TryImageIdAsync(string reference, CancellationToken cancellationToken)
    {
        var result = await ReadAsync(["image", "inspect", "--format", "json", reference], cancellationToken);
        if (result.SaysMissing)
        {
            return null;
        }

        if (!result.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatInspectImageFailed(reference, result.Error));
        }

        try
        {
            return PodmanJson.ParseArray(result.StandardOutput, PodmanJsonContext.Default.ListPodmanImage).FirstOrDefault()?.Id is { Length: > 0 } id ? id : null;
        }
        catch (JsonException exception)
        {
            throw new RuntimeFailureException(Messages.FormatInspectImageFailed(reference, exception.Message), exception);
        }
    }

    private static ObservedService ToObserved(PodmanContainer container)
    {
        var labels = container.Config.Labels ?? [];
        var technology = labels.TryGetValue(DockerDriver.Labels.Technology, out var t) && Technology.TryFromName(t, out var parsed)
            ? parsed
            : PodmanModule.Podman;
        var ports = PublishedPorts(container.HostConfig);
        if (ports.Length == 0 && labels.TryGetValue(DockerDriver.Labels.Spec, out var recordedJson)
            && SpecSchema.TryParse(recordedJson, ServiceName(container), 0) is { } recorded)
        {
            // Published by the frontend (private network): the ports are the instance's spec's.
            ports = [.. recorded.Ports.OrderBy(p => p.HostPort)];
        }

        return new ObservedService
        {
            Name = ServiceName(container),
            Technology = technology,
            State = container.State.Running ? InstanceState.Running : InstanceState.Stopped,
            SpecHash = labels.TryGetValue(DockerDriver.Labels.SpecHash, out var hash) ? hash : null,
            SpecJson = labels.TryGetValue(DockerDriver.Labels.Spec, out var json) ? json : null,
            IsAside = ServiceLifecycle.IsAsideName(container.Name, out _),
            InstanceName = ServiceLifecycle.IsNextName(container.Name, out _) ? container.Name : null,
            Ports = ports,
            InstanceId = container.Id,
            ArtifactId = container.Image,
            Version = labels.TryGetValue(DockerDriver.Labels.Version, out var version) ? version : container.ImageName,
        };
    }

    private static PortMapping[] PublishedPorts(PodmanHostConfig hostConfig)
    {
        var ports = new List<PortMapping>();
        foreach (var (key, bindings) in hostConfig.PortBindings ?? [])
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

    internal static EngineHealth Health(PodmanContainer container)
    {
        var state = container.State;
        if (!state.Running || state.Restarting || state.Paused || state.Dead)
        {
            return EngineHealth.NotRunning;
        }

        return (state.Health ?? state.Healthcheck)?.Status switch
        {
            "healthy" => EngineHealth.Healthy,
            "unhealthy" => EngineHealth.Unhealthy,
            "starting" => EngineHealth.Starting,
            _ when container.Config.Healthcheck is { IsDefined: true } => EngineHealth.Starting,
            _ => EngineHealth.Running,
        };
    }

    private static string ServiceName(PodmanContainer container)
    {
        if (container.Config.Labels is { } labels && labels.TryGetValue(DockerDriver.Labels.Name, out var name) && !string.IsNullOrEmpty(name))
        {
            return name;
        }

        ServiceLifecycle.IsAsideName(container.Name, out var service);
        return service;
    }

    // ---------------------------------------------------------------- plumbing

    /// <summary><c>repository/url</c>, or <c>url</c> made fully qualified (Docker Hub) when it names no registry.</summary>
    private static string RepositoryName(ServiceSpec spec)
    {
        if (!string.IsNullOrEmpty(spec.Repository))
        {
            return spec.Repository.TrimEnd('/') + "/" + spec.Url;
        }

        var slash = spec.Url.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : spec.Url[..slash];
        var namesRegistry = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
        return namesRegistry ? spec.Url : "docker.io/" + spec.Url;
    }

    /// <summary>The file <paramref name="executable"/> names (a path, or a name searched in <paramref name="path"/>), or null.</summary>
    internal static string? FindExecutable(string executable, string? path)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(executable) ? executable : null;
        }

        return (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Join(directory, executable))
            .FirstOrDefault(File.Exists);
    }

    private void Configure() => _configuration.Ensure(Options.InsecureRegistries);

    /// <summary>
    /// A read-only command, tried again (three times in all) when it fails for another reason than a missing object:
    /// podman's database lock or a container between two states can fail one read under load.
    /// </summary>
    private async Task<PodmanResult> ReadAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await Cli.RunAsync(arguments, Options.CommandTimeout, cancellationToken);
            if (result.Succeeded || result.SaysMissing || attempt == 3)
            {
                return result;
            }

            await Task.Delay(Options.HealthPollInterval, cancellationToken);
        }
    }

    private async Task<PodmanResult> RunAsync(IReadOnlyList<string> arguments, Func<string, string> describe, CancellationToken cancellationToken)
    {
        var result = await Cli.RunAsync(arguments, Options.CommandTimeout, cancellationToken);
        return result.Succeeded ? result : throw new RuntimeFailureException(describe(result.Error));
    }

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

    private static string Seconds(TimeSpan timeout) => ((long)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    internal static string ShortId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "?";
        }

        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return bare.Length > 12 ? bare[..12] : bare;
    }
}
