using Portique.Configuration;
using Portique.Core;
using Portique.Frontend.Nginx;

namespace Portique.Orchestration.Tests;

/// <summary>No value reaches the nginx files as syntax: typed variables first, the template's structure second.</summary>
public sealed class NginxInjectionTests
{
    private const string Injection = "_;\n location /pwn { alias /etc/; autoindex on; }\n#";

    private static KeyValuePair<string, IReadOnlyList<string>> Assign(string name, params string[] values) => new(name, values);

    [Theory]
    [InlineData("frontal_nom_serveur", Injection)]
    [InlineData("frontal_nom_serveur", "portique.example.org;")]
    [InlineData("frontal_certificat", "/etc/ssl/a.crt; location /pwn { alias /etc/; }")]
    [InlineData("frontal_certificat", "/etc/ssl/a b.crt")]
    [InlineData("frontal_cle", "/etc/ssl/$host.key")]
    [InlineData("frontal_cle", "/etc/ssl/{x}.key")]
    public void A_frontend_value_carrying_nginx_syntax_is_refused_naming_its_variable(string variable, string value)
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        var before = File.ReadAllBytes(sandbox.Temp.Root.ConfigEol);

        var error = Assert.Throws<ConfigurationInvalidException>(() => sandbox.Workspace.Set([Assign(variable, value)], Owners.Portique));

        Assert.Contains(error.Diagnostics, d => d.Subject == variable);
        Assert.Equal(before, File.ReadAllBytes(sandbox.Temp.Root.ConfigEol));
    }

    [Fact]
    public async Task Safe_values_render_files_with_the_templates_own_structure()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "wiki", 18081), ("frontal_nom_serveur", ["portique.example.org *.example.org"]), ("frontal_certificat", ["/etc/ssl/a.crt"]), ("frontal_cle", ["/etc/ssl/a.key"])]);
        var workspace = sandbox.Workspace;
        var configuration = workspace.Evaluate();

        var files = workspace.FrontendFiles(workspace.RenderAll(configuration), configuration);
        var change = await new NginxFrontend(sandbox.Temp.Root).PlanAsync(files, CancellationToken.None);

        Assert.Contains("portique/frontend.conf", change.Added);
        Assert.Contains("server_name portique.example.org *.example.org;", files["portique/frontend.conf"]);
    }

    [Fact]
    public async Task A_future_untyped_variable_reaching_nginx_is_stopped_by_the_frontend_before_staging()
    {
        using var sandbox = new Sandbox();
        var root = sandbox.Temp.Root;
        // A root whose own dictionary declares the server name as a plain string: only the second line of defence is left.
        Directory.CreateDirectory(root.DictionariesDirectory);
        Directory.CreateDirectory(root.TemplatesDirectory);
        var shipped = Path.Join(AppContext.BaseDirectory, "share");
        foreach (var file in Directory.GetFiles(Path.Join(shipped, "dicos")))
        {
            File.WriteAllText(Path.Join(root.DictionariesDirectory, Path.GetFileName(file)), File.ReadAllText(file).Replace("type='server_names'", "type='string'", StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(Path.Join(shipped, "distrib")))
        {
            File.Copy(file, Path.Join(root.TemplatesDirectory, Path.GetFileName(file)));
        }

        sandbox.Store([.. Sandbox.Container(1, "wiki", 18081), ("frontal_nom_serveur", [Injection])]);
        var workspace = sandbox.Workspace;
        var configuration = workspace.Evaluate();
        Assert.Empty(workspace.Validate(configuration).Problems);
        var frontend = new NginxFrontend(root);

        var error = await Assert.ThrowsAsync<ConfigurationInvalidException>(
            () => frontend.ApplyAsync(workspace.FrontendFiles(workspace.RenderAll(configuration), configuration), CancellationToken.None));

        var problem = Assert.Single(error.Diagnostics);
        Assert.StartsWith("portique/frontend.conf:", problem.Subject, StringComparison.Ordinal);
        Assert.False(Directory.Exists(frontend.StagingDirectory) && Directory.EnumerateFileSystemEntries(frontend.StagingDirectory).Any());
        Assert.False(File.Exists(Path.Join(frontend.ConfigDirectory, "portique/frontend.conf")));
    }
}
