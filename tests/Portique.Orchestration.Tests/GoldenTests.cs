using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>
/// The shipped templates rendered for a fixed configuration, compared byte for byte with reviewed files in
/// <c>Golden/shipped/</c>. A mismatch fails; after a deliberate change rewrite them with <c>scripts/update-goldens.sh</c> and review the diff.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> Files =>
    [
        "/etc/eole/conteneur-vars.conf",
        "/etc/eole/conteneur1-vars.conf",
        "/etc/eole/conteneur2-vars.conf",
        "/etc/nginx/portique/frontend.conf",
        "/etc/nginx/portique/services/conteneur1.conf",
        "/etc/nginx/portique/services/conteneur2.conf",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void The_shipped_template_renders_as_reviewed(string destination)
    {
        using var sandbox = new Sandbox();
        sandbox.Store(
        [
            ("nombre_conteneur", ["2"]),
            .. Sandbox.Container(1, "wiki", 18081),
            ("conteneur1_mountpoint_in", ["/data", "/config"]),
            ("conteneur1_mountpoint_out", ["/srv/wiki/data", "/srv/wiki/config"]),
            .. Sandbox.Container(2, "cloud", 18082),
            ("conteneur2_type", ["docker+git"]),
            ("conteneur2_repository", ["file:///srv/git/cloud"]),
            ("conteneur2_port_in", ["8080", "8443"]),
            ("conteneur2_port_out", ["18082", "18443"]),
            ("conteneur2_chemin_conserve", ["oui"]),
            ("frontal_nom_serveur", ["portique.example.org"]),
        ]);
        var workspace = sandbox.Workspace;
        var rendered = workspace.RenderAll(workspace.Evaluate()).Single(f => f.Declaration.Name == destination).Content!
            .Replace(sandbox.Temp.Directory, "ROOT", StringComparison.Ordinal);

        var name = destination.TrimStart('/').Replace('/', '_');
        GoldenFiles.AssertMatches(
            $"tests/Portique.Orchestration.Tests/Golden/shipped/{name}",
            Path.Join(AppContext.BaseDirectory, "Golden", "shipped", name),
            rendered);
    }

    public static TheoryData<string> MultiNodeFiles =>
    [
        "/etc/nginx/portique/amont/conteneur1.conf",
        "/etc/nginx/portique/services/conteneur1.conf",
    ];

    /// <summary>A swarm service when the swarm has three nodes: an upstream of the nodes, tried in turn (docs/multi-host.md).</summary>
    [Theory]
    [MemberData(nameof(MultiNodeFiles))]
    public void A_swarm_service_on_several_nodes_renders_as_reviewed(string destination)
    {
        using var sandbox = new Sandbox();
        sandbox.Store(
        [
            ("nombre_conteneur", ["1"]),
            .. Sandbox.Container(1, "chat", 18081),
            ("conteneur1_type", ["swarm"]),
            ("conteneur1_replicas", ["3"]),
        ]);
        var workspace = sandbox.Workspace;
        var facts = new RenderFacts(["10.249.0.11", "10.249.0.12", "10.249.0.13"]);
        var rendered = workspace.RenderAll(workspace.Evaluate(), facts: facts).Single(f => f.Declaration.Name == destination).Content!;

        var name = destination.TrimStart('/').Replace('/', '_');
        GoldenFiles.AssertMatches(
            $"tests/Portique.Orchestration.Tests/Golden/multi-node/{name}",
            Path.Join(AppContext.BaseDirectory, "Golden", "multi-node", name),
            rendered);
    }

    [Fact]
    public void A_swarm_service_on_one_node_has_no_upstream_and_a_docker_service_no_upstream_file()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(
        [
            ("nombre_conteneur", ["2"]),
            .. Sandbox.Container(1, "chat", 18081),
            ("conteneur1_type", ["swarm"]),
            .. Sandbox.Container(2, "wiki", 18082),
        ]);
        var workspace = sandbox.Workspace;
        var files = workspace.RenderAll(workspace.Evaluate());

        var upstream = files.Single(f => f.Declaration.Name == "/etc/nginx/portique/amont/conteneur1.conf").Content!;
        Assert.DoesNotContain("upstream portique", upstream, StringComparison.Ordinal);
        Assert.Contains("proxy_pass http://127.0.0.1:18081/;", files.Single(f => f.Declaration.Name == "/etc/nginx/portique/services/conteneur1.conf").Content!, StringComparison.Ordinal);
        Assert.Null(files.Single(f => f.Declaration.Name == "/etc/nginx/portique/amont/conteneur2.conf").Content);
    }
}
