using Portique.Planning;

namespace Portique.Technologies.Vagrant;

/// <summary>vagrant: a machine from an OCI image, through vagrant's docker provider.</summary>
public sealed class VagrantModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = vagrant.</summary>
    public static Technology Vagrant { get; } = new("vagrant");

    public override IReadOnlyList<Technology> Technologies { get; } = [Vagrant];

    public override IServiceDriver CreateDriver(DriverContext context) => new VagrantDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ValueRule.OciImage;

    /// <summary>The docker provider's containers join the root's private network as docker's do; box providers refuse it at creation.</summary>
    public override bool JoinsPrivateNetwork(Technology technology) => true;

    /// <summary>The docker provider's machine starts beside the running one in a folder of its own (<c>NAME.portique-next</c>).</summary>
    public override bool ReplacesWithoutInterruption(Technology technology) => true;
}
