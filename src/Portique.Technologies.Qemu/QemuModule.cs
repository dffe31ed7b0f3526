using Portique.Planning;

namespace Portique.Technologies.Qemu;

/// <summary>qemu: a virtual machine from a disk image downloaded from an http(s) base URL.</summary>
public sealed class QemuModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = qemu.</summary>
    public static Technology Qemu { get; } = new("qemu");

    private static readonly IReadOnlyList<ValueRule> DiskImageRules =
    [
        ValueRule.Required(RuleField.Url, ValueKind.DiskImage),
        ValueRule.Required(RuleField.Repository, ValueKind.HttpUrl),
        ValueRule.Defaulted(RuleField.Tag, ValueKind.ImageTag, "latest"),
    ];

    public override IReadOnlyList<Technology> Technologies { get; } = [Qemu];

    public override IServiceDriver CreateDriver(DriverContext context) => new QemuDriver(context.Root);

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => DiskImageRules;

    /// <summary>A tap on the root's bridge instead of user-mode networking; the guest takes its address by DHCP.</summary>
    public override bool JoinsPrivateNetwork(Technology technology) => true;

    public override bool TakesAddressByDhcp(Technology technology) => true;

    /// <summary>A second VM starts beside the running one as <c>NAME.portique-next</c>, its MAC reserved the second address.</summary>
    public override bool ReplacesWithoutInterruption(Technology technology) => true;
}
