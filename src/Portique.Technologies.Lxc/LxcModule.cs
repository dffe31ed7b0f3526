using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>lxc: a system container from an OCI image.</summary>
public sealed class LxcModule : TechnologyModule
{
    public override IReadOnlyList<Technology> Technologies { get; } = [Technology.Lxc];

    public override IServiceDriver CreateDriver(DriverContext context) => new LxcDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ImageRules;

    /// <summary>Same rules as docker's images (this project does not reference the docker one).</summary>
    private static readonly IReadOnlyList<ValueRule> ImageRules =
    [
        ValueRule.Required(RuleField.Url, ValueKind.ImageName),
        ValueRule.Defaulted(RuleField.Tag, ValueKind.ImageTag, "latest"),
        ValueRule.Optional(RuleField.Repository, ValueKind.Registry),
    ];
}
