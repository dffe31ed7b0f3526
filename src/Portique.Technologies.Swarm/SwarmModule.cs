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

    /// <summary><c>conteneurN_contraintes</c>: placement over the swarm's nodes.</summary>
    public override IReadOnlyList<string> OwnVariables(Technology technology) => ["contraintes"];

    /// <summary><c>conteneurN_replicas</c> and <c>conteneurN_contraintes</c> (checked by the dictionary's <c>valid_regexp</c>).</summary>
    public override TechnologySettings? ReadSettings(Technology technology, ISettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var constraints = source.Texts("contraintes").Select(c => c.Replace(" ", "", StringComparison.Ordinal)).ToArray();
        return new SwarmSettings { Replicas = source.Replicas(), Constraints = constraints.Length == 0 ? null : constraints };
    }
}
