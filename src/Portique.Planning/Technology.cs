using System.Reflection;

namespace Portique.Planning;

/// <summary>
/// The technologies a service may run with: the values of <c>conteneurN_type</c>, each with its names (the first is
/// the one written in labels and messages; the others are accepted aliases). Declared in the dictionary's order.
/// Each is served by exactly one <see cref="TechnologyModule"/> (a test checks it, and checks <c>25_conteneur.xml</c>).
/// </summary>
public enum Technology
{
    [Names("docker")]
    Docker,

    /// <summary><c>docker-git</c> is the workshop's spelling.</summary>
    [Names("docker+git", "docker-git")]
    DockerGit,

    [Names("lxc")]
    Lxc,

    [Names("vagrant")]
    Vagrant,

    [Names("podman")]
    Podman,

    [Names("swarm")]
    Swarm,

    [Names("qemu")]
    Qemu,

    [Names("snap")]
    Snap,

    [Names("snapcraft")]
    Snapcraft,
}

/// <summary>The names of one <see cref="Technology"/>: the canonical one first, then accepted aliases.</summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class NamesAttribute(string name, params string[] aliases) : Attribute
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Aliases { get; } = aliases;
}

public static class TechnologyNames
{
    private static readonly (Technology Technology, NamesAttribute Names)[] Table = typeof(Technology)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .OrderBy(f => (int)f.GetValue(null)!)
        .Select(f => ((Technology)f.GetValue(null)!, f.GetCustomAttribute<NamesAttribute>()
            ?? throw new InvalidOperationException($"Technology.{f.Name} has no [Names].")))
        .ToArray();

    /// <summary>The names an administrator may write, in the dictionary's order (aliases left out).</summary>
    public static IReadOnlyList<string> All { get; } = Table.Select(n => n.Names.Name).ToArray();

    /// <summary>The canonical name of <paramref name="technology"/>, then its aliases.</summary>
    public static IReadOnlyList<string> NamesOf(Technology technology) =>
        Table.Where(n => n.Technology == technology).SelectMany(n => n.Names.Aliases.Prepend(n.Names.Name)).ToArray();

    /// <summary>Parses a <c>conteneurN_type</c> value, canonical name or alias, ignoring case and blanks around.</summary>
    public static bool TryParse(string? value, out Technology technology)
    {
        var normalised = value?.Trim().ToLowerInvariant();
        foreach (var (t, names) in Table)
        {
            if (names.Name == normalised || names.Aliases.Contains(normalised))
            {
                technology = t;
                return true;
            }
        }

        technology = default;
        return false;
    }

    public static string Name(this Technology technology) => Table.First(n => n.Technology == technology).Names.Name;
}
