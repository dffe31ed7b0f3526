using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Lxc;
using Portique.Technologies.Podman;
using Portique.Technologies.Qemu;
using Portique.Technologies.Snap;
using Portique.Technologies.Swarm;
using Portique.Technologies.Vagrant;

namespace Portique.Orchestration;

/// <summary>
/// Every technology Portique runs: one line per module. Adding a technology is its folder (a project with its driver
/// and its <see cref="TechnologyModule"/>, which declares its <see cref="Technology"/> with its names) and one line here;
/// a test checks that no technology has two modules and that <c>25_conteneur.xml</c> allows exactly these names.
/// </summary>
public static class TechnologyModules
{
    /// <summary>In the order drivers are asked (listing, availability) and names are shown (the dictionary's order).</summary>
    public static IReadOnlyList<TechnologyModule> All { get; } =
    [
        new DockerModule(),
        new LxcModule(),
        new VagrantModule(),
        new PodmanModule(),
        new SwarmModule(),
        new QemuModule(),
        new SnapModule(),
        new SnapcraftModule(),
    ];

    /// <summary>Every technology of every module, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<Technology> Technologies { get; } = All.SelectMany(m => m.Technologies).ToArray();

    /// <summary>The canonical names an administrator may write, in <see cref="All"/>'s order (aliases left out).</summary>
    public static IReadOnlyList<string> Names { get; } = Technologies.Select(t => t.Name).ToArray();

    /// <summary>The technologies replaced without interruption (<see cref="TechnologyModule.ReplacesWithoutInterruption"/>), comma-separated.</summary>
    public static string StartFirstNames { get; } =
        string.Join(", ", Technologies.Where(t => For(t).ReplacesWithoutInterruption(t)).Select(t => t.Name));

    /// <summary>Each <c>conteneurN_SUFFIX</c> only some technologies read (<see cref="TechnologyModule.OwnVariables"/>), with their names.</summary>
    public static IReadOnlyDictionary<string, string> OwnVariables { get; } = Technologies
        .SelectMany(t => For(t).OwnVariables(t).Select(suffix => (Suffix: suffix, t.Name)))
        .GroupBy(p => p.Suffix, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p.Name)), StringComparer.Ordinal);

    /// <summary>The module serving <paramref name="technology"/>.</summary>
    public static TechnologyModule For(Technology technology) =>
        All.FirstOrDefault(m => m.Technologies.Contains(technology))
        ?? throw new InvalidOperationException($"No module serves {technology.Name}.");
}
