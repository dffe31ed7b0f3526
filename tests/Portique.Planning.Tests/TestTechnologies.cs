
namespace Portique.Planning.Tests;

/// <summary>Technologies for the planner's tests: the planner knows none by itself, modules declare them.</summary>
internal static class TestTechnologies
{
    public static Technology Docker { get; } = new("docker");

    public static Technology DockerGit { get; } = new("docker+git", "docker-git");

    public static Technology Podman { get; } = new("podman");

    public static Technology Swarm { get; } = new("swarm");

    public static Technology Lxc { get; } = new("lxc");

    public static Technology Vagrant { get; } = new("vagrant");

    public static Technology Qemu { get; } = new("qemu");

    public static Technology Snap { get; } = new("snap");

    public static IReadOnlyList<Technology> All { get; } = [Docker, DockerGit, Podman, Swarm, Lxc, Vagrant, Qemu, Snap];
}
