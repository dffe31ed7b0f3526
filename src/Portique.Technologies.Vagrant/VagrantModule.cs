using Portique.Planning;

namespace Portique.Technologies.Vagrant;

/// <summary>vagrant: a machine from an OCI image, through vagrant's docker provider.</summary>
public sealed class VagrantModule : TechnologyModule
{
    public override IReadOnlyList<Technology> Technologies { get; } = [Technology.Vagrant];

    public override IServiceDriver CreateDriver(DriverContext context) => new VagrantDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ValueRule.OciImage;
}
