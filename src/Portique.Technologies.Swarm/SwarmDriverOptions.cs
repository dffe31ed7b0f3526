using Portique.Planning;

namespace Portique.Technologies.Swarm;

/// <summary>Tunables of <see cref="SwarmDriver"/> (the endpoint is a constructor argument). The defaults suit a single EOLE server.</summary>
public sealed record SwarmDriverOptions : LifecycleOptions
{
    /// <summary>Publish mode of every published port: host (the default) or ingress.</summary>
    public const string HostMode = "host";

    /// <summary>The routing mesh: every node answers on the port and forwards to a task (needs IPVS in the kernel).</summary>
    public const string IngressMode = "ingress";

    /// <summary>The Docker Engine API version to speak; null negotiates, as the docker driver does.</summary>
    public Version? ApiVersion { get; init; }

    /// <summary>
    /// <see cref="HostMode"/>: the node running a task binds the port itself (works on a single node, at most one task
    /// per node and port). <see cref="IngressMode"/>: the routing mesh, for several nodes; needs IPVS.
    /// </summary>
    public string PublishMode { get; init; } = HostMode;

    /// <summary>How long removing (or setting aside) a service waits for its task containers to be gone and the ports free.</summary>
    public TimeSpan RemovalTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Delay between a task's exit and its replacement (swarm's restart policy, condition <c>any</c>).</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A rolling update on a swarm of several nodes (<see cref="SwarmDriver.UpdateInPlaceAsync"/>): how long swarm watches
    /// each new task before the next one (a task that fails within it rolls the whole update back).
    /// </summary>
    public TimeSpan UpdateMonitor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a rolling update may take, every task included, before Portique stops waiting and says so.</summary>
    public TimeSpan UpdateTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a ping may take before <see cref="SwarmDriver.CheckAvailabilityAsync"/> gives up.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
