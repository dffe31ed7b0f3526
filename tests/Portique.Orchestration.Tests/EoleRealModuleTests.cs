using Portique.Configuration;
using Portique.Templating;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>
/// Real EOLE dictionaries and templates (EoleModuleReal/: from EOLE's public test repository, see its README) in a
/// root with the module's stand-in base and a config.eol in EOLE 2.6's form: they load and validate, their fills and
/// redefinitions act as in EOLE, and every template renders byte-identical to EOLE's engine (python3-cheetah with
/// EOLE's settings), with the values and with empty values.
/// </summary>
public sealed class EoleRealModuleTests : IDisposable
{
    private static readonly string Module = Path.Join(AppContext.BaseDirectory, "EoleModuleReal");

    private readonly TempRoot _temp = new("portique-eole-real-");

    public EoleRealModuleTests() => EolePeer.Install(_temp, Module);

    private Workspace Workspace => new(_temp.Root, Path.Join(AppContext.BaseDirectory, "share"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Real_eole_dictionaries_load_and_validate_with_eoles_semantics()
    {
        var configuration = Workspace.Evaluate();

        Assert.Empty(Workspace.Validate(configuration).Problems);
        // calc_val_test (Zephir's test dictionary) copies nom_machine; 99_amonecole redefines with remove_condition.
        Assert.Equal(["amon-test"], configuration.Find("var_test_fonction_perso")!.Values);
        Assert.Equal(["non"], configuration.Find("activer_nginx_web")!.Values);
        Assert.False(configuration.Find("activer_nginx_web")!.Disabled);
        // 27_freerad_ad_gre: calc_multi_condition(['accounting', 'AD'], mode, annuaire) gives 'non': the LDAP variables are disabled.
        Assert.Equal(["non"], configuration.Find("activation_ldap_ip_adress")!.Values);
        Assert.True(configuration.Find("freerad_ldap_ip")!.Disabled);
        // The slave stored by row index: row 1 takes the default.
        Assert.Equal(["255.0.0.0", "255.255.255.255", "255.255.0.0"], configuration.Find("netmask_ssh_eth0")!.Values);
        // 24_bareos-fd redefines the module's file: the standalone template is rendered.
        Assert.Equal("bareos-fd-standalone.conf", configuration.Files.Single(f => f.Name == "/etc/bareos/bareos-fd.conf" && f.Enabled).Source);
    }

    [Fact]
    public void Every_template_renders_byte_identical_to_eoles_cheetah_with_the_values()
    {
        var configuration = Workspace.Evaluate();
        var portique = Workspace.RenderAll(configuration).Where(f => f.Content is not null && f.Declaration.Templating)
            .ToDictionary(f => f.Declaration.Source, f => f.Content!, StringComparer.Ordinal);

        var eole = EolePeer.Render(_temp, configuration, portique.Keys);

        Assert.Equal(14, portique.Count);
        foreach (var (source, text) in portique)
        {
            Assert.Equal(eole[source], text);
        }
    }

    [Fact]
    public void Every_real_template_renders_byte_identical_to_eoles_cheetah_with_empty_values()
    {
        var configuration = Workspace.Evaluate(ConfigValues.Empty);
        var scope = new ConfigurationScope(EolePeer.Values(configuration), _temp.Root, _temp.Root.TemplatesDirectory);
        var sources = configuration.Files.Where(f => f.Enabled && f.Templating).Select(f => f.Source).Distinct()
            .Where(s => s.StartsWith("freerad-", StringComparison.Ordinal) || s == "acces-ssh.conf").ToArray();

        var eole = EolePeer.Render(_temp, configuration, sources);

        Assert.Equal(10, sources.Length);
        foreach (var source in sources)
        {
            var text = File.ReadAllText(Path.Join(_temp.Root.TemplatesDirectory, source));
            Assert.Equal(eole[source], CreoleTemplate.Parse(text, source).Render(scope));
        }
    }
}
