namespace Portique.Planning;

public enum InstanceState
{
    Running,
    Stopped,
    Missing,
}

/// <summary>
/// A service instance Portique owns, as an engine reports it. <see cref="SpecJson"/> is the
/// <see cref="ServiceSpec.CanonicalJson"/> that created it, read back from the instance's own labels
/// (or the engine's state file when the engine cannot hold labels); null when unreadable, which forces a recreate.
/// </summary>
public sealed record ObservedService
{
    public required string Name { get; init; }

    public required Technology Technology { get; init; }

    public required InstanceState State { get; init; }

    public required string? SpecHash { get; init; }

    public string? SpecJson { get; init; }

    /// <summary>
    /// True for an instance set aside during a replacement (kept stopped for rollback). A run that finds one
    /// was interrupted: the reconciler restores it when the service has no live instance, else removes it.
    /// </summary>
    public bool IsAside { get; init; }

    /// <summary>Published host ports as the engine reports them, for conflict checks and <c>status</c>.</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>
    /// The instance's own name in its engine when it is not the service's (<see cref="ServiceLifecycle.NextName"/>: a new
    /// instance started beside the old one); null otherwise.
    /// </summary>
    public string? InstanceName { get; init; }

    /// <summary>The private address recorded in the instance's spec, or null (off the network, or unreadable).</summary>
    public string? Address => SpecSchema.TryParse(SpecJson, Name, 0)?.Address;

    /// <summary>Engine identifier (container id, VM pid...): lets tests prove an instance was kept.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Identity of what runs (image id, commit, box version...) to tell "same spec, new image".</summary>
    public string? ArtifactId { get; init; }

    /// <summary>Free-form: image reference and version for <c>status</c>.</summary>
    public string? Version { get; init; }

    /// <summary>
    /// Where the instance's tasks run when its engine spreads it over several machines (a swarm service): each task's
    /// node and state, for <c>status</c>. Empty for an instance that is one process on this host.
    /// </summary>
    public IReadOnlyList<TaskPlacement> Tasks { get; init; } = [];
}

/// <summary>One task of a service spread over machines: the node it is on (its host name) and its state (<c>running</c>, <c>pending</c>...).</summary>
public sealed record TaskPlacement(string Node, string State);
