using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Lxc;

/// <summary>
/// Runs <c>lxc</c> services: privileged lxc application containers made from the same OCI image the docker technology
/// would run (<c>repository/url:tag</c>), so switching a service between docker and lxc changes nothing else.
/// <list type="bullet">
/// <item>Each root keeps its containers in its own lxcpath, <c>STATE/lxc/NAME</c> (<c>lxc-* -P STATE/lxc</c>): ownership
/// is where a container lives, and <c>portique.json</c> next to its <c>config</c> records the spec it was made from.</item>
/// <item>Images: skopeo copies them into the root's OCI layout (<c>STATE/lxc-images</c>), umoci unpacks them; the
/// artifact is the manifest digest.</item>
/// <item>The image's entrypoint and command run as the container's only process (<c>lxc-execute -d</c>), with a static
/// address on the bridge (<c>lxcbr0</c>), the service's environment and bind mounts.</item>
/// <item>Published ports: a private nginx <c>stream</c> master per root forwards <c>PublishAddress:port_out</c> to the
/// container's <c>address:port_in</c>.</item>
/// </list>
/// </summary>
public sealed class LxcDriver : IServiceDriver, IUsageReader, IDisposable
{

    private static readonly string[] LxcTools = ["lxc-execute", "lxc-info", "lxc-stop", "lxc-ls"];

    /// <summary>This driver's texts for a program that timed out or cannot be started (see <see cref="Tool"/>).</summary>
    internal static readonly ToolMessages ToolMessages = new(Messages.FormatCommandTimedOut, Messages.FormatProgramMissing);

    private readonly OciImageCache _images;
    private readonly LxcNetwork _network;
    private readonly StreamProxy _proxy;
    private readonly SemaphoreSlim _proxyLock = new(1, 1);

    /// <param name="root">The Portique root this driver serves: it only ever touches the containers under its state directory.</param>
    /// <param name="options">Tools, network and timeouts; null: the defaults.</param>
    public LxcDriver(PortiqueRoot root, LxcDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Options = options ?? new LxcDriverOptions();
        _images = new OciImageCache(ImagesDirectory, Options);
        _network = new LxcNetwork(Options);
        _proxy = new StreamProxy(ProxyDirectory, Options);
    }

    public PortiqueRoot Root { get; }

    public LxcDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { LxcModule.Lxc }.ToFrozenSet();

    /// <summary>The lxcpath of this root: one directory per container (<c>lxc-* -P</c>).</summary>
    public string ContainersDirectory => Path.Join(Root.StateDirectory, "lxc");

    /// <summary>The root's OCI image cache.</summary>
    public string ImagesDirectory => Path.Join(Root.StateDirectory, "lxc-images");

    /// <summary>The private nginx stream master's configuration, pid and log.</summary>
    public string ProxyDirectory => Path.Join(Root.StateDirectory, "lxc-proxy");

    /// <summary>The image an lxc service runs: <c>repository/url:tag</c> (or <c>url:tag</c>), as for docker.</summary>
    public static string ImageReference(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Validation.ImageReference(spec.Url, spec.Tag, spec.Repository);
    }

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!Environment.IsPrivilegedProcess)
        {
            problems.Add(Messages.NeedsRoot);
        }

        var missingTool = LxcTools.Select(LxcTool).FirstOrDefault(path => !File.Exists(path));
        if (missingTool is not null)
        {
            problems.Add(Messages.FormatLxcMissing(missingTool));
        }
        else
        {
            await ProbeAsync(LxcTool("lxc-info"), ["--version"], Messages.FormatLxcMissing, problems, cancellationToken);
        }

        await ProbeAsync(Options.SkopeoExecutable, ["--version"], Messages.FormatSkopeoMissing, problems, cancellationToken);
        await ProbeAsync(Options.UmociExecutable, ["--version"], Messages.FormatUmociMissing, problems, cancellationToken);
        if (!File.Exists(Options.NginxExecutable))
        {
            problems.Add(Messages.FormatNginxMissing(Options.NginxExecutable));
        }
        else if (!File.Exists(Options.StreamModule))
        {
            problems.Add(Messages.FormatStreamModuleMissing(Options.StreamModule));
        }

        if (_network.FindBridge() is null && !File.Exists(Options.LxcNetScript))
        {
            problems.Add(Messages.FormatBridgeUnavailable(Options.Bridge, Options.LxcNetScript));
        }

        return problems.Count == 0 ? null : string.Join(" ; ", problems);
    }

    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(ContainersDirectory))
        {
            return [];
        }

        var running = await RunningAsync(cancellationToken);
        var owned = new List<ObservedService>();
        foreach (var (directory, name, isAside, isNext) in OwnedDirectories())
        {
            var record = LxcRecord.TryRead(directory);
            var isRunning = running.Contains(Path.GetFileName(directory));
            owned.Add(ToObserved(name, isAside, record, isRunning && (isAside || record is null || _proxy.Serves(Entries(record))), isNext ? Path.GetFileName(directory) : null));
        }

        return owned;
    }

    public Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Validation.ServiceName(name);
        var path = Path.Join(ContainersDirectory, name);
        var foreign = (Directory.Exists(path) || File.Exists(path)) && !File.Exists(Path.Join(path, LxcRecord.FileName));
        return Task.FromResult(foreign ? Messages.FormatForeignHolder(path) : null);
    }

    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        var reference = ImageReference(spec);
        if (!refresh && await _images.TryGetCachedAsync(reference, cancellationToken) is { } cached)
        {
            return cached;
        }

        progress.Report(Messages.FormatPulling(reference));
        var digest = await _images.PullAsync(reference, Validation.RegistryOf(spec.Repository), cancellationToken);
        progress.Report(Messages.FormatPulled(reference, ShortDigest(digest)));
        return digest;
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CreateNamedAsync(spec, artifactId, spec.Name, cancellationToken);
    }

    public bool StartsBeside => true;

    /// <summary>
    /// The container is named after the service when no container holds that name, else <c>NAME.portique-next</c>, a
    /// name it keeps (lxc cannot rename a running container: its folder is its name) until its own replacement.
    /// </summary>
    public Task<ObservedService> CreateBesideAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validation.ServiceName(spec.Name);
        var taken = Directory.Exists(Path.Join(ContainersDirectory, spec.Name));
        return CreateNamedAsync(spec, artifactId, taken ? ServiceLifecycle.NextName(spec.Name) : spec.Name, cancellationToken);
    }

    private async Task<ObservedService> CreateNamedAsync(ServiceSpec spec, string artifactId, string containerName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        Validation.ServiceName(spec.Name);
        var reference = ImageReference(spec);
        var publish = Validation.PublishAddress(spec.PublishAddress);
        foreach (var port in spec.Ports)
        {
            Validation.Port(port.HostPort, spec.Name);
            Validation.Port(port.ContainerPort, spec.Name);
        }

        var volumes = spec.Volumes
            .Select(v => new VolumeMapping(Validation.AbsolutePath(v.HostPath, spec.Name), Validation.AbsolutePath(v.ContainerPath, spec.Name)))
            .ToList();
        var directory = Path.Join(ContainersDirectory, containerName);
        if (Directory.Exists(directory) || File.Exists(directory))
        {
            throw new RuntimeFailureException(Messages.FormatContainerNameTaken(spec.Name, directory));
        }

        if (!_images.Contains(artifactId))
        {
            throw new RuntimeFailureException(Messages.FormatImageNotCached(reference, artifactId));
        }

        var image = _images.ReadConfig(artifactId, reference);
        if (image.Command.Count == 0)
        {
            throw new RuntimeFailureException(Messages.FormatNoCommand(reference));
        }

        var environment = MergeEnvironment(image.Environment, spec.Environment, spec.Name);
        foreach (var volume in volumes)
        {
            HostDirectory.Ensure(spec.Name, volume.HostPath, Messages.FormatVolumeDirectoryFailed);
        }

        Directory.CreateDirectory(ContainersDirectory, DirectoryMode);
        Directory.CreateDirectory(directory, DirectoryMode);
        try
        {
            var bundle = Path.Join(directory, ".bundle");
            await _images.UnpackAsync(artifactId, reference, bundle, cancellationToken);
            var rootfs = Path.Join(directory, "rootfs");
            Directory.Move(Path.Join(bundle, "rootfs"), rootfs);
            Directory.Delete(bundle, recursive: true);
            var (uid, gid) = RootFileSystem.ResolveUser(image.User, rootfs, reference);

            // On the root's private network (docs/network.md) the bridge is Portique's and the address the spec's; else lxcbr0's pool.
            var bridge = LxcNetwork.PrivateBridge(spec, Root.Directory) ?? await _network.EnsureBridgeAsync(cancellationToken);
            RootFileSystem.WriteNetworkFiles(rootfs, spec.Name, bridge.Address.ToString());
            LxcRecord record;
            using (await _network.LockAsync(Options.CommandTimeout, cancellationToken))
            {
                var taken = OwnedDirectories()
                    .Select(d => LxcRecord.TryRead(d.Directory)?.Address)
                    .OfType<string>()
                    .ToHashSet(StringComparer.Ordinal);
                var address = spec.Address is { } pinned ? IPAddress.Parse(pinned) : await _network.AllocateAsync(bridge, taken, spec.Name, cancellationToken);
                record = new LxcRecord
                {
                    Name = spec.Name,
                    Root = Root.Directory,
                    InstanceId = Guid.NewGuid().ToString("N"),
                    Spec = spec.CanonicalJson(),
                    SpecHash = spec.SpecHash(),
                    Index = spec.Index,
                    Image = reference,
                    Digest = artifactId,
                    Address = address.ToString(),
                    PrefixLength = bridge.PrefixLength,
                    Gateway = bridge.Address.ToString(),
                    Bridge = bridge.Name,
                    PublishAddress = publish.ToString(),
                    Ports = spec.Ports.ToArray(),
                    PortsPublishedByFrontend = spec.PortsPublishedByFrontend,
                    Volumes = volumes,
                    Environment = environment,
                    Command = image.Command,
                    WorkingDirectory = Validation.ConfigValue(image.WorkingDirectory, "WorkingDir"),
                    Uid = uid,
                    Gid = gid,
                    MemoryBytes = spec.MemoryBytes,
                    Cpus = spec.Cpus,
                    Created = Options.Time.GetUtcNow(),
                };
                await AtomicFile.WriteTextAsync(Path.Join(directory, LxcRecord.FileName), record.Serialize(), AtomicFile.GroupReadableMode, cancellationToken);
                await StartContainerAsync(directory, record, cancellationToken);
            }

            await SyncProxyAsync(cancellationToken);
            return ToObserved(record.Name, false, record, await StateAsync(directory, cancellationToken) is { Running: true }, containerName == spec.Name ? null : containerName);
        }
        catch (Exception exception) when (exception is RuntimeFailureException or InvalidInputException or IOException
            or UnauthorizedAccessException or OperationCanceledException)
        {
            // "Creates and starts": a container that cannot start would hold the name; nothing else is touched.
            await DestroyQuietlyAsync(directory);
            throw;
        }
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (directory, record) = ResolveOwned(instance);
        if (await StateAsync(directory, cancellationToken) is not { Running: true })
        {
            if (record.Bridge == Options.Bridge)
            {
                await _network.EnsureBridgeAsync(cancellationToken);
            }

            using (await _network.LockAsync(Options.CommandTimeout, cancellationToken))
            {
                await StartContainerAsync(directory, record, cancellationToken);
            }
        }

        await SyncProxyAsync(cancellationToken);
    }

    /// <summary>Stops the container (<c>lxc-stop</c>) and takes its ports off the proxy.</summary>
    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (directory, record) = ResolveOwned(instance);
        await StopContainerAsync(directory, record.Name, cancellationToken);
        await SyncProxyAsync(cancellationToken);
    }

    /// <summary>Moves the stopped container's directory to <c>NAME.portique-aside</c>, or back to <c>NAME</c>.</summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (directory, record) = ResolveOwned(instance);
        var target = Path.Join(ContainersDirectory, aside ? ServiceLifecycle.AsideName(record.Name) : record.Name);
        if (directory != target)
        {
            await StopContainerAsync(directory, record.Name, cancellationToken);
            Move(directory, target);
        }

        await WriteConfigurationAsync(target, record, cancellationToken);
        return ToObserved(record.Name, aside, record, await StateAsync(target, cancellationToken) is { Running: true });
    }

    /// <summary>Stops and deletes the container (its root file system included). Host directories bound as volumes are never touched.</summary>
    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string directory;
        try
        {
            directory = ResolveOwned(instance).Directory;
        }
        catch (InstanceMissingException)
        {
            return;
        }

        await StopContainerAsync(directory, instance.Name, cancellationToken);
        await DeleteDirectoryAsync(directory, instance.Name);
        await SyncProxyAsync(cancellationToken);
        var inUse = OwnedDirectories()
            .Select(d => LxcRecord.TryRead(d.Directory)?.Digest)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        await _images.PruneAsync(inUse, cancellationToken);
    }

    /// <summary>Memory and processor use, from the cgroups of the container's init process (<see cref="CgroupUsage"/>); null when it is not running.</summary>
    public async Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            var (directory, _) = ResolveOwned(instance);
            return await StateAsync(directory, cancellationToken) is { Running: true, Pid: int pid }
                ? await new CgroupUsage().ReadAsync(pid, cancellationToken)
                : null;
        }
        catch (PortiqueException)
        {
            return null;
        }
    }

    /// <summary>
    /// lxc's state of the container: its init pid identifies the run. lxc runs no image health check and restarts
    /// nothing: a command that exits stops the container.
    /// </summary>
    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (directory, _) = ResolveOwned(instance);
        var state = await StateAsync(directory, cancellationToken);
        var health = state.Running ? EngineHealth.Running : state.Starting ? EngineHealth.Starting : EngineHealth.NotRunning;
        return new InstanceObservation(health) { StartedAt = state.Pid?.ToString(CultureInfo.InvariantCulture) };
    }

    /// <summary>
    /// The container's console output: <c>console.log</c> for the current run (lxc truncates it at start, so the driver
    /// first moves it to <c>console.log.1</c>, which lxc's own rotation also uses when it grows too big), the previous
    /// run's before it. Following ends once the container stopped and everything it wrote was read.
    /// </summary>
    public IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, CancellationToken cancellationToken)
    {
        Validation.ServiceName(ServiceLifecycle.ServiceNameOf(name));
        var directory = ServiceLogs.FindInstance(name, LogDirectory, () => Messages.FormatContainerNotFound(name, Root.Directory));

        // A set-aside or restore moves the directory: follow it.
        string? Locate() => ServiceLogs.InstanceCandidates(name).Select(LogDirectory).FirstOrDefault(d => d is not null);
        var source = new TextLogSource(() => ConsoleLogPath(directory = Locate() ?? directory), reason => Messages.FormatLogsFailed(name, reason))
        {
            WithRotated = true,
            Poll = Options.FollowPollInterval,
            Running = async token => Locate() is { } current && (await StateAsync(current, token)).Running,
        };
        return TextLogFile.OpenAsync(source, request, cancellationToken);
    }

    /// <summary>Stops this root's port proxy (nginx stream master), whatever it publishes; the next change starts it again.</summary>
    public async Task StopPortProxyAsync(CancellationToken cancellationToken)
    {
        await _proxyLock.WaitAsync(cancellationToken);
        try
        {
            await _proxy.StopAsync(cancellationToken);
        }
        finally
        {
            _proxyLock.Release();
        }
    }

    public void Dispose()
    {
        _proxyLock.Dispose();
        _images.Dispose();
    }

    // ---------------------------------------------------------------- containers

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>Container directories of this root that Portique made (they hold a <c>portique.json</c>).</summary>
    private IEnumerable<(string Directory, string Name, bool IsAside, bool IsNext)> OwnedDirectories()
    {
        if (!Directory.Exists(ContainersDirectory))
        {
            yield break;
        }

        foreach (var directory in Directory.EnumerateDirectories(ContainersDirectory).Order(StringComparer.Ordinal))
        {
            if (Validation.ParseDirectoryName(Path.GetFileName(directory)) is { } parsed
                && File.Exists(Path.Join(directory, LxcRecord.FileName)))
            {
                yield return (directory, parsed.Name, parsed.IsAside, parsed.IsNext);
            }
        }
    }

    /// <summary>The directory and record of <paramref name="instance"/> in this root; the instance id, when known, must match.</summary>
    private (string Directory, LxcRecord Record) ResolveOwned(ObservedService instance)
    {
        Validation.ServiceName(instance.Name);
        var candidates = instance.IsAside
            ? new[] { ServiceLifecycle.AsideName(instance.Name), instance.Name, ServiceLifecycle.NextName(instance.Name) }
            : instance.InstanceName is { } next
                ? [next, instance.Name, ServiceLifecycle.AsideName(instance.Name)]
                : [instance.Name, ServiceLifecycle.NextName(instance.Name), ServiceLifecycle.AsideName(instance.Name)];
        foreach (var candidate in candidates)
        {
            var directory = Path.Join(ContainersDirectory, candidate);
            if (!File.Exists(Path.Join(directory, LxcRecord.FileName)))
            {
                continue;
            }

            var record = LxcRecord.TryRead(directory) ?? throw new RuntimeFailureException(Messages.FormatRecordUnreadable(Path.Join(directory, LxcRecord.FileName)));
            if (record.Name == instance.Name && (instance.InstanceId is null || record.InstanceId == instance.InstanceId))
            {
                return (directory, record);
            }
        }

        throw new InstanceMissingException(Messages.FormatContainerNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
    }

    /// <summary>The directory of the container <paramref name="candidate"/> (a service's, next or aside name), or null.</summary>
    private string? LogDirectory(string candidate) =>
        Path.Join(ContainersDirectory, candidate) is var directory && File.Exists(Path.Join(directory, LxcRecord.FileName)) ? directory : null;

    private static string ConsoleLogPath(string directory) => Path.Join(directory, LxcConfiguration.ConsoleLog);

    private async Task WriteConfigurationAsync(string directory, LxcRecord record, CancellationToken cancellationToken) =>
        await AtomicFile.WriteTextAsync(Path.Join(directory, LxcConfiguration.FileName), LxcConfiguration.Render(record, directory, Options), AtomicFile.GroupReadableMode, cancellationToken);

    /// <summary>Starts the container's command (the caller holds the address lock). The configuration is written afresh first.</summary>
    private async Task StartContainerAsync(string directory, LxcRecord record, CancellationToken cancellationToken)
    {
        if (await _network.AnswersAsync(IPAddress.Parse(record.Address), cancellationToken))
        {
            throw new RuntimeFailureException(Messages.FormatAddressInUse(record.Name, record.Address, Options.Bridge));
        }

        await WriteConfigurationAsync(directory, record, cancellationToken);
        TextLogFile.Rotate(ConsoleLogPath(directory), longerThan: 0);
        var lxcLog = Path.Join(directory, LxcConfiguration.LxcLog);
        var offset = File.Exists(lxcLog) ? new FileInfo(lxcLog).Length : 0;
        var start = await LxcAsync(
            "lxc-execute",
            ["-n", Path.GetFileName(directory), "-P", ContainersDirectory, "-d", "--", .. record.Command],
            cancellationToken);
        if (!start.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatStartFailed(record.Name, LogSince(lxcLog, offset) ?? start.Detail));
        }

        // lxc-execute -d returns before the container's address is up. The caller still holds the host-wide address
        // lock: keep it until the address answers (bounded: a crashing command never answers), so that another root
        // choosing an address next sees this one taken instead of a silent bridge.
        var address = IPAddress.Parse(record.Address);
        for (var attempt = 0; attempt < AddressClaimAttempts && !await _network.AnswersAsync(address, cancellationToken); attempt++)
        {
            await Task.Delay(AddressClaimInterval, cancellationToken);
        }
    }

    private const int AddressClaimAttempts = 10;

    private static readonly TimeSpan AddressClaimInterval = TimeSpan.FromMilliseconds(100);

    private async Task StopContainerAsync(string directory, string name, CancellationToken cancellationToken)
    {
        if (await StateAsync(directory, cancellationToken) is { Running: false, Starting: false })
        {
            return;
        }

        var seconds = ((int)Math.Ceiling(Options.StopTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var stop = await LxcAsync("lxc-stop", ["-n", Path.GetFileName(directory), "-P", ContainersDirectory, "-t", seconds], cancellationToken);
        if (!stop.Succeeded && await StateAsync(directory, cancellationToken) is not { Running: false, Starting: false })
        {
            throw new RuntimeFailureException(Messages.FormatStopFailed(name, stop.Detail));
        }
    }

    /// <summary>lxc's view of one container: running (with its init pid), starting, or neither.</summary>
    private async Task<(bool Running, bool Starting, int? Pid)> StateAsync(string directory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Join(directory, LxcConfiguration.FileName)))
        {
            return (false, false, null);
        }

        var info = await LxcAsync("lxc-info", ["-n", Path.GetFileName(directory), "-P", ContainersDirectory, "-s", "-p", "-H"], cancellationToken);
        if (!info.Succeeded)
        {
            return (false, false, null);
        }

        string? state = null;
        int? pid = null;
        foreach (var line in info.StandardOutput.Split('\n'))
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }

            if (parts[0] == "State")
            {
                state = parts[1];
            }
            else if (parts[0] == "PID" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                pid = parsed;
            }
        }

        return (state == "RUNNING", state == "STARTING", pid);
    }

    /// <summary>Names (directory names) of this root's running containers, in one <c>lxc-ls</c>.</summary>
    private async Task<HashSet<string>> RunningAsync(CancellationToken cancellationToken)
    {
        var list = await LxcAsync("lxc-ls", ["-P", ContainersDirectory, "--running", "-1"], cancellationToken);
        if (!list.Succeeded)
        {
            throw new RuntimeFailureException(Messages.FormatListFailed(list.Detail));
        }

        return list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }

    private Task<ToolResult> LxcAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Tool.RunAsync(LxcTool(tool), arguments, Options.CommandTimeout, ToolMessages, cancellationToken);

    private string LxcTool(string tool) => Path.Join(Options.LxcToolsDirectory, tool);

    private static void Move(string from, string to)
    {
        if (Directory.Exists(to) || File.Exists(to))
        {
            throw new RuntimeFailureException(Messages.FormatRenameFailed(Path.GetFileName(from), Path.GetFileName(to), Messages.FormatAlreadyExists(to)));
        }

        try
        {
            Directory.Move(from, to);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatRenameFailed(Path.GetFileName(from), Path.GetFileName(to), exception.Message), exception);
        }
    }

    /// <summary>
    /// Deletes a stopped container's directory. Refused while anything is mounted below it (a bind mount would lead
    /// the deletion into host data); symbolic links are removed, never followed.
    /// </summary>
    private static Task DeleteDirectoryAsync(string directory, string name)
    {
        if (!Directory.Exists(directory))
        {
            return Task.CompletedTask;
        }

        var prefix = directory.TrimEnd('/') + "/";
        var mounted = ProcFs.MountPoints().FirstOrDefault(m => m == directory || m.StartsWith(prefix, StringComparison.Ordinal));
        if (mounted is not null)
        {
            throw new RuntimeFailureException(Messages.FormatRemoveFailed(name, Messages.FormatStillMounted(mounted)));
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatRemoveFailed(name, exception.Message), exception);
        }

        return Task.CompletedTask;
    }

    private async Task DestroyQuietlyAsync(string directory)
    {
        try
        {
            // Not cancellable: a cancelled creation must not leave a half-made container behind.
            await StopContainerAsync(directory, Path.GetFileName(directory), CancellationToken.None);
            await DeleteDirectoryAsync(directory, Path.GetFileName(directory));
            await SyncProxyAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is RuntimeFailureException or IOException or UnauthorizedAccessException)
        {
            // The creation failure is what the administrator needs to read; this one would only hide it.
        }
    }

    private static string? LogSince(string path, long offset)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length <= offset)
            {
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            var errors = text.Split('\n').Where(l => l.Contains("ERROR", StringComparison.Ordinal)).ToList();
            return Tool.LastLines(string.Join('\n', errors.Count > 0 ? errors : [text]));
        }
        catch (IOException)
        {
            return null;
        }
    }

    // ---------------------------------------------------------------- ports

    /// <summary>Makes the port proxy publish the ports of every running, not set aside container of this root.</summary>
    private async Task SyncProxyAsync(CancellationToken cancellationToken)
    {
        await _proxyLock.WaitAsync(cancellationToken);
        try
        {
            var running = Directory.Exists(ContainersDirectory) ? await RunningAsync(cancellationToken) : [];
            var entries = OwnedDirectories()
                .Where(d => !d.IsAside && running.Contains(Path.GetFileName(d.Directory)))
                .Select(d => LxcRecord.TryRead(d.Directory))
                .OfType<LxcRecord>()
                .SelectMany(Entries)
                .ToList();
            await _proxy.ApplyAsync(entries, cancellationToken);
        }
        finally
        {
            _proxyLock.Release();
        }
    }

    private static IEnumerable<ProxyEntry> Entries(LxcRecord record) =>
        (record.PortsPublishedByFrontend ? [] : record.Ports).Select(p => new ProxyEntry(record.Name, IPAddress.Parse(record.PublishAddress), p.HostPort, record.Address, p.ContainerPort));

    // ---------------------------------------------------------------- helpers

    private static ObservedService ToObserved(string name, bool isAside, LxcRecord? record, bool running, string? instanceName = null) =>
        new()
        {
            Name = name,
            InstanceName = instanceName,
            Technology = LxcModule.Lxc,
            State = running ? InstanceState.Running : InstanceState.Stopped,
            SpecHash = record?.SpecHash,
            SpecJson = record?.Spec,
            IsAside = isAside,
            Ports = record?.Ports.OrderBy(p => p.HostPort).ToArray() ?? [],
            InstanceId = record?.InstanceId,
            ArtifactId = record?.Digest,
            Version = record is null ? null : $"{record.Image} ({ShortDigest(record.Digest)}, {record.Address})",
        };

    /// <summary>The image's variables, then the service's: a service variable replaces the image's of the same name.</summary>
    private static List<string> MergeEnvironment(IReadOnlyList<string> image, IReadOnlyList<string> service, string name)
    {
        var merged = new List<string>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in image.Concat(service))
        {
            Validation.ConfigValue(entry, "environnement");
            var key = entry.Split('=', 2)[0];
            if (key.Length == 0)
            {
                throw new InvalidInputException(name, Messages.FormatInvalidConfigValue("environnement"));
            }

            if (positions.TryGetValue(key, out var position))
            {
                merged[position] = entry;
            }
            else
            {
                positions[key] = merged.Count;
                merged.Add(entry);
            }
        }

        return merged;
    }

    private void EnsureTechnology(ServiceSpec spec)
    {
        if (!Technologies.Contains(spec.Technology))
        {
            throw new RuntimeFailureException(Messages.FormatUnsupportedTechnology(spec.Technology.Name));
        }
    }

    private static async Task ProbeAsync(string executable, string[] arguments, Func<string, string> missing, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Tool.RunAsync(executable, arguments, TimeSpan.FromSeconds(10), ToolMessages, cancellationToken);
            if (!result.Succeeded)
            {
                problems.Add(missing(executable) + " (" + result.Detail + ")");
            }
        }
        catch (ToolMissingException)
        {
            problems.Add(missing(executable));
        }
        catch (RuntimeFailureException exception)
        {
            problems.Add(missing(executable) + " (" + exception.Message + ")");
        }
    }

    internal static string ShortDigest(string digest) =>
        OciImageCache.TryHex(digest) is { } hex ? "sha256:" + hex[..12] : digest;
}
