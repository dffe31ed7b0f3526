using Portique.Configuration;
using Portique.Core;

namespace Portique.Orchestration.Tests;

/// <summary>Writing generated files: nothing written on an unknown owner, never through a link out of the root, no leftovers.</summary>
public sealed class FileWriteSafetyTests
{
    private static Sandbox WithDictionary(string files)
    {
        var sandbox = new Sandbox();
        var root = sandbox.Temp.Root;
        Directory.CreateDirectory(root.DictionariesDirectory);
        Directory.CreateDirectory(root.TemplatesDirectory);
        File.WriteAllText(Path.Join(root.DictionariesDirectory, "10_test.xml"), $"""
            <creole>
              <files>{files}</files>
              <variables><family name='f'><variable name='v' type='string'><value>x</value></variable></family></variables>
            </creole>
            """);
        File.WriteAllText(Path.Join(root.TemplatesDirectory, "t.conf"), "V=%%v\n");
        return sandbox;
    }

    [Fact]
    public async Task An_unknown_owner_is_refused_before_any_file_is_written()
    {
        using var sandbox = WithDictionary(
            "<file name='/etc/app/first.conf' source='t.conf' owner='root'/><file name='/etc/app/second.conf' source='t.conf' owner='nobody-portique-test'/>");
        var workspace = sandbox.Workspace;

        var error = await Assert.ThrowsAsync<ConfigurationInvalidException>(() => Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None));

        Assert.Contains("nobody-portique-test", Assert.Single(error.Diagnostics).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(sandbox.Temp.Root.Resolve("/etc/app/first.conf")));
        Assert.False(File.Exists(sandbox.Temp.Root.Resolve("/etc/app/second.conf")));
    }

    [Fact]
    public async Task A_link_in_the_targets_folders_leading_out_of_the_root_is_never_followed()
    {
        using var sandbox = WithDictionary("<file name='/etc/app/app.conf' source='t.conf'/>");
        using var outside = new Portique.TestSupport.TempRoot("portique-outside-");
        Directory.CreateDirectory(sandbox.Temp.Root.Resolve("/etc"));
        File.CreateSymbolicLink(sandbox.Temp.Root.Resolve("/etc/app"), outside.Directory);
        var workspace = sandbox.Workspace;

        await Assert.ThrowsAsync<RuntimeFailureException>(() => Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None));

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Directory));
    }

    [Fact]
    public async Task A_link_at_the_destination_is_replaced_not_written_through()
    {
        using var sandbox = WithDictionary("<file name='/etc/app/app.conf' source='t.conf'/>");
        using var outside = new Portique.TestSupport.TempRoot("portique-outside-");
        var victim = Path.Join(outside.Directory, "victim");
        File.WriteAllText(victim, "untouched");
        Directory.CreateDirectory(sandbox.Temp.Root.Resolve("/etc/app"));
        File.CreateSymbolicLink(sandbox.Temp.Root.Resolve("/etc/app/app.conf"), victim);
        var workspace = sandbox.Workspace;

        await Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None);

        Assert.Equal("untouched", File.ReadAllText(victim));
        var written = new FileInfo(sandbox.Temp.Root.Resolve("/etc/app/app.conf"));
        Assert.Null(written.LinkTarget);
        Assert.Equal("V=x\n", File.ReadAllText(written.FullName));
    }

    [Fact]
    public async Task A_failed_write_leaves_no_temporary_file()
    {
        using var sandbox = WithDictionary("<file name='/etc/app/app.conf' source='t.conf'/>");
        // The destination is a folder: the final rename fails.
        Directory.CreateDirectory(sandbox.Temp.Root.Resolve("/etc/app/app.conf/inside"));
        var workspace = sandbox.Workspace;

        await Assert.ThrowsAnyAsync<IOException>(() => Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None));

        Assert.Equal(["app.conf"], Directory.EnumerateFileSystemEntries(sandbox.Temp.Root.Resolve("/etc/app")).Select(Path.GetFileName));
    }

    [Fact]
    public void Config_eol_bak_is_never_written_through_a_link()
    {
        using var sandbox = new Sandbox();
        using var outside = new Portique.TestSupport.TempRoot("portique-outside-");
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        var victim = Path.Join(outside.Directory, "victim");
        File.WriteAllText(victim, "untouched");
        File.CreateSymbolicLink(sandbox.Temp.Root.ConfigEol + ".bak", victim);

        sandbox.Workspace.Set([new("conteneur1_tag", ["2.0"])], Owners.Portique);

        Assert.Equal("untouched", File.ReadAllText(victim));
        var backup = new FileInfo(sandbox.Temp.Root.ConfigEol + ".bak");
        Assert.Null(backup.LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup.FullName));
    }
}
