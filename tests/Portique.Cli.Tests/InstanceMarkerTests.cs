using System.Globalization;
using System.Text.Json.Nodes;
using Portique.Frontend.Nginx;
using Portique.Orchestration;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>
/// <c>portique instance</c> leaves EOLE's marker <c>/etc/eole/.instance</c> as EOLE's <c>instance</c> does (an empty file), so
/// <c>is_instanciate</c> and <c>auto_frozen_if_in</c> see an instantiated server. No container: only the frontend (a real nginx
/// master under the test root, on free ports) runs.
/// </summary>
[Collection("cli")]
public sealed class InstanceMarkerTests : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new("portique-instance-");

    private string Marker => _root.Root.Resolve("/etc/eole/.instance");

    public Task InitializeAsync() => RequiredServices.NginxAsync();

    public Task DisposeAsync() => new NginxFrontend(_root.Root).StopAsync(CancellationToken.None);

    public void Dispose() => _root.Dispose();

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliTests.RunInProcessAsync(_root, args);

    private Task<(int Code, string Output, string Error)> ConfigureAsync(params string[] assignments) =>
        RunAsync([
            "set", "nombre_conteneur=0",
            "frontal_port_http=" + TestPorts.FreePort().ToString(CultureInfo.InvariantCulture),
            "frontal_port_https=" + TestPorts.FreePort().ToString(CultureInfo.InvariantCulture),
            .. assignments,
        ]);

    /// <summary>
    /// EOLE's layout: an EOLE dictionary using EOLE's <c>is_instanciate</c>, Portique's own dictionaries in Portique's folder; with
    /// EOLE's Creole installed (<c>/usr/bin/CreoleGet</c>) when <paramref name="creole"/>.
    /// </summary>
    private async Task LayOutEoleAsync(bool creole)
    {
        foreach (var folder in new[] { "dicos", "distrib" })
        {
            var target = _root.Root.Resolve("/usr/share/portique/" + folder);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(Path.Join(Workspace.DefaultShippedDirectory, folder)))
            {
                File.Copy(file, Path.Join(target, Path.GetFileName(file)));
            }
        }

        Directory.CreateDirectory(_root.Root.DictionariesDirectory);
        await File.WriteAllTextAsync(
            Path.Join(_root.Root.DictionariesDirectory, "90_instance.xml"),
            "<creole><variables><family name='general'><variable name='serveur_instancie' hidden='True'/></family></variables>"
            + "<constraints><auto name='is_instanciate' target='serveur_instancie'/></constraints></creole>");
        if (creole)
        {
            Directory.CreateDirectory(_root.Root.Resolve("/usr/bin"));
            await File.WriteAllTextAsync(_root.Root.Resolve(Workspace.EoleCreoleMarker), "");
        }
    }

    [Fact]
    public async Task Instance_leaves_eoles_empty_instance_marker_which_is_instanciate_then_reads()
    {
        await LayOutEoleAsync(creole: false);
        Assert.Equal(0, (await ConfigureAsync()).Code);
        Assert.False(File.Exists(Marker));
        Assert.Equal("non", (await RunAsync("get", "serveur_instancie")).Output.Trim());

        var (code, output, error) = await RunAsync("instance");

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.True(File.Exists(Marker));
        Assert.Equal(0, new FileInfo(Marker).Length);
        Assert.Equal("oui", (await RunAsync("get", "serveur_instancie")).Output.Trim());
    }

    [Fact]
    public async Task Where_eoles_creole_is_installed_the_marker_is_left_to_eoles_own_instance()
    {
        await LayOutEoleAsync(creole: true);
        Assert.Equal(0, (await ConfigureAsync()).Code);

        var (code, output, error) = await RunAsync("instance");

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.False(File.Exists(Marker));
        Assert.Equal("non", (await RunAsync("get", "serveur_instancie")).Output.Trim());
    }

    [Fact]
    public async Task Reconfigure_never_marks_the_server_instantiated()
    {
        Assert.Equal(0, (await ConfigureAsync()).Code);

        var (code, output, error) = await RunAsync("reconfigure");

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public async Task An_instance_refused_for_an_invalid_configuration_leaves_no_marker()
    {
        Assert.Equal(0, (await ConfigureAsync()).Code);
        // Written behind Portique's back: set would have refused it.
        var eol = JsonNode.Parse(await File.ReadAllTextAsync(_root.Root.ConfigEol))!.AsObject();
        eol["frontal_port_http"]!["val"] = "pas un port";
        await File.WriteAllTextAsync(_root.Root.ConfigEol, eol.ToJsonString());

        var (code, _, _) = await RunAsync("instance");

        Assert.Equal(2, code);
        Assert.False(File.Exists(Marker));
    }
}
