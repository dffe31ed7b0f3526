using Portique.Core;

namespace Portique.Configuration.Tests;

/// <summary>A dictionary's file may not replace a system folder or Portique's own files, nor get a dangerous mode.</summary>
public sealed class FileTargetTests
{
    private const string Variables = "<family name='f'><variable name='v'/></family>";

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/usr")]
    [InlineData("/var/lib/docker")]
    [InlineData("/etc/eole/config.eol")]
    [InlineData("/etc/eole/config.eol.bak")]
    [InlineData("/etc/portique/genconfig.passwd")]
    [InlineData("/etc/portique/ssl/portique.key")]
    [InlineData("/var/lib/portique/reconfigure.lock")]
    [InlineData("/usr/share/eole/creole/dicos/99_evil.xml")]
    [InlineData("/etc/nginx/nginx.conf")]
    public void A_file_target_that_is_a_system_folder_or_portiques_own_is_refused_at_load(string target)
    {
        var error = Assert.Throws<DictionaryException>(() => Dictionaries.One(Variables, files: $"<file name='{target}' source='t.conf'/>"));

        var problem = Assert.Single(error.Diagnostics);
        Assert.StartsWith("10_test.xml:", problem.Subject, StringComparison.Ordinal);
        Assert.Contains(target, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4755")]
    [InlineData("2755")]
    [InlineData("1777")]
    [InlineData("0666")]
    [InlineData("0777")]
    public void A_setuid_setgid_sticky_or_world_writable_mode_is_refused_at_load(string mode)
    {
        using var culture = UiCulture.English();

        var error = Assert.Throws<DictionaryException>(() => Dictionaries.One(Variables, files: $"<file name='/etc/app.conf' source='t.conf' mode='{mode}'/>"));

        Assert.Contains($"mode '{mode}' refused: no setuid, setgid, sticky or world-writable bit", Assert.Single(error.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0644")]
    [InlineData("0600")]
    [InlineData("0755")]
    public void An_ordinary_mode_and_target_are_accepted(string mode)
    {
        var source = Dictionaries.One(Variables, files: $"<file name='/etc/nginx/portique/app.conf' source='t.conf' mode='{mode}'/>");

        Assert.NotNull(source);
    }
}
