using System.Text;
using System.Text.Json.Nodes;
using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>
/// The real <c>portique</c> executable on a root holding EOLE's real dictionaries and templates (EoleModuleReal/) and the
/// real config.eol of an EOLE 2.8.1 Amon server (EoleModuleReal/servers/, unchanged, see the README): <c>validate</c> accepts
/// it, and every file <c>render</c> writes is byte-identical to what EOLE's engine (python3-cheetah with EOLE's settings)
/// writes for the same values.
/// </summary>
public sealed class EoleRealServerTests : IDisposable
{
    private static readonly string Module = Path.Join(AppContext.BaseDirectory, "EoleModuleReal");

    private readonly TempRoot _temp = new("portique-eole-server-");

    public EoleRealServerTests()
    {
        EolePeer.Install(_temp, Module);
        File.Copy(Path.Join(Module, "servers", "amon-ac-reunion-config.eol"), _temp.Root.ConfigEol, overwrite: true);
    }

    public void Dispose() => _temp.Dispose();

    private async Task<BufferedCommandResult> PortiqueAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await PortiqueExecutable.Command(["--root", _temp.Directory, "--lang", "en", .. args])
            .ExecuteBufferedAsync(Encoding.UTF8, timeout.Token);
        Assert.True(result.ExitCode == 0, $"portique {string.Join(' ', args)} exited {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        return result;
    }

    [Fact]
    public async Task A_real_amon_servers_config_eol_validates_and_render_writes_exactly_what_eoles_engine_writes()
    {
        var validate = await PortiqueAsync("validate");
        await PortiqueAsync("render");

        // The server's 277 values load; those no dictionary here declares are kept and named as warnings, never refused.
        Assert.Contains("omapi_secret", validate.StandardError + validate.StandardOutput);
        var configuration = new Workspace(_temp.Root, Path.Join(AppContext.BaseDirectory, "share")).Evaluate();
        Assert.Equal(["a-clg-0654t"], configuration.Find("nom_machine")!.Values);
        var files = configuration.Files.Where(f => f.Enabled && f.Templating).ToArray();
        var eole = EolePeer.Render(_temp, configuration, files.Select(f => f.Source));
        Assert.Equal(10, files.Length);
        foreach (var file in files)
        {
            Assert.Equal(eole[file.Source], File.ReadAllText(_temp.Root.Resolve(file.Name)));
        }
    }

    [Fact]
    public async Task Set_on_a_real_amon_servers_config_eol_changes_that_value_only_and_keeps_every_other_as_eole_wrote_it()
    {
        var before = JsonNode.Parse(await File.ReadAllTextAsync(_temp.Root.ConfigEol))!.AsObject();

        await PortiqueAsync("set", "nom_machine=a-clg-0654u");

        var after = JsonNode.Parse(await File.ReadAllTextAsync(_temp.Root.ConfigEol))!.AsObject();
        Assert.Equal(277, after.Count);
        Assert.Equal("a-clg-0654u", (string?)after["nom_machine"]!["val"]);
        Assert.Equal(
            before.Where(e => e.Key != "nom_machine").Select(e => e.Key + "=" + e.Value!.ToJsonString()),
            after.Where(e => e.Key != "nom_machine").Select(e => e.Key + "=" + e.Value!.ToJsonString()));
    }
}
