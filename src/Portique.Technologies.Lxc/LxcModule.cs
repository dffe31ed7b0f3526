using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>lxc: a system container from an OCI image.</summary>
public sealed class LxcModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = lxc.</summary>
    public static Technology Lxc { get; } = new("lxc");

    public override IReadOnlyList<Technology> Technologies { get; } = [Lxc];

    public override IServiceDriver CreateDriver(DriverContext context) => new LxcDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ValueRule.OciImage;

    /// <summary>lxc containers join the root's private network: a veth on Portique's bridge, the spec's address, the gateway's DNS.</summary>
    public override bool JoinsPrivateNetwork(Technology technology) => true;

    public override bool ReplacesWithoutInterruption(Technology technology) => true;
}
