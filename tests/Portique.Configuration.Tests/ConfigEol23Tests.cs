using Portique.Core;

namespace Portique.Configuration.Tests;

/// <summary>EOLE 2.3's config.eol format (sections, Python lists), read and written back as EOLE 2.3 writes it.</summary>
public sealed class ConfigEol23Tests
{
    // As EOLE 2.3's own test data (Joguig/eole dataset/2.3) writes it.
    private const string Eole23 = """
        [nombre_interfaces]
        valdefault = []
        valprec = []
        val = ['5']


        [era_proxy_bypass]
        valdefault = []
        valprec = ['9.9.9.9']
        val = ['1.1.1.1', '2.2.2.2']

        [adresse_ip_serveur_logs]
        valdefault = []
        valprec = []
        val = []

        """;

    [Fact]
    public void Eole_2_3_sections_are_read_as_single_values_lists_and_no_value()
    {
        var values = ConfigValues.Parse(Eole23);

        Assert.Equal(["nombre_interfaces", "era_proxy_bypass", "adresse_ip_serveur_logs"], values.Names);
        Assert.Equal(["5"], values.Get("nombre_interfaces")!.Items);
        Assert.Equal(["1.1.1.1", "2.2.2.2"], values.Get("era_proxy_bypass")!.Items);
        Assert.Empty(values.Get("adresse_ip_serveur_logs")!.Items);
    }

    [Fact]
    public void A_changed_eole_2_3_file_is_written_back_in_eole_2_3s_format_keeping_valprec()
    {
        var changed = ConfigValues.Parse(Eole23).Set("era_proxy_bypass", Owners.Portique, ["3.3.3.3", "l'autre"], asList: true);

        var text = changed.ToJson();

        Assert.Contains("[era_proxy_bypass]\nvaldefault = []\nvalprec = ['9.9.9.9']\nval = ['3.3.3.3', \"l'autre\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("[nombre_interfaces]\nvaldefault = []\nvalprec = []\nval = ['5']\n", text, StringComparison.Ordinal);
        Assert.Equal(["3.3.3.3", "l'autre"], ConfigValues.Parse(text).Get("era_proxy_bypass")!.Items);
    }

    [Fact]
    public void A_line_that_is_not_eole_2_3s_format_is_reported_at_its_line()
    {
        var error = Assert.Throws<ConfigurationInvalidException>(() =>
            ConfigValues.Parse("[a]\nval = ['x']\nval = __import__('os')\n", "/etc/eole/config.eol"));

        Assert.Equal("/etc/eole/config.eol:3", Assert.Single(error.Diagnostics).Subject);
    }
}
