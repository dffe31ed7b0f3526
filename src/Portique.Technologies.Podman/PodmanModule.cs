using System.Security.Cryptography;
using System.Text;
using Portique.Planning;

namespace Portique.Technologies.Podman;

/// <summary>podman: an OCI image run rootless or rootful by podman.</summary>
public sealed class PodmanModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = podman.</summary>
    public static Technology Podman { get; } = new("podman");

    public override IReadOnlyList<Technology> Technologies { get; } = [Podman];

    /// <summary>When only looking, podman's configuration files go to a private folder outside the root.</summary>
    public override IServiceDriver CreateDriver(DriverContext context) =>
        new PodmanDriver(context.Root, context.ReadOnly ? new PodmanDriverOptions { ConfigurationDirectory = ReadOnlyDirectory(context.Root) } : null);

    /// <summary>A CNI network of Portique's own on the root's bridge, <c>--ip</c> and <c>--dns</c> (docs/network.md).</summary>
    public override bool JoinsPrivateNetwork(Technology technology) => true;

    public override bool ReplacesWithoutInterruption(Technology technology) => true;

    /// <summary>Read-only binds of the root-only files at <c>/run/secrets/KEY</c> (docs/secrets.md).</summary>
    public override bool AllowsSecrets(Technology technology) => true;

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => ValueRule.OciImage;

    /// <summary>A folder of the temporary directory, private to this user and root, for podman's files when only looking.</summary>
    private static string ReadOnlyDirectory(Core.PortiqueRoot root)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root.Directory)))[..16];
        return Path.Join(Path.GetTempPath(), $"portique-podman-{Environment.UserName}-{key}");
    }
}
