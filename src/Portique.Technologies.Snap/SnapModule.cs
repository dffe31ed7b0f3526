using Portique.Planning;

namespace Portique.Technologies.Snap;

/// <summary>snap: a snap from the store, on a channel. Strictly confined: no host directory can be bound.</summary>
public sealed class SnapModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = snap.</summary>
    public static Technology Snap { get; } = new("snap");

    private static readonly IReadOnlyList<ValueRule> StoreRules =
    [
        ValueRule.Required(RuleField.Url, ValueKind.SnapName),

        // snapd installs from its own store: a repository would be ignored, and it lands in generated files.
        ValueRule.NotUsed(RuleField.Repository),
        ValueRule.Defaulted(RuleField.Tag, ValueKind.SnapChannel, "latest/stable"),
    ];

    public override IReadOnlyList<Technology> Technologies { get; } = [Snap];

    public override IServiceDriver CreateDriver(DriverContext context) => new SnapDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => StoreRules;

    public override bool AllowsVolumes(Technology technology) => false;

    public override bool AppliesLimits(Technology technology) => false;

    /// <summary>snapd runs snaps in the host's network namespace: reached at the gateway and <c>port_out</c> (docs/network.md).</summary>
    public override bool RunsOnHostNetwork(Technology technology) => true;
}
