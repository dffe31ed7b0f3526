using Portique.Planning;

namespace Portique.Technologies.Docker;

/// <summary>Tunables of <see cref="DockerDriver"/> (the endpoint is a constructor argument). The defaults suit a production EOLE server.</summary>
public sealed record DockerDriverOptions : LifecycleOptions
{
    /// <summary>
    /// The Docker Engine API version to speak. Null (the default) negotiates: the daemon's own version, capped at the
    /// newest this client knows (<see cref="DockerEndpoint.MaximumApiVersion"/>).
    /// </summary>
    public Version? ApiVersion { get; init; }

    /// <summary>How long a ping may take before <see cref="DockerDriver.CheckAvailabilityAsync"/> gives up.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a container's create, then its start, may take: neither is abandoned when the caller is interrupted,
    /// so a hung dockerd is a failure at this bound.
    /// </summary>
    public TimeSpan CreateAndStartLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The git program used by docker+git (a name looked up in PATH, or a path).</summary>
    public string GitExecutable { get; init; } = "git";
}
