using Portique.Planning;

namespace Portique.Technologies.Qemu;

/// <summary>How guests are executed.</summary>
public enum QemuAcceleration
{
    /// <summary>KVM when <see cref="QemuDriverOptions.KvmDevice"/> opens and a probe VM actually runs on it; TCG otherwise.</summary>
    Auto,

    /// <summary>Always KVM (<c>-accel kvm -cpu host</c>): a guest that cannot run on it fails to start.</summary>
    Kvm,

    /// <summary>Always TCG, qemu's portable emulator (slow: several seconds of boot where KVM takes one).</summary>
    Tcg,
}

/// <summary>Tunables of <see cref="QemuDriver"/>. The defaults suit a production EOLE server.</summary>
public sealed record QemuDriverOptions : LifecycleOptions
{
    /// <summary>This engine's own lifecycle defaults; an initializer still overrides them.</summary>
    public QemuDriverOptions()
    {
        HealthTimeout = TimeSpan.FromMinutes(5);
        StartupGrace = TimeSpan.FromSeconds(5);
        HealthPollInterval = TimeSpan.FromSeconds(1);
    }

    /// <summary>The emulator (a name looked up in PATH, or a path).</summary>
    public string QemuSystemExecutable { get; init; } = "qemu-system-x86_64";

    /// <summary>The image tool (overlays, format checks).</summary>
    public string QemuImgExecutable { get; init; } = "qemu-img";

    /// <summary>iproute2's <c>ip</c>: the VM's tap on the root's bridge (private network).</summary>
    public string IpExecutable { get; init; } = "ip";

    public QemuAcceleration Acceleration { get; init; } = QemuAcceleration.Auto;

    /// <summary>The KVM device <see cref="QemuAcceleration.Auto"/> tries.</summary>
    public string KvmDevice { get; init; } = "/dev/kvm";

    /// <summary>Guest memory (<c>-m</c>), in MiB.</summary>
    public int MemoryMegabytes { get; init; } = 1024;

    /// <summary>Guest processors (<c>-smp</c>).</summary>
    public int Processors { get; init; } = 1;

    /// <summary>
    /// virtio-9p security model of shared host folders: <c>mapped-xattr</c> (the default: guest ownership and modes are
    /// kept in extended attributes, the guest cannot create set-uid files owned by host users) or <c>passthrough</c>
    /// (guest ownership written as is, for folders the host reads too).
    /// </summary>
    public string VolumeSecurityModel { get; init; } = "mapped-xattr";

    /// <summary>How long an ACPI power-down (the guest's own clean shutdown) may take before qemu is told to quit.</summary>
    public TimeSpan PowerdownTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long qemu may take to quit (QMP <c>quit</c>) before it is killed.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <see cref="ServiceLifecycle.WaitForHealthAsync(IServiceDriver, ObservedService, CancellationToken)"/> waits for a guest to boot: for a guest with ports,
    /// until its routed port answers HTTP; for one without, the process must stay up for <see cref="StartupGrace"/>.
    /// </summary>
    public TimeSpan BootTimeout { get => HealthTimeout; init => HealthTimeout = value; }

    /// <summary>The longest a disk image download (and its checksum) may take.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest one qemu-img call, a version check or qemu's own start (until it daemonizes) may take.</summary>
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At each start, a serial console log larger than this is moved to <c>console.log.1</c>.</summary>
    public long ConsoleLogRotateBytes { get; init; } = 16 * 1024 * 1024;
}
