using Portique.Configuration;
using Portique.Templating;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>
/// A root holding a whole EOLE module (EoleModule/: dictionaries, templates and config.eol written from EOLE's
/// documentation examples): it validates, and every template renders byte-identical to EOLE's engine, Debian's
/// python3-cheetah with EOLE's settings and a port of EOLE's helpers (EoleModule/eole_peer.py), with the module's
/// values and with empty values.
/// </summary>
public sealed class EoleCompatibilityTests : IDisposable
{
    private static readonly string Module = Path.Join(AppContext.BaseDirectory, "EoleModule");

    private readonly TempRoot _temp = new("portique-eole-");

    public EoleCompatibilityTests() => EolePeer.Install(_temp, Module);

    private Workspace Workspace => new(_temp.Root, Path.Join(AppContext.BaseDirectory, "share"));

    [Fact]
    public void A_root_holding_a_whole_eole_module_and_its_config_eol_validates()
    {
        var configuration = Workspace.Evaluate();

        var report = Workspace.Validate(configuration);

        Assert.Empty(report.Problems);
        Assert.Equal("variable_d_un_module_retire", Assert.Single(report.Warnings).Subject);
        Assert.Equal(["192.168.232.2", "10.21.3.1"], configuration.Find("dns_forwarders")!.Values.Skip(1));
        Assert.Equal(["10.21.0.0"], configuration.Find("adresse_network_eth0")!.Values);
        Assert.Equal(["authentifie"], configuration.Find("proxy_mode")!.Values);
        Assert.True(configuration.Find("proxy_parent")!.Disabled);
    }

    [Fact]
    public void Every_template_renders_byte_identical_to_eoles_cheetah_with_the_modules_values()
    {
        var configuration = Workspace.Evaluate();
        var rendered = Workspace.RenderAll(configuration);

        var portique = rendered.Where(f => f.Content is not null && f.Declaration.Templating)
            .ToDictionary(f => f.Declaration.Source, f => f.Content!, StringComparer.Ordinal);
        var eole = EolePeer.Render(_temp, configuration, portique.Keys);

        Assert.Equal(8, portique.Count);
        foreach (var (source, text) in portique)
        {
            Assert.Equal(eole[source], text);
        }

        var copied = rendered.Single(f => f.Declaration.Source == "motd.txt");
        Assert.Equal(File.ReadAllText(Path.Join(Module, "distrib", "motd.txt")), copied.Content);
    }

    [Fact]
    public void Every_template_renders_byte_identical_to_eoles_cheetah_with_empty_values()
    {
        var configuration = Workspace.Evaluate(ConfigValues.Empty);
        var scope = new ConfigurationScope(EolePeer.Values(configuration), _temp.Root, _temp.Root.TemplatesDirectory);
        var sources = configuration.Files.Where(f => f.Enabled && f.Templating).Select(f => f.Source).ToArray();

        var eole = EolePeer.Render(_temp, configuration, sources);

        Assert.Equal(7, sources.Length);
        foreach (var source in sources)
        {
            var text = File.ReadAllText(Path.Join(_temp.Root.TemplatesDirectory, source));
            Assert.Equal(eole[source], CreoleTemplate.Parse(text, source).Render(scope));
        }
    }

    [Fact]
    public void Portiques_own_dictionaries_live_in_their_own_folder_and_are_read_with_eoles()
    {
        InstallPortiqueDictionariesWithNoService();

        var workspace = Workspace;
        var configuration = workspace.Evaluate();
        var report = workspace.Validate(configuration);
        var rendered = workspace.RenderAll(configuration).Where(f => f.Content is not null).Select(f => f.Declaration.Name).ToArray();

        Assert.Empty(report.Problems);
        Assert.Contains("/etc/hosts", rendered);
        Assert.Contains("/etc/eole/conteneur-vars.conf", rendered);
        Assert.DoesNotContain(
            Directory.EnumerateFiles(_temp.Root.DictionariesDirectory),
            path => File.ReadAllText(path).Contains("repeat=", StringComparison.Ordinal));
    }

    [Fact]
    public void On_an_eole_server_portique_reads_eoles_dictionaries_but_renders_only_its_own_files()
    {
        InstallPortiqueDictionariesWithNoService();
        var rendersBefore = Rendered(Workspace);
        var marker = _temp.Root.Resolve(Workspace.EoleCreoleMarker);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        File.WriteAllText(marker, "#!/bin/sh\n");

        var workspace = Workspace;
        var rendered = Rendered(workspace);

        Assert.Equal(_temp.Root.DictionariesDirectory, workspace.EoleFolder);
        Assert.Contains("/etc/hosts", rendersBefore);
        Assert.DoesNotContain("/etc/hosts", rendered);
        Assert.Contains("/etc/eole/conteneur-vars.conf", rendered);
        Assert.NotNull(workspace.Evaluate().Find("nom_machine"));

        static string[] Rendered(Workspace workspace)
        {
            var configuration = workspace.Evaluate();
            Assert.Empty(workspace.Validate(configuration).Problems);
            return workspace.RenderAll(configuration).Where(f => f.Content is not null).Select(f => f.Declaration.Name).ToArray();
        }
    }

    [Fact]
    public void A_dictionary_name_present_in_eoles_and_portiques_folders_is_an_error()
    {
        Copy(Path.Join(Module, "dicos"), _temp.Root.Resolve(Workspace.PortiqueDictionariesFolder), only: "20_ssh.xml");

        var error = Assert.Throws<Portique.Core.DictionaryException>(Workspace.LoadDictionaries);

        Assert.Equal("20_ssh.xml", Assert.Single(error.Diagnostics).Subject);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Portique's shipped dictionaries in Portique's own folder beside the module's, with no service configured.</summary>
    private void InstallPortiqueDictionariesWithNoService()
    {
        var shipped = Path.Join(AppContext.BaseDirectory, "share");
        Copy(Path.Join(shipped, "dicos"), _temp.Root.Resolve(Workspace.PortiqueDictionariesFolder));
        Copy(Path.Join(shipped, "distrib"), _temp.Root.Resolve(Workspace.PortiqueTemplatesFolder));
        var values = ConfigEolFile.Load(_temp.Root.ConfigEol).Set("nombre_conteneur", Owners.GenConfig, ["0"], asList: false);
        ConfigEolFile.Save(_temp.Root.ConfigEol, values);
    }

    internal static void Copy(string from, string to, string? only = null)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from).Where(f => only is null || Path.GetFileName(f) == only))
        {
            File.Copy(file, Path.Join(to, Path.GetFileName(file)));
        }
    }
}
