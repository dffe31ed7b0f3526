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

}
