using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Swarm;

/// <summary>swarm: an OCI image run as a replicated docker swarm service.</summary>
public sealed class SwarmModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = swarm.</summary>
    public static Technology Swarm { get; } = new("swarm");

    /// <summary>The root-level variable of the block swarm's tasks take their addresses from (network on).</summary>
    public const string SwarmNetworkVariable = "reseau_conteneurs_swarm";

    public override IReadOnlyList<Technology> Technologies { get; } = [Swarm];

    public override IServiceDriver CreateDriver(DriverContext context) => new SwarmDriver(context.Root);

    /// <summary>Read-only binds of the root-only files at <c>/run/secrets/KEY</c> (docs/secrets.md).</summary>
    public override bool AllowsSecrets(Technology technology) => true;

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ValueRule.OciImage;

    /// <summary>
    /// With the private network on, a swarm service is reached the way a snap is: its tasks publish <c>port_out</c> on
    /// their node (host mode), nginx routes <c>/name/</c> there and its name answers the gateway, because its tasks'
    /// addresses change with every task. The tasks themselves sit on the root's second bridge
    /// (<see cref="SwarmSettings.Network"/>), where they reach the other services by name (docs/network.md).
    /// </summary>
    public override bool RunsOnHostNetwork(Technology technology) => true;

    /// <summary><c>conteneurN_contraintes</c>: placement over the swarm's nodes.</summary>
    public override IReadOnlyList<string> OwnVariables(Technology technology) => ["contraintes"];

    /// <summary><c>conteneurN_replicas</c> and <c>conteneurN_contraintes</c> (checked by the dictionary's <c>valid_regexp</c>).</summary>
    public override TechnologySettings? ReadSettings(Technology technology, ISettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var constraints = source.Texts("contraintes").Select(c => c.Replace(" ", "", StringComparison.Ordinal)).ToArray();
        var block = source.Network is null ? null : PrivateNetwork.TryParse(source.Root(SwarmNetworkVariable), out _);
        return new SwarmSettings
        {
            Replicas = source.Replicas(),
            Constraints = constraints.Length == 0 ? null : constraints,
            Network = block?.Cidr,
            Dns = block is null ? null : source.Network!.Gateway,
        };
    }
}
