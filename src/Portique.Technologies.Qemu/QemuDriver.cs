using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CliWrap;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Qemu;

/// <summary>
/// Runs <c>qemu</c> services: one virtual machine per service, booted from a downloaded disk image through a private
/// copy-on-write overlay, with user-mode networking (<c>hostfwd</c> per port pair), shared host folders over virtio-9p
/// (mount tags <c>vol0</c>, <c>vol1</c>... which the guest must mount itself), the environment in fw_cfg, and the serial
/// console as the service's log.
/// <para>
/// A VM cannot carry labels: its state folder under the root (<see cref="QemuLayout"/>) holds the record of what created
/// it, and that folder, under this root, with a record naming this root, is what "owned" means here. The process is
/// daemonized by qemu itself (<c>-daemonize</c>, <c>-pidfile</c>); a crashed VM is found stopped and started again by
/// the next run. On a host with systemd, one unit per VM (<c>Restart=on-failure</c>) is the production-grade supervisor;
/// this driver does not assume systemd (EOLE test machines and this build machine run without it).
/// </para>
/// </summary>
public sealed class QemuDriver : IServiceDriver, IUsageReader, IDisposable
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly TimeSpan QmpTimeout = TimeSpan.FromSeconds(5);

    private readonly QemuLayout _layout;
    private readonly HttpClient _http;
    private readonly DiskImageCache _images;
    private readonly SemaphoreSlim _accelerationLock = new(1, 1);
    private bool? _kvm;

    /// <param name="root">The Portique root: images, VM state and run files all live under it.</param>
    /// <param name="options">Tools, sizes and timeouts; null: the defaults.</param>
    public QemuDriver(PortiqueRoot root, QemuDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Options = options ?? new QemuDriverOptions();
        _layout = new QemuLayout(root);
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("portique-qemu/1");
        _images = new DiskImageCache(_layout, Options, _http);
    }

    public PortiqueRoot Root { get; }

    public QemuDriverOptions Options { get; }

    public LifecycleOptions Lifecycle => Options;

    public IReadOnlySet<Technology> Technologies { get; } = new[] { QemuModule.Qemu }.ToFrozenSet();

    /// <summary>Where the base image of (tag, url) is cached.</summary>
    public string ImagePath(string tag, string url) =>
        QemuLayout.IsTag(tag) && QemuLayout.IsImageName(url) ? _layout.ImagePath(tag, url) : throw new ArgumentException(Messages.FormatInvalidImageName(url));

    /// <summary>The state folder of the VM of <paramref name="name"/> (or of its set-aside predecessor).</summary>
    public string StateDirectory(string name, bool aside = false)
    {
        ValidateServiceName(name);
        return _layout.VmDirectory(name, aside);
    }

    /// <summary>The pid file of the running VM of <paramref name="name"/>.</summary>
    public string PidFile(string name)
    {
        ValidateServiceName(name);
        return _layout.PidFile(name);
    }

    public async Task<string?> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        foreach (var (tool, package) in new[] { (Options.QemuSystemExecutable, "qemu-system-x86"), (Options.QemuImgExecutable, "qemu-utils") })
        {
            try
            {
                var result = await RunToolAsync(tool, package, ["--version"], cancellationToken);
                if (result.ExitCode != 0)
                {
                    return Messages.FormatToolFailed(tool, DiskImageCache.LastLines(result.StandardError));
                }
            }
            catch (RuntimeFailureException exception)
            {
                return exception.Message;
            }
        }

        return null;
    }

    public Task<IReadOnlyList<ObservedService>> ListOwnedAsync(CancellationToken cancellationToken)
    {
        var owned = new List<ObservedService>();
        if (!Directory.Exists(_layout.VmsDirectory))
        {
            return Task.FromResult<IReadOnlyList<ObservedService>>(owned);
        }

        foreach (var directory in Directory.GetDirectories(_layout.VmsDirectory).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = Path.GetFileName(directory);
            var aside = ServiceLifecycle.IsAsideName(folder, out var name);
            if (!aside)
            {
                ServiceLifecycle.IsNextName(folder, out name);
            }

            if (QemuLayout.IsServiceName(name) && ReadOwnedRecord(directory, name) is { } record && (aside || record.InstanceName == folder))
            {
                owned.Add(ToObserved(record, aside));
            }
        }

        return Task.FromResult<IReadOnlyList<ObservedService>>(owned);
    }

    public Task<string?> FindForeignHolderAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!QemuLayout.IsServiceName(name))
        {
            return Task.FromResult<string?>(null);
        }

        var directory = _layout.VmDirectory(name, aside: false);
        if (Directory.Exists(directory))
        {
            return Task.FromResult(ReadOwnedRecord(directory, name) is null ? Messages.FormatForeignFolder(directory) : null);
        }

        // No folder, yet a live qemu answers to the run files the VM would use: someone else's process.
        var pidFile = _layout.PidFile(name);
        return Task.FromResult(VmProcess.Find(pidFile) is { } pid ? Messages.FormatForeignProcess(pid, pidFile) : null);
    }

    /// <summary>
    /// Downloads <c>REPOSITORY/URL</c> into the cache unless (tag, url) is already there, checking it against the
    /// published <c>URL.sha256</c> or <c>SHA256SUMS</c> when the server has one. Returns <c>sha256:DIGEST</c> of the image.
    /// A cached version is never downloaded again, even with <paramref name="refresh"/>: a tag names one image for good
    /// (VMs' overlays are built on it); publish a new version under a new tag.
    /// </summary>
    public async Task<string> FetchAsync(ServiceSpec spec, bool refresh, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        EnsureTechnology(spec);
        ValidateImage(spec);
        var image = await _images.EnsureAsync(spec.Repository, spec.Tag, spec.Url, progress, cancellationToken);
        return image.ArtifactId;
    }

    public Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CreateNamedAsync(spec, artifactId, spec.Name, cancellationToken);
    }

    public bool StartsBeside => true;

    /// <summary>
    /// The VM is named after the service when no VM holds that name, else <c>NAME.portique-next</c>, a name it keeps
    /// (its folder, run files, tap and MAC; the root's dnsmasq reserves the second address for that MAC) until its own
    /// replacement: a running VM's tap and MAC cannot be renamed.
    /// </summary>
    public Task<ObservedService> CreateBesideAsync(ServiceSpec spec, string artifactId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ValidateServiceName(spec.Name);
        var taken = Directory.Exists(_layout.VmDirectory(spec.Name, aside: false));
        return CreateNamedAsync(spec, artifactId, taken ? ServiceLifecycle.NextName(spec.Name) : spec.Name, cancellationToken);
    }

    private async Task<ObservedService> CreateNamedAsync(ServiceSpec spec, string artifactId, string instanceName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactId);
        EnsureTechnology(spec);
        ValidateSpec(spec);

        var image = await _images.FindAsync(spec.Tag, spec.Url, cancellationToken);
        if (image is null || image.ArtifactId != artifactId)
        {
            throw new RuntimeFailureException(Messages.FormatImageMissing(spec.Url, spec.Tag));
        }

        var directory = _layout.InstanceDirectory(instanceName);
        if (Directory.Exists(directory))
        {
            throw new RuntimeFailureException(Messages.FormatVmNameTaken(spec.Name, directory));
        }

        if (VmProcess.Find(_layout.PidFile(instanceName)) is { } stray)
        {
            throw new RuntimeFailureException(Messages.FormatForeignProcess(stray, _layout.PidFile(instanceName)));
        }

        var record = new VmRecord
        {
            Root = Root.Directory,
            Name = spec.Name,
            Index = spec.Index,
            InstanceId = Guid.NewGuid().ToString("N"),
            SpecHash = spec.SpecHash(),
            Spec = spec.CanonicalJson(),
            ArtifactId = artifactId,
            Version = spec.Url + ":" + spec.Tag,
            BaseImage = _layout.ImagePath(spec.Tag, spec.Url),
            BaseFormat = image.Format,
            PublishAddress = spec.PublishAddress,
            Ports = spec.Ports.Select(p => new[] { p.HostPort, p.ContainerPort }).ToArray(),
            Volumes = spec.Volumes.Select(v => new[] { Path.GetFullPath(v.HostPath), v.ContainerPath }).ToArray(),
            CreatedAt = DateTimeOffset.UtcNow,
            MemoryMebibytes = spec.MemoryBytes is long memory ? ResourceLimits.Mebibytes(memory) : null,
            Processors = spec.Cpus is decimal cpus ? ResourceLimits.WholeCpus(cpus) : null,
            PrivateNetwork = spec.Address is { } address
                ? new VmPrivateNetwork
                {
                    Address = address,
                    Bridge = Core.PrivateNetwork.BridgeName(Root.Directory),
                    Tap = Core.PrivateNetwork.TapName(Root.Directory, instanceName),
                    Hardware = Core.PrivateNetwork.GuestHardware(instanceName),
                    // The first port_in, published (by the frontend) or internal.
                    HealthPort = spec.Ports.Count > 0 ? spec.Ports[0].ContainerPort
                        : spec.InternalPorts.Count > 0 ? spec.InternalPorts[0] : null,
                }
                : null,
            Instance = instanceName == spec.Name ? null : instanceName,
        };

        // Assembled aside, then renamed into place: a folder with the service's name always holds a complete record.
        var creating = _layout.CreatingDirectory(instanceName);
        try
        {
            DeleteDirectory(creating);
            HostDirectory.CreateMissing(creating);
            var disk = QemuLayout.DiskPath(creating);
            var overlay = await RunToolAsync(
                Options.QemuImgExecutable,
                "qemu-utils",
                ["create", "-q", "-f", "qcow2", "-b", record.BaseImage, "-F", record.BaseFormat, "--", disk],
                cancellationToken);
            if (overlay.ExitCode != 0)
            {
                throw new RuntimeFailureException(Messages.FormatOverlayFailed(spec.Name, DiskImageCache.LastLines(overlay.StandardError)));
            }

            if (spec.Environment.Count > 0)
            {
                await WritePrivateAsync(QemuLayout.EnvironmentPath(creating), string.Concat(spec.Environment.Select(e => e + "\n")), cancellationToken);
            }

            await WritePrivateAsync(
                QemuLayout.VolumesPath(creating),
                string.Concat(record.Volumes.Select((v, i) => QemuCommandLine.MountTag(i) + " " + v[1] + "\n")),
                cancellationToken);
            await WriteRecordAsync(creating, record, cancellationToken);
            Directory.Move(creating, directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            DeleteDirectory(creating);
            throw new RuntimeFailureException(Messages.FormatStateFailed(spec.Name, exception.Message), exception);
        }
        catch
        {
            DeleteDirectory(creating);
            throw;
        }

        foreach (var volume in record.Volumes)
        {
            HostDirectory.Ensure(spec.Name, volume[0], Messages.FormatVolumeDirectoryFailed);
        }

        try
        {
            await LaunchAsync(directory, record, cancellationToken);
        }
        catch
        {
            // "Creates and starts": a VM that cannot start (host port taken...) must not hold the name.
            DeleteDirectory(directory);
            throw;
        }

        return ToObserved(record, aside: false);
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (directory, record, aside) = Resolve(instance);
        if (aside)
        {
            throw new RuntimeFailureException(Messages.FormatVmIsAside(record.Name));
        }

        if (VmProcess.Find(_layout.PidFile(record.InstanceName)) is null)
        {
            await LaunchAsync(directory, record, cancellationToken);
        }
    }

    /// <summary>Stops the VM: ACPI power-down, then quit, then kill (an aside VM is stopped already).</summary>
    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (_, record, aside) = Resolve(instance);
        if (!aside)
        {
            await StopAsync(record.InstanceName, cancellationToken);
        }
    }

    /// <summary>Renames the stopped VM's state folder <c>NAME.portique-aside</c>, or back to <c>NAME</c>.</summary>
    public Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (directory, record, isAside) = Resolve(instance);
        if (isAside != aside)
        {
            var target = aside ? _layout.VmDirectory(record.Name, aside: true) : _layout.InstanceDirectory(record.InstanceName);
            if (Directory.Exists(target))
            {
                throw new RuntimeFailureException(aside ? Messages.FormatAsideExists(record.Name, target) : Messages.FormatVmNameTaken(record.Name, target));
            }

            Move(directory, target, record.Name);
        }

        return Task.FromResult(ToObserved(record, aside));
    }

    /// <summary>Stops the VM and deletes its state folder (overlay, record, console log). Shared host folders are never touched.</summary>
    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string directory;
        VmRecord record;
        bool aside;
        try
        {
            (directory, record, aside) = Resolve(instance);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        if (!aside)
        {
            await StopAsync(record.InstanceName, cancellationToken);
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: what was asked is true.
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatStateFailed(record.Name, exception.Message), exception);
        }
    }

    /// <summary>The VM's use: qemu's resident memory (the guest's RAM it touched) and processor time; null without a live qemu.</summary>
    public async Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            var (_, record, aside) = Resolve(instance);
            return !aside && VmProcess.Find(_layout.PidFile(record.InstanceName)) is { } pid
                ? await new CgroupUsage().ReadProcessAsync(pid, cancellationToken)
                : null;
        }
        catch (PortiqueException)
        {
            return null;
        }
    }

    /// <summary>
    /// NotRunning without a live qemu; Unhealthy when the VM stopped dead inside a live qemu (internal error, guest
    /// panic). With ports: Healthy once the routed port answers HTTP (any status) through the forward — qemu's forward
    /// accepts TCP connections long before the guest listens, so a bare connection proves nothing — else Starting.
    /// Without ports: Running, qemu's pid identifying the run.
    /// </summary>
    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (_, record, aside) = Resolve(instance);
        if (aside)
        {
            return new InstanceObservation(EngineHealth.NotRunning);
        }

        var health = await ProcessHealthAsync(record.InstanceName, cancellationToken);
        if (health is EngineHealth.NotRunning or EngineHealth.Unhealthy)
        {
            return new InstanceObservation(health);
        }

        if (record.PrivateNetwork is { HealthPort: int guestPort } privateNetwork)
        {
            return new InstanceObservation(
                await AnswersHttpAsync(privateNetwork.Address, guestPort, cancellationToken) ? EngineHealth.Healthy : EngineHealth.Starting);
        }

        if (record.Ports.Length > 0)
        {
            return new InstanceObservation(
                await AnswersHttpAsync(record.PublishAddress, record.Ports[0][0], cancellationToken) ? EngineHealth.Healthy : EngineHealth.Starting);
        }

        return VmProcess.Find(_layout.PidFile(record.InstanceName)) is { } pid
            ? new InstanceObservation(EngineHealth.Running) { StartedAt = pid.ToString(CultureInfo.InvariantCulture) }
            : new InstanceObservation(EngineHealth.Starting);
    }

    /// <summary>The VM's serial console; following ends only when cancelled (a VM's console outlives a reboot).</summary>
    public IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, CancellationToken cancellationToken)
    {
        ValidateServiceName(ServiceLifecycle.ServiceNameOf(name));
        var path = ConsoleLogOf(name) ?? throw new InstanceMissingException(Messages.FormatVmNotFound(name, Root.Directory));
        var source = new TextLogSource(() => path = ConsoleLogOf(name) ?? path, reason => Messages.FormatLogsFailed(name, reason))
        {
            Poll = Options.FollowPollInterval,
        };
        return TextLogFile.OpenAsync(source, request, cancellationToken);
    }

    public void Dispose()
    {
        _http.Dispose();
        _accelerationLock.Dispose();
    }

    // ---------------------------------------------------------------- the process

    private async Task LaunchAsync(string directory, VmRecord record, CancellationToken cancellationToken)
    {
        var name = record.InstanceName;
        var qmp = _layout.QmpSocket(name) ?? throw new RuntimeFailureException(Messages.FormatRootTooDeep(Root.Directory));
        var pidFile = _layout.PidFile(name);
        try
        {
            HostDirectory.CreateMissing(_layout.RunDirectory);
            File.SetUnixFileMode(_layout.RunDirectory, PrivateDirectory);
            File.Delete(pidFile);
            File.Delete(qmp);
            TextLogFile.Rotate(QemuLayout.ConsoleLogPath(directory), Options.ConsoleLogRotateBytes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatStateFailed(name, exception.Message), exception);
        }

        var environment = QemuLayout.EnvironmentPath(directory);
        var launch = new VmLaunch
        {
            Name = name,
            Disk = QemuLayout.DiskPath(directory),
            ConsoleLog = QemuLayout.ConsoleLogPath(directory),
            PidFile = pidFile,
            QmpSocket = qmp,
            EnvironmentFile = File.Exists(environment) ? environment : null,
            VolumesFile = QemuLayout.VolumesPath(directory),
            PublishAddress = record.PublishAddress,
            Ports = record.Ports.Select(p => (p[0], p[1])).ToArray(),
            HostFolders = record.Volumes.Select(v => v[0]).ToArray(),
            MemoryMebibytes = record.MemoryMebibytes,
            Processors = record.Processors,
            PrivateNetwork = record.PrivateNetwork is { } privateNetwork ? (privateNetwork.Tap, privateNetwork.Hardware) : null,
        };
        if (record.PrivateNetwork is { } onNetwork)
        {
            await EnsureTapAsync(name, onNetwork, cancellationToken);
        }

        var kvm = await UseKvmAsync(cancellationToken);
        var result = await RunToolAsync(Options.QemuSystemExecutable, "qemu-system-x86", QemuCommandLine.Build(launch, kvm, Options), cancellationToken);
        if (result.ExitCode != 0)
        {
            // A VM that did not start holds no tap.
            await RemoveTapAsync(name, cancellationToken);
            throw new RuntimeFailureException(Messages.FormatLaunchFailed(name, DiskImageCache.LastLines(result.StandardError)));
        }

        if (VmProcess.Find(pidFile) is null)
        {
            throw new RuntimeFailureException(Messages.FormatLaunchFailed(name, Messages.FormatNoProcess(pidFile)));
        }
    }

    /// <summary>ACPI power-down (the guest shuts itself down cleanly), then QMP quit, then SIGKILL, each after its timeout.</summary>
    private async Task StopAsync(string name, CancellationToken cancellationToken)
    {
        var pidFile = _layout.PidFile(name);
        var qmp = _layout.QmpSocket(name);
        if (VmProcess.Find(pidFile) is { } pid)
        {
            if (!await RequestAsync(qmp, "system_powerdown", cancellationToken)
                || !await VmProcess.WaitForExitAsync(pid, pidFile, Options.PowerdownTimeout, cancellationToken))
            {
                if (!await RequestAsync(qmp, "quit", cancellationToken)
                    || !await VmProcess.WaitForExitAsync(pid, pidFile, Options.QuitTimeout, cancellationToken))
                {
                    VmProcess.Kill(pid, pidFile);
                    if (!await VmProcess.WaitForExitAsync(pid, pidFile, Options.QuitTimeout, cancellationToken))
                    {
                        throw new RuntimeFailureException(Messages.FormatStopFailed(name, pid));
                    }
                }
            }
        }

        await RemoveTapAsync(name, cancellationToken);

        try
        {
            File.Delete(pidFile);
            if (qmp is not null)
            {
                File.Delete(qmp);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Stale run files are replaced at the next start.
        }
    }

    /// <summary>
    /// The VM's tap on the root's bridge, made before qemu opens it (<c>ip tuntap add</c>, enslaved, up) and left as it
    /// is when it already is. A missing bridge is a failure naming it: <c>reconfigure</c> makes it before any service.
    /// </summary>
    private async Task EnsureTapAsync(string name, VmPrivateNetwork network, CancellationToken cancellationToken)
    {
        if (!Directory.Exists("/sys/class/net/" + network.Bridge))
        {
            throw new RuntimeFailureException(Messages.FormatPrivateBridgeMissing(name, network.Bridge));
        }

        if (!Directory.Exists("/sys/class/net/" + network.Tap))
        {
            await RunIpAsync(name, ["tuntap", "add", "dev", network.Tap, "mode", "tap"], cancellationToken);
        }

        await RunIpAsync(name, ["link", "set", "dev", network.Tap, "master", network.Bridge, "up"], cancellationToken);
    }

    /// <summary>Deletes the service's tap, if any: a stopped VM holds none (the next start makes it again).</summary>
    private async Task RemoveTapAsync(string name, CancellationToken cancellationToken)
    {
        var tap = Core.PrivateNetwork.TapName(Root.Directory, name);
        if (Directory.Exists("/sys/class/net/" + tap))
        {
            await RunIpAsync(name, ["link", "del", "dev", tap], cancellationToken);
        }
    }

    private async Task RunIpAsync(string name, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunToolAsync(Options.IpExecutable, "iproute2", arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new RuntimeFailureException(Messages.FormatTapFailed(name, string.Join(' ', arguments), DiskImageCache.LastLines(result.StandardError)));
        }
    }

    private static async Task<bool> RequestAsync(string? qmp, string command, CancellationToken cancellationToken)
    {
        if (qmp is null)
        {
            return false;
        }

        try
        {
            await QmpClient.ExecuteAsync(qmp, command, QmpTimeout, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is QmpException or SocketException or IOException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>NotRunning without a live qemu; Unhealthy when QMP reports a dead VM; Running otherwise.</summary>
    private async Task<EngineHealth> ProcessHealthAsync(string name, CancellationToken cancellationToken)
    {
        if (VmProcess.Find(_layout.PidFile(name)) is null)
        {
            return EngineHealth.NotRunning;
        }

        if (_layout.QmpSocket(name) is not { } qmp)
        {
            return EngineHealth.Running;
        }

        try
        {
            var status = await QmpClient.ExecuteAsync(qmp, "query-status", QmpTimeout, cancellationToken);
            return status.TryGetProperty("status", out var value) && value.GetString() is "internal-error" or "guest-panicked" or "shutdown" or "io-error"
                ? EngineHealth.Unhealthy
                : EngineHealth.Running;
        }
        catch (Exception exception) when (exception is QmpException or SocketException or IOException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // qemu is alive; a busy monitor is not a sick guest.
            return EngineHealth.Running;
        }
    }

    /// <summary>True when something answers an HTTP request on the port: a status line comes back, whatever the status.</summary>
    internal static async Task<bool> AnswersHttpAsync(string address, int port, CancellationToken cancellationToken)
    {
        var target = address == "0.0.0.0" ? IPAddress.Loopback : IPAddress.Parse(address);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient(target.AddressFamily);
            await client.ConnectAsync(target, port, limit.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: portique-health\r\n\r\n"u8.ToArray(), limit.Token);
            var head = new byte[5];
            var read = 0;
            while (read < head.Length)
            {
                var count = await stream.ReadAsync(head.AsMemory(read), limit.Token);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            return read == head.Length && "HTTP/"u8.SequenceEqual(head);
        }
        catch (Exception exception) when (exception is SocketException or IOException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- acceleration

    /// <summary>
    /// KVM or TCG, decided once per driver. <see cref="QemuAcceleration.Auto"/> needs more than an openable /dev/kvm: under
    /// nested virtualisation the device may open and still fail every guest (qemu stops with "internal-error", or aborts
    /// setting MSRs). A probe VM (no disk, SeaBIOS only) must still be running after 1.5 s.
    /// </summary>
    internal async Task<bool> UseKvmAsync(CancellationToken cancellationToken)
    {
        switch (Options.Acceleration)
        {
            case QemuAcceleration.Kvm:
                return true;
            case QemuAcceleration.Tcg:
                return false;
        }

        if (_kvm is { } known)
        {
            return known;
        }

        await _accelerationLock.WaitAsync(cancellationToken);
        try
        {
            _kvm ??= CanOpen(Options.KvmDevice) && await ProbeKvmAsync(cancellationToken);
            return _kvm.Value;
        }
        finally
        {
            _accelerationLock.Release();
        }
    }

    private static bool CanOpen(string device)
    {
        try
        {
            using var handle = File.Open(device, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task<bool> ProbeKvmAsync(CancellationToken cancellationToken)
    {
        var commands = PipeSource.Create(async (input, token) =>
        {
            try
            {
                await input.WriteAsync("{\"execute\":\"qmp_capabilities\"}\n"u8.ToArray(), token);
                await input.FlushAsync(token);
                await Task.Delay(1500, token);
                await input.WriteAsync("{\"execute\":\"query-status\"}\n"u8.ToArray(), token);
                await input.FlushAsync(token);
                await Task.Delay(500, token);
                await input.WriteAsync("{\"execute\":\"quit\"}\n"u8.ToArray(), token);
                await input.FlushAsync(token);
            }
            catch (IOException)
            {
                // qemu died already: the output says so.
            }
        });

        try
        {
            var result = await Tool.RunAsync(
                Options.QemuSystemExecutable,
                ["-nodefaults", "-no-user-config", "-display", "none", "-accel", "kvm", "-cpu", "host", "-m", "32", "-qmp", "stdio"],
                TimeSpan.FromSeconds(20),
                ToolMessages(Options.QemuSystemExecutable, "qemu-system-x86", TimeSpan.FromSeconds(20)),
                cancellationToken,
                standardInput: commands);
            return result.StandardOutput.Split('\n').Any(line => line.Contains("\"status\": \"running\"", StringComparison.Ordinal));
        }
        catch (ToolFailureException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not started or timed out: no KVM for us.
            return false;
        }
    }

    // ---------------------------------------------------------------- state

    private (string Directory, VmRecord Record, bool Aside) Resolve(ObservedService instance)
    {
        if (!QemuLayout.IsServiceName(instance.Name))
        {
            throw new InstanceMissingException(Messages.FormatVmNotFound(instance.Name, Root.Directory));
        }

        var aside = (_layout.VmDirectory(instance.Name, aside: true), true);
        var named = (_layout.InstanceDirectory(instance.Name), false);
        var next = (_layout.InstanceDirectory(ServiceLifecycle.NextName(instance.Name)), false);
        var candidates = instance.IsAside ? new[] { aside, named, next }
            : instance.InstanceName is not null ? [next, named, aside]
            : [named, next, aside];
        foreach (var (directory, isAside) in candidates)
        {
            if (ReadOwnedRecord(directory, instance.Name) is { } record
                && (isAside || record.InstanceName == Path.GetFileName(directory))
                && (instance.InstanceId is null || instance.InstanceId == record.InstanceId))
            {
                return (directory, record, isAside);
            }
        }

        throw new InstanceMissingException(Messages.FormatVmNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
    }

    /// <summary>The record of <paramref name="directory"/> when it is readable, names this root and this service; else null.</summary>
    private VmRecord? ReadOwnedRecord(string directory, string name)
    {
        var path = QemuLayout.RecordPath(directory);
        try
        {
            var record = JsonSerializer.Deserialize(File.ReadAllText(path), QemuJsonContext.Default.VmRecord);
            return record is not null && record.Root == Root.Directory && record.Name == name ? record : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private ObservedService ToObserved(VmRecord record, bool aside) => new()
    {
        Name = record.Name,
        InstanceName = aside ? null : record.Instance,
        Technology = QemuModule.Qemu,
        State = !aside && VmProcess.Find(_layout.PidFile(record.InstanceName)) is not null ? InstanceState.Running : InstanceState.Stopped,
        SpecHash = record.SpecHash,
        SpecJson = record.Spec,
        IsAside = aside,
        Ports = record.Ports.Select(p => new PortMapping(p[0], p[1])).OrderBy(p => p.HostPort).ToArray(),
        InstanceId = record.InstanceId,
        ArtifactId = record.ArtifactId,
        Version = record.Version,
    };

    /// <summary>
    /// The serial console log of the VM <paramref name="name"/> names, looked for under
    /// <see cref="ServiceLogs.InstanceCandidates"/> (a set-aside VM's folder is its aside name); null when this root has none.
    /// </summary>
    private string? ConsoleLogOf(string name)
    {
        var service = ServiceLifecycle.ServiceNameOf(name);
        return ServiceLogs.InstanceCandidates(name)
            .Select(candidate => ConsoleLogOf(service, _layout.InstanceDirectory(candidate)))
            .FirstOrDefault(path => path is not null);
    }

    private string? ConsoleLogOf(string name, string directory) =>
        ReadOwnedRecord(directory, name) is not null ? QemuLayout.ConsoleLogPath(directory) : null;

    private static async Task WriteRecordAsync(string directory, VmRecord record, CancellationToken cancellationToken) =>
        await WritePrivateAsync(QemuLayout.RecordPath(directory), JsonSerializer.Serialize(record, QemuJsonContext.Default.VmRecord), cancellationToken);

    /// <summary>Written 0600 from the start (environment values may be secrets), atomically.</summary>
    private static Task WritePrivateAsync(string path, string content, CancellationToken cancellationToken) =>
        AtomicFile.WriteTextAsync(path, content, PrivateFile, cancellationToken);

    private static void Move(string from, string to, string name)
    {
        try
        {
            Directory.Move(from, to);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatStateFailed(name, exception.Message), exception);
        }
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not there, or cannot be removed: a later create replaces it.
        }
    }

    // ---------------------------------------------------------------- validation and tools

    private void EnsureTechnology(ServiceSpec spec)
    {
        if (!Technologies.Contains(spec.Technology))
        {
            throw new RuntimeFailureException(Messages.FormatUnsupportedTechnology(spec.Technology.Name));
        }
    }

    private static void ValidateServiceName(string name)
    {
        if (!QemuLayout.IsServiceName(name))
        {
            throw new InvalidInputException(name ?? "", Messages.FormatInvalidServiceName(name));
        }
    }

    private static void ValidateImage(ServiceSpec spec)
    {
        ValidateServiceName(spec.Name);
        if (!QemuLayout.IsImageName(spec.Url))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidImageName(spec.Url));
        }

        if (!QemuLayout.IsTag(spec.Tag))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidTag(spec.Tag));
        }
    }

    /// <summary>Every value that reaches a path or qemu's argument list, checked before anything is made.</summary>
    private static void ValidateSpec(ServiceSpec spec)
    {
        ValidateImage(spec);
        if (!IPAddress.TryParse(spec.PublishAddress, out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || address.ToString() != spec.PublishAddress)
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidPublishAddress(spec.PublishAddress));
        }

        foreach (var port in spec.Ports)
        {
            foreach (var value in new[] { port.HostPort, port.ContainerPort })
            {
                if (value is < 1 or > 65535)
                {
                    throw new InvalidInputException(spec.Name, Messages.FormatInvalidPort(value));
                }
            }
        }

        foreach (var volume in spec.Volumes)
        {
            // Both absolute, no control characters; the guest path also without blanks (one "TAG PATH" line each).
            if (!IsAbsoluteClean(volume.HostPath))
            {
                throw new InvalidInputException(spec.Name, Messages.FormatInvalidVolume(volume.HostPath));
            }

            if (!IsAbsoluteClean(volume.ContainerPath) || volume.ContainerPath.Any(char.IsWhiteSpace))
            {
                throw new InvalidInputException(spec.Name, Messages.FormatInvalidVolume(volume.ContainerPath));
            }
        }

        foreach (var entry in spec.Environment)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || entry.Any(c => c is '\n' or '\r' or '\0'))
            {
                throw new InvalidInputException(spec.Name, Messages.FormatInvalidEnvironment(equals > 0 ? entry[..equals] : "?"));
            }
        }
    }

    private static bool IsAbsoluteClean(string? path) => !string.IsNullOrEmpty(path) && path.StartsWith('/') && !path.Any(char.IsControl);

    private Task<ToolResult> RunToolAsync(string tool, string package, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Tool.RunAsync(tool, arguments, Options.ToolTimeout, ToolMessages(tool, package, Options.ToolTimeout), cancellationToken);

    /// <summary>Qemu's wording: the tool's name (not the whole command) when it times out, the Debian package when it is missing.</summary>
    internal static ToolMessages ToolMessages(string tool, string package, TimeSpan timeout) => new(
        (_, _) => Messages.FormatToolTimedOut(tool, timeout.TotalSeconds),
        (executable, reason) => Messages.FormatToolMissing(executable, reason, package));
}
