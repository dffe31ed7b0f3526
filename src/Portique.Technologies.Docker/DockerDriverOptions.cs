using Portique.Planning;

namespace Portique.Technologies.Docker;

/// <summary>Tunables of <see cref="DockerDriver"/> (the endpoint is a constructor argument). The defaults suit a production EOLE server.</summary>
public sealed record DockerDriverOptions
{
    /// <summary>
    /// The Docker Engine API version to speak. Null (the default) negotiates: the daemon's own version, capped at the
    /// newest this client knows (<see cref="DockerEndpoint.MaximumApiVersion"/>).
    /// </summary>
    public Version? ApiVersion { get; init; }

    /// <summary>How long a stop waits for the service to exit before dockerd kills it (set aside).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest <see cref="ServiceLifecycle.WaitForHealthAsync(IServiceDriver, ObservedService, CancellationToken)"/> waits for a starting instance to settle.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// For an image without a HEALTHCHECK: how long it must stay up (same start, no restart) before
    /// <see cref="ServiceLifecycle.WaitForHealthAsync(IServiceDriver, ObservedService, CancellationToken)"/> calls it running. Catches a command that crashes at once.
    /// </summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often <see cref="ServiceLifecycle.WaitForHealthAsync(IServiceDriver, ObservedService, CancellationToken)"/> looks at the instance.</summary>
    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a ping may take before <see cref="DockerDriver.CheckAvailabilityAsync"/> gives up.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The git program used by docker+git (a name looked up in PATH, or a path).</summary>
    public string GitExecutable { get; init; } = "git";

    /// <summary>Lines of history <c>portique logs --follow</c> shows before following.</summary>
    public int FollowInitialLines { get; init; } = 100;
}
