using CliWrap;
using CliWrap.Buffered;
using Portique.Configuration;
using Portique.Core;

namespace Portique.Orchestration.Tests;

/// <summary>/etc/eole/conteneurN-vars.conf is meant to be sourced: sourcing it sets variables and runs nothing.</summary>
public sealed class ShellVarsTests
{
    private static KeyValuePair<string, IReadOnlyList<string>> Assign(string name, params string[] values) => new(name, values);

    [Fact]
    public async Task Sourcing_the_vars_file_gives_each_value_back_exactly_and_runs_nothing()
    {
        using var sandbox = new Sandbox();
        var marker = Path.Join(sandbox.Temp.Directory, "pwned");
        string[] mountpointsIn = [$"/data/'$(touch {marker})'", $"/it's/`touch {marker}`/$HOME"];
        sandbox.Store(
        [
            .. Sandbox.Container(1, "wiki", 18081),
            ("conteneur1_mountpoint_in", mountpointsIn),
            ("conteneur1_mountpoint_out", ["/srv/wiki/a'b", "/srv/wiki/$(id)"]),
        ]);
        var workspace = sandbox.Workspace;
        var configuration = workspace.Evaluate();
        Assert.Empty(workspace.Validate(configuration).Problems);
        await Workspace.WriteAsync(workspace.RenderAll(configuration), CancellationToken.None);
        var file = sandbox.Temp.Root.Resolve("/etc/eole/conteneur1-vars.conf");

        var run = await CliWrap.Cli.Wrap("bash")
            .WithArguments(["-c", ". \"$1\" && printf '%s\\n' \"$NAME\" \"$URL\" \"$TAG\" \"$REPOSITORY\" \"$MOUNTPOINT1_IN\" \"$MOUNTPOINT1_OUT\" \"$MOUNTPOINT2_IN\" \"$MOUNTPOINT2_OUT\" \"$PORT1_IN\" \"$PORT1_OUT\"", "bash", file])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            ["wiki", "team/wiki", "1.0", "127.0.0.1:5000", mountpointsIn[0], "/srv/wiki/a'b", mountpointsIn[1], "/srv/wiki/$(id)", "8080", "18081"],
            run.StandardOutput.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_snap_repository_is_refused_it_would_reach_the_vars_file_unchecked()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));

        var error = Assert.Throws<ConfigurationInvalidException>(() => sandbox.Workspace.Set(
            [Assign("conteneur1_type", "snap"), Assign("conteneur1_url", "hello"), Assign("conteneur1_tag", ""), Assign("conteneur1_repository", "x'$(id)'")],
            Owners.Portique));

        Assert.Contains(error.Diagnostics, d => d.Subject == "conteneur1_repository");
    }

    [Theory]
    [InlineData("/data/a\nb")]
    [InlineData("/data/a\tb")]
    [InlineData("/data/a\u001bb")]
    public void A_path_with_a_control_character_is_refused(string path)
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));

        var error = Assert.Throws<ConfigurationInvalidException>(() => sandbox.Workspace.Set(
            [Assign("conteneur1_mountpoint_in", path), Assign("conteneur1_mountpoint_out", "/srv/wiki/data")], Owners.Portique));

        Assert.Contains(error.Diagnostics, d => d.Subject == "conteneur1_mountpoint_in");
    }
}
