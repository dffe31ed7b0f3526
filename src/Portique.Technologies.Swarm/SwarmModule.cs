using Portique.Planning;

namespace Portique.Technologies.Swarm;

/// <summary>swarm: an OCI image run as a replicated docker swarm service.</summary>
public sealed class SwarmModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = swarm.</summary>
    public static Technology Swarm { get; } = new("swarm");

    public override IReadOnlyList<Technology> Technologies { get; } = [Swarm];

    public override IServiceDriver CreateDriver(DriverContext context) => new SwarmDriver(context.Root);

    /// <summary>Read-only binds of the root-only files at <c>/run/secrets/KEY</c> (docs/secrets.md).</summary>
    public override bool AllowsSecrets(Technology technology) => true;

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ValueRule.OciImage;

    /// <summary><c>conteneurN_replicas</c>.</summary>
    public override TechnologySettings? ReadSettings(Technology technology, ISettingsSource source) =>
        new SwarmSettings { Replicas = source.Replicas() };
}
