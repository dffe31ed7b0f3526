using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Portique.Planning;

namespace Portique.Technologies.Swarm;

/// <summary>What only swarm has: <c>conteneurN_replicas</c>, the number of tasks the service runs, and its placement constraints.</summary>
internal sealed record SwarmSettings : TechnologySettings
{
    public static SwarmSettings Default { get; } = new();

    /// <summary>
    /// <c>conteneurN_replicas</c> (1 to 100). Written even at 1: released versions wrote <c>replicas</c> into every
    /// canonical form (see <see cref="SpecSchema"/>).
    /// </summary>
    [JsonPropertyName("replicas")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int Replicas { get; init; } = 1;

    /// <summary>
    /// <c>conteneurN_contraintes</c>: swarm placement constraints (<c>node.hostname==noeud2</c>, <c>node.labels.zone!=a</c>),
    /// spaces removed; null when none, so a service without constraints keeps the hash it had before they existed.
    /// </summary>
    [JsonPropertyName("constraints")]
    public IReadOnlyList<string>? Constraints { get; init; }

    /// <summary>
    /// With the root's private network on (<c>activer_reseau_conteneurs</c>), the swarm block its tasks live on
    /// (<c>reseau_conteneurs_swarm</c>, CIDR) on a second bridge of the root, routed to the first (docs/network.md); null
    /// when the network is off, so such a service keeps the hash it had before swarm could join it.
    /// </summary>
    [JsonPropertyName("network")]
    public string? Network { get; init; }

    /// <summary>The root's DNS (the private network's gateway) the tasks ask for the other services' names; null with <see cref="Network"/>.</summary>
    [JsonPropertyName("dns")]
    public string? Dns { get; init; }

    [JsonIgnore]
    public override JsonTypeInfo Contract => SwarmJsonContext.Default.SwarmSettings;

    /// <summary>The swarm settings of <paramref name="spec"/>, defaults when it has none.</summary>
    public static SwarmSettings Of(ServiceSpec spec) => spec?.Settings as SwarmSettings ?? Default;

    /// <summary>The settings a stored canonical form holds.</summary>
    public static SwarmSettings? Read(string canonicalJson) => SpecSchema.ReadSettings(canonicalJson, SwarmJsonContext.Default.SwarmSettings);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(SwarmSettings))]
internal sealed partial class SwarmJsonContext : JsonSerializerContext;
