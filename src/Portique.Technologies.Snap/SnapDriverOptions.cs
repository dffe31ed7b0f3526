using Portique.Planning;

namespace Portique.Technologies.Snap;

/// <summary>Tunables of <see cref="SnapDriver"/> and <see cref="SnapcraftDriver"/>. The defaults suit a production server with snapd.</summary>
public sealed record SnapDriverOptions : LifecycleOptions
{
    /// <summary>This engine's own lifecycle defaults; an initializer still overrides them.</summary>
    public SnapDriverOptions()
    {
        StartupGrace = TimeSpan.FromSeconds(3);
        HealthPollInterval = TimeSpan.FromMilliseconds(500);
    }

    /// <summary>snapd's REST API socket.</summary>
    public string SocketPath { get; init; } = "/run/snapd.socket";

    /// <summary>Where the name of PID 1 is read, to tell "snapd is not running" from "snapd cannot run here (no systemd)".</summary>
    public string InitProcessNamePath { get; init; } = "/proc/1/comm";

    /// <summary>The longest one request to snapd may take (changes are polled, each poll is one request).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>CheckAvailabilityAsync</c> waits for snapd to answer.</summary>
    public TimeSpan AvailabilityTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest an install, refresh or remove (a snapd change) may take.</summary>
    public TimeSpan ChangeTimeout { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan ChangePollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a change refused for a conflicting change in progress (<c>snap-change-conflict</c>) is retried.</summary>
    public TimeSpan ConflictRetryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>snapcraft: the git program (a name looked up in PATH, or a path).</summary>
    public string GitExecutable { get; init; } = "git";

    /// <summary>snapcraft: the snapcraft program.</summary>
    public string SnapcraftExecutable { get; init; } = "snapcraft";

    /// <summary>
    /// snapcraft: the arguments of a build, run in the checked-out source. <c>pack --destructive-mode</c> builds on the
    /// host itself: a server has neither LXD nor Multipass for snapcraft's default build VMs.
    /// </summary>
    public IReadOnlyList<string> SnapcraftArguments { get; init; } = ["pack", "--destructive-mode"];

    /// <summary>snapcraft: the longest a build may take.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromHours(1);
}
