namespace Portique.Planning;

/// <summary>The technologies a service may run with: the values of <c>conteneurN_type</c>.</summary>
public enum Technology
{
    Docker,
    DockerGit,
    Lxc,
    Vagrant,
    Podman,
    Swarm,
    Qemu,
    Snap,
    Snapcraft,
}

public static class TechnologyNames
{
    private static readonly (string Name, Technology Technology)[] Names =
    [
        ("docker", Technology.Docker),
        ("docker+git", Technology.DockerGit),
        ("lxc", Technology.Lxc),
        ("vagrant", Technology.Vagrant),
        ("podman", Technology.Podman),
        ("swarm", Technology.Swarm),
        ("qemu", Technology.Qemu),
        ("snap", Technology.Snap),
        ("snapcraft", Technology.Snapcraft),
    ];

    /// <summary>The names an administrator may write, in the dictionary's order.</summary>
    public static IReadOnlyList<string> All { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>Parses a <c>conteneurN_type</c> value; <c>docker-git</c> (the workshop's spelling) is an alias.</summary>
    public static bool TryParse(string? value, out Technology technology)
    {
        var normalised = value?.Trim().ToLowerInvariant() == "docker-git" ? "docker+git" : value?.Trim().ToLowerInvariant();
        foreach (var (name, t) in Names)
        {
            if (name == normalised)
            {
                technology = t;
                return true;
            }
        }

        technology = default;
        return false;
    }

    public static string Name(this Technology technology) => Names.First(n => n.Technology == technology).Name;
}
