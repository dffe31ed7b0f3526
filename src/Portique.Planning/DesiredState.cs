using Portique.Core;

namespace Portique.Planning;

/// <summary>A host port published to a port inside the service.</summary>
/// <summary>
/// A host port published to a service port (<c>conteneurN_port_out</c> → <c>conteneurN_port_in</c>). UDP
/// (<c>conteneurN_port_proto</c>) is published by the frontend only, on the private network, where no engine publishes:
/// it is not part of the canonical form, since it never changes what the engine is given.
/// </summary>
public sealed record PortMapping(int HostPort, int ContainerPort, PortProtocol Protocol = PortProtocol.Tcp);

/// <summary>The transport of a published port.</summary>
public enum PortProtocol
{
    Tcp,
    Udp,
}

/// <summary>A host directory shared with the service. The host side survives every recreation.</summary>
public sealed record VolumeMapping(string HostPath, string ContainerPath);

/// <summary>
/// A password variable given to the service as a file (<c>conteneurN_secrets</c>, docs/secrets.md): the file
/// <see cref="ContainerPath"/> inside, <c>KEY_FILE</c> in its environment. Only <see cref="Digest"/> (a salted, slow hash
/// of the value) reaches the spec; the value itself stays in config.eol and in the root-only file
/// <see cref="HostPath"/>.
/// </summary>
/// <param name="Key">The environment-style name (<c>DB_PASSWORD</c>).</param>
/// <param name="Variable">The <c>password</c> variable holding the value (empty in a spec read back from an instance).</param>
/// <param name="Digest">Decides whether the instance must be replaced when the password changes.</param>
public sealed record SecretMapping(string Key, string Variable, string Digest)
{
    /// <summary>Where the service reads it: <c>/run/secrets/KEY</c>.</summary>
    public string ContainerPath => "/run/secrets/" + Key;

    /// <summary>The variable official images read the file's path from: <c>KEY_FILE=/run/secrets/KEY</c>.</summary>
    public string EnvironmentEntry => Key + "_FILE=" + ContainerPath;

    /// <summary>The root-only file holding the value: <c>ROOT/var/lib/portique/secrets/SERVICE/KEY</c> (0400 in a 0700 folder).</summary>
    public string HostPath(PortiqueRoot root, string service)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Path.Join(Directory(root, service), Key);
    }

    /// <summary>The service's folder of secrets.</summary>
    public static string Directory(PortiqueRoot root, string service)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Path.Join(root.StateDirectory, "secrets", service);
    }
}

/// <summary>
/// What one service must look like: everything <c>conteneurN_*</c> says, normalised. The spec is
/// keyed by <see cref="Name"/>; <see cref="Index"/> (the N) is where it came from, not part of its identity.
/// </summary>
public sealed record ServiceSpec
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required Technology Technology { get; init; }

    /// <summary><c>conteneurN_url</c>: an image name, a box, a snap, a disk image... per technology.</summary>
    public required string Url { get; init; }

    /// <summary><c>conteneurN_tag</c>, defaulted per technology (e.g. <c>latest</c>).</summary>
    public required string Tag { get; init; }

    /// <summary><c>conteneurN_repository</c>: a registry, a git URL, a download base URL... or empty.</summary>
    public required string Repository { get; init; }

    public required IReadOnlyList<PortMapping> Ports { get; init; }

    public required IReadOnlyList<VolumeMapping> Volumes { get; init; }

    /// <summary><c>KEY=VALUE</c> entries in the order written.</summary>
    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary><c>conteneurN_chemin_conserve</c>: pass <c>/name/...</c> unchanged instead of stripping the prefix.</summary>
    public required bool KeepPrefix { get; init; }

    /// <summary>Host address published ports bind to (<c>conteneur_ip_publication</c>).</summary>
    public required string PublishAddress { get; init; }

    /// <summary>
    /// The service's private address on the root's network (<c>conteneurN_ip</c>, docs/network.md), or null when the
    /// network is off (<c>activer_reseau_conteneurs=non</c>): then the spec and its hash are what they always were.
    /// </summary>
    public string? Address { get; init; }

    /// <summary>
    /// The second address of a service replaced without interruption (<see cref="ReplacementOrder.StartFirst"/>): the new
    /// instance starts there beside the old one, and the two addresses alternate from one replacement to the next
    /// (docs/replacement.md). Null when the service is replaced by stopping first. Not part of the canonical form: an
    /// instance at either address matches (<see cref="AtAlternateAddress"/>).
    /// </summary>
    public string? AlternateAddress { get; init; }

    /// <summary>
    /// Seconds the old instance keeps running after the switch of a replacement without interruption
    /// (<c>conteneurN_delai_vidange</c>), so that connections open to it finish; null: <see cref="ReconcilerOptions.DrainPeriod"/>.
    /// Not part of the canonical form: changing it replaces nothing, it applies to the next replacement.
    /// </summary>
    public int? DrainSeconds { get; init; }

    /// <summary>
    /// Seconds a new instance has to be ready, its engine settled and its port answering (<c>conteneurN_delai_demarrage</c>),
    /// before it counts as failed; null: the engine's default (<see cref="ReconcilerOptions.HealthTimeout"/>, a VM's boot
    /// timeout). Not part of the canonical form: changing it replaces nothing, it applies to the next start.
    /// </summary>
    public int? StartSeconds { get; init; }

    /// <summary>How the instance is replaced (<c>conteneurN_remplacement</c>, once defaults and the network are applied).</summary>
    public ReplacementOrder Replacement => AlternateAddress is not null && Address is not null ? ReplacementOrder.StartFirst : ReplacementOrder.StopFirst;

    /// <summary>The same service at its other address (<see cref="AlternateAddress"/>); itself when it has none.</summary>
    public ServiceSpec AtAlternateAddress() =>
        AlternateAddress is { } alternate ? this with { Address = alternate, AlternateAddress = Address } : this;

    /// <summary>The root's private network in CIDR form (<c>reseau_conteneurs</c>) when <see cref="Address"/> is set, else null.</summary>
    public string? Network { get; init; }

    /// <summary>Ports reachable only on the private network: <c>port_in</c> rows without <c>port_out</c> (network on).</summary>
    public IReadOnlyList<int> InternalPorts { get; init; } = [];

    /// <summary>What only this spec's technology has (swarm's replicas...), or null: see <see cref="TechnologySettings"/>.</summary>
    public TechnologySettings? Settings { get; init; }

    /// <summary>
    /// Seconds a stop leaves the service before it is killed (<c>conteneurN_delai_arret</c>); null: the engine's
    /// default (<see cref="LifecycleOptions.StopTimeout"/>, 10 s), and then absent from the canonical form.
    /// </summary>
    public int? StopTimeoutSeconds { get; init; }

    /// <summary>Memory limit in bytes (<c>conteneurN_memoire</c>), or null: no limit, and then absent from the canonical form.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Processors the service may use (<c>conteneurN_cpu</c>, normalised: <c>1.5</c>), or null: no limit, absent from the canonical form.</summary>
    public decimal? Cpus { get; init; }

    /// <summary><see cref="Cpus"/> in billionths of a processor (docker's <c>NanoCPUs</c>), or null.</summary>
    public long? NanoCpus => Cpus is decimal cpus ? ResourceLimits.NanoCpus(cpus) : null;
    /// <summary>Password variables given as files (<c>conteneurN_secrets</c>); empty: absent from the canonical form.</summary>
    public IReadOnlyList<SecretMapping> Secrets { get; init; } = [];

    /// <summary><see cref="Environment"/> and each secret's <c>KEY_FILE</c> entry: what the engine is given.</summary>
    public IReadOnlyList<string> EnvironmentWithSecrets =>
        Secrets.Count == 0 ? Environment : [.. Environment, .. Secrets.Select(s => s.EnvironmentEntry)];

    /// <summary>The published TCP ports (<see cref="Ports"/> without the UDP ones).</summary>
    public IEnumerable<PortMapping> TcpPorts => Ports.Where(p => p.Protocol == PortProtocol.Tcp);

    /// <summary>The port nginx routes <c>/name/</c> to, on 127.0.0.1: the first published TCP host port.</summary>
    public int? RoutedPort => TcpPorts.FirstOrDefault()?.HostPort;

    /// <summary>
    /// On the private network, the frontend (nginx <c>stream</c>) publishes <see cref="Ports"/> on the host and the engine
    /// publishes nothing, the same for every technology (docs/network.md); off it, each engine publishes its own.
    /// </summary>
    public bool PortsPublishedByFrontend => Address is not null;

    /// <summary>
    /// Where the lifecycle checks that a started instance answers, once its engine says it runs: the first published
    /// port's service side at <see cref="Address"/> on the private network (the frontend binds the host port only
    /// after the instance is up), else the first published host port. Null: no port to check.
    /// </summary>
    public (string Host, int Port)? HealthEndpoint =>
        TcpPorts.FirstOrDefault() is not { } first ? null
        : PortsPublishedByFrontend ? (Address!, first.ContainerPort)
        : (PublishAddress, first.HostPort);

    /// <summary>
    /// The fields that, when they change, need a new instance (<see cref="SpecSchema"/>). The frontend-only field
    /// (<see cref="KeepPrefix"/>) and the index are left out so renumbering or a routing change never recreates a container.
    /// </summary>
    public string CanonicalJson() => SpecSchema.CanonicalJson(this);

    /// <summary>sha256 of <see cref="CanonicalJson"/>: stored on the instance, compared on every run.</summary>
    public string SpecHash() => SpecSchema.Hash(this);
}

/// <summary>How an instance is replaced when its spec changes (<c>conteneurN_remplacement</c>, docs/replacement.md).</summary>
public enum ReplacementOrder
{
    /// <summary><c>arret_prealable</c>: the old instance stops and is set aside, then the new one starts (restored on failure).</summary>
    StopFirst,

    /// <summary>
    /// <c>sans_coupure</c>: the new instance starts beside the old one at the other address, is checked, the name and the
    /// frontend switch to it, the old one drains and goes. A new instance that fails is removed; the old one never stopped.
    /// </summary>
    StartFirst,

    /// <summary>
    /// Never asked for: what <c>plan</c> shows when the engine replaces the service's tasks one at a time itself, rolling
    /// back on failure (<see cref="IServiceDriver.UpdatesInPlace"/>: a swarm of several nodes).
    /// </summary>
    Rolling,
}

/// <summary>Everything the configuration asks for, validated.</summary>
public sealed record DesiredState(IReadOnlyList<ServiceSpec> Services)
{
    /// <summary>
    /// Where the root's names point now, by service (the DNS records of the private network): of two live instances of
    /// a service (a replacement without interruption that was interrupted), the one the name points to is the one serving.
    /// </summary>
    public IReadOnlyDictionary<string, string> Routed { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The root's private network in CIDR form when it is on (<c>activer_reseau_conteneurs</c>), else null: a root whose
    /// services all stay off the bridge (swarm, snap) still needs the bridge's gateway, rules and DNS.
    /// </summary>
    public string? Network { get; init; }

    /// <summary>The block of the root's swarm tasks (<c>reseau_conteneurs_swarm</c>) when the network is on and a swarm service uses it, else null.</summary>
    public string? SwarmNetwork { get; init; }
}
