using Portique.Planning;

namespace Portique.Technologies.Docker;

/// <summary>docker (an image from a registry) and docker+git (an image built from a git ref), both run by dockerd.</summary>
public sealed class DockerModule : TechnologyModule
{
    /// <summary><c>conteneurN_type</c> = docker.</summary>
    public static Technology Docker { get; } = new("docker");

    /// <summary><c>conteneurN_type</c> = docker+git.</summary>
    public static Technology DockerGit { get; } = new("docker+git", "docker-git");

    public override IReadOnlyList<Technology> Technologies { get; } = [Docker, DockerGit];

    public override IServiceDriver CreateDriver(DriverContext context) => new DockerDriver(context.Root);

    /// <summary>docker and docker+git containers join the root's private network (<see cref="DockerDriver.NetworkName"/>).</summary>
    public override bool JoinsPrivateNetwork(Technology technology) => true;

    public override bool ReplacesWithoutInterruption(Technology technology) => true;

    /// <summary>Read-only binds of the root-only files at <c>/run/secrets/KEY</c> (docs/secrets.md).</summary>
    public override bool AllowsSecrets(Technology technology) => true;

    public override IReadOnlyList<ValueRule> Rules(Technology technology) => technology == DockerGit
        ?
        [
            ValueRule.Required(RuleField.Url, ValueKind.ImageName),
            ValueRule.Required(RuleField.Tag, ValueKind.GitRef),
            ValueRule.Required(RuleField.Repository, ValueKind.GitUrl),
        ]
        : ValueRule.OciImage;
}
