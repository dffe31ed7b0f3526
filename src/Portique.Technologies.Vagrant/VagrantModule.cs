using Portique.Planning;
using Portique.Technologies.Docker;

namespace Portique.Technologies.Vagrant;

/// <summary>vagrant: a machine from an OCI image, through vagrant's docker provider.</summary>
public sealed class VagrantModule : TechnologyModule
{
    public override IReadOnlyList<Technology> Technologies { get; } = [Technology.Vagrant];

    public override IServiceDriver CreateDriver(DriverContext context) => new VagrantDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => DockerModule.ImageRules;
}
