using Portique.Planning;

namespace Portique.Technologies.Podman;

/// <summary>Tunables of <see cref="PodmanDriver"/>. The defaults suit a production EOLE server.</summary>
public sealed record PodmanDriverOptions : LifecycleOptions
{
    /// <summary>The podman program: a name looked up in PATH, or a path.</summary>
    public string Executable { get; init; } = "podman";

    /// <summary>
    /// Where Portique's containers.conf and registries.conf are written; null: <c>ROOT/etc/portique/podman</c>.
    /// The read-only verbs (<c>plan</c>, <c>status</c>, <c>logs</c>) point it outside the root, which they never write.
    /// </summary>
    public string? ConfigurationDirectory { get; init; }

    /// <summary>
    /// Registries (<c>host[:port]</c>) podman may reach over plain HTTP, written into Portique's registries.conf.
    /// Loopback registries (<c>127.0.0.0/8</c>, <c>localhost</c>, <c>::1</c>) named by a service are added on their
    /// own, as dockerd treats them.
    /// </summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = ["127.0.0.1:5000"];

    /// <summary>
    /// After a stop, how long the container must stay stopped with the same restart count to prove the stop held
    /// (podman 4.3 cannot stop a container caught between two restarts of a crash loop).
    /// </summary>
    public TimeSpan StopSettle { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Run the image's HEALTHCHECK from the driver (<c>podman healthcheck run</c>) while waiting and when asked for
    /// health. podman schedules health checks with systemd timers: without systemd they never run on their own.
    /// </summary>
    public bool RunHealthChecks { get; init; } = true;

    /// <summary>
    /// The init podman runs as each container's PID 1 (<c>--init --init-path</c>): it forwards SIGTERM, so a process
    /// that ignores signals as PID 1 stops at once instead of after its stop timeout. The first of these that exists is
    /// used (Debian's <c>catatonit</c>, else <c>tini</c>'s static build); none: containers run without one.
    /// </summary>
    public IReadOnlyList<string> InitCandidates { get; init; } = ["/usr/libexec/podman/catatonit", "/usr/bin/catatonit", "/usr/bin/tini-static"];

    /// <summary>skopeo, which reads a tag's manifest from the registry without pulling (<c>status --updates</c>).</summary>
    public string SkopeoExecutable { get; init; } = "skopeo";

    /// <summary>The longest one podman command may take (a pull excepted).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest a pull may take.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long <c>podman version</c> may take before <see cref="PodmanDriver.CheckAvailabilityAsync"/> gives up.</summary>
    public TimeSpan AvailabilityTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
