using Portique.Planning;

namespace Portique.Technologies.Snap;

/// <summary>snapcraft: a snap built from a git ref, then installed like a store snap.</summary>
public sealed class SnapcraftModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = snapcraft.</summary>
    public static Technology Snapcraft { get; } = new("snapcraft");

    private static readonly IReadOnlyList<ValueRule> BuildRules =
    [
        ValueRule.Required(RuleField.Url, ValueKind.SnapName),
        ValueRule.Required(RuleField.Repository, ValueKind.GitUrl),
        ValueRule.Required(RuleField.Tag, ValueKind.GitRef),
    ];

    public override IReadOnlyList<Technology> Technologies { get; } = [Snapcraft];

    public override IServiceDriver CreateDriver(DriverContext context) => new SnapcraftDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => BuildRules;

    public override bool AllowsVolumes(Technology technology) => false;

    public override bool AppliesLimits(Technology technology) => false;

    /// <summary>snapd runs snaps in the host's network namespace: reached at the gateway and <c>port_out</c> (docs/network.md).</summary>
    public override bool RunsOnHostNetwork(Technology technology) => true;
}
