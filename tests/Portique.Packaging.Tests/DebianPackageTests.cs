using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Portique.Packaging.Tests;

public sealed partial class DebianPackageTests(PackageFixture fixture, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token;

    [Fact]
    public async Task The_installed_portique_prints_its_version_and_the_commit_it_was_built_from()
    {
        output.WriteLine($"{fixture.Package}: {new FileInfo(fixture.Package).Length} bytes, installed in {fixture.InstallTime.TotalSeconds:F1} s");
        var result = await fixture.Installed.RunCheckedAsync(["portique", "--version"], Timeout);

        Assert.Matches(VersionAndCommit(), result.StandardOutput.Trim());
    }

    [Fact]
    public async Task The_installed_portique_validates_a_root_with_its_shipped_dictionaries_and_needs_no_dotnet()
    {
        var root = fixture.Installed;
        Assert.False(File.Exists(root.Path("/usr/bin/dotnet")), "the Debian root must not have a .NET runtime");

        // A fresh root: the shipped dictionaries (/usr/share/portique/dicos) declare conteneur1_name, still empty.
        var fresh = await root.RunAsync(["portique", "--root", "/tmp/x", "validate"], Timeout);
        Assert.Equal(2, fresh.ExitCode);
        Assert.Contains("conteneur1_name", fresh.StandardError, StringComparison.Ordinal);

        await root.RunCheckedAsync(["portique", "--root", "/tmp/x", "set", "nombre_conteneur", "0"], Timeout);
        await root.RunCheckedAsync(["portique", "--root", "/tmp/x", "validate"], Timeout);

        // The boot unit's command: with the private network off it has nothing to do, and says so.
        var up = await root.RunCheckedAsync(["portique", "--root", "/tmp/x", "--lang", "en", "network", "up"], Timeout);
        Assert.Contains("private network off", up.StandardOutput, StringComparison.Ordinal);
        var unit = await root.RunCheckedAsync(["cat", "/lib/systemd/system/portique-network.service"], Timeout);
        Assert.Contains("ExecStart=/usr/bin/portique network up", unit.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Before=docker.service", unit.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_man_page_is_found_by_man_and_its_verbs_come_from_the_help_text()
    {
        var root = fixture.Installed;
        var where = await root.RunCheckedAsync(["man", "-w", "portique"], Timeout);
        Assert.Equal("/usr/share/man/man1/portique.1.gz", where.StandardOutput.Trim());

        var page = await root.RunCheckedAsync(["sh", "-c", "zcat /usr/share/man/man1/portique.1.gz"], Timeout);
        foreach (var verb in new[] { "get", "set", "validate", "plan", "instance", "reconfigure", "status", "logs", "genconfig", "network" })
        {
            Assert.Contains($".SS {verb}\n", page.StandardOutput, StringComparison.Ordinal);
        }

        var completion = await root.RunCheckedAsync(["cat", "/usr/share/bash-completion/completions/portique"], Timeout);
        Assert.Contains("reconfigure) COMPREPLY", completion.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_keeps_config_eol_and_the_services_data_and_purging_removes_portiques_own_files()
    {
        using var root = await DebianRoot.ExtractAsync(fixture.RootTarball, Timeout);
        await root.InstallAsync(fixture.Package, Timeout);
        Assert.Equal("drwxr-x---", (await root.RunCheckedAsync(["stat", "-c", "%A", "/var/lib/portique"], Timeout)).StandardOutput.Trim());
        Assert.Equal("drwxr-x---", (await root.RunCheckedAsync(["stat", "-c", "%A", "/etc/portique"], Timeout)).StandardOutput.Trim());

        // A configuration at / and a service's data folder; reinstalling must not touch config.eol.
        await root.RunCheckedAsync(["portique", "set", "nombre_conteneur", "0"], Timeout);
        Directory.CreateDirectory(root.Path("/srv/bonjour"));
        await File.WriteAllTextAsync(root.Path("/srv/bonjour/index.html"), "data");
        await File.WriteAllTextAsync(root.Path("/etc/portique/genconfig.passwd"), "hash");
        var config = await File.ReadAllBytesAsync(root.Path("/etc/eole/config.eol"));
        await root.InstallAsync(fixture.Package, Timeout);
        Assert.Equal(config, await File.ReadAllBytesAsync(root.Path("/etc/eole/config.eol")));

        await root.RunCheckedAsync(["dpkg", "--remove", "portique"], Timeout);
        Assert.False(File.Exists(root.Path("/usr/lib/portique/portique")));
        Assert.False(Path.Exists(root.Path("/usr/bin/portique")));
        Assert.Equal(config, await File.ReadAllBytesAsync(root.Path("/etc/eole/config.eol")));
        Assert.True(File.Exists(root.Path("/srv/bonjour/index.html")));
        Assert.True(File.Exists(root.Path("/etc/portique/genconfig.passwd")), "remove keeps Portique's state");
        Assert.True(File.Exists(root.Path("/etc/default/portique-genconfig")), "remove keeps the conffile");

        await root.RunCheckedAsync(["dpkg", "--purge", "portique"], Timeout);
        foreach (var gone in new[] { "/etc/portique", "/var/lib/portique", "/usr/lib/portique", "/usr/share/portique", "/etc/default/portique-genconfig", "/usr/share/eole/postservice/90-portique" })
        {
            Assert.False(Path.Exists(root.Path(gone)), $"{gone} is still there after purge");
        }

        Assert.Equal(config, await File.ReadAllBytesAsync(root.Path("/etc/eole/config.eol")));
        Assert.Equal("data", await File.ReadAllTextAsync(root.Path("/srv/bonjour/index.html")));
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+\+[0-9a-f]{40}$")]
    private static partial Regex VersionAndCommit();
}
