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
/// and its <see cref="TechnologyModule"/>), its <see cref="Technology"/> member with its names, and one line here;
/// a test checks that every technology has exactly one module and that <c>25_conteneur.xml</c> allows exactly these names.
/// </summary>
public static class TechnologyModules
{
    /// <summary>In the order drivers are asked (listing, availability).</summary>
    public static IReadOnlyList<TechnologyModule> All { get; } =
    [
        new DockerModule(),
        new PodmanModule(),
        new SwarmModule(),
        new LxcModule(),
        new VagrantModule(),
        new QemuModule(),
        new SnapModule(),
        new SnapcraftModule(),
    ];

    /// <summary>The module serving <paramref name="technology"/>.</summary>
    public static TechnologyModule For(Technology technology) =>
        All.FirstOrDefault(m => m.Technologies.Contains(technology))
        ?? throw new InvalidOperationException($"No module serves {technology.Name()}.");
}
