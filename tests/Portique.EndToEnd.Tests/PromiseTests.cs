using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Portique.Orchestration;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// README promises about one run of the real <c>portique</c> executable that no other test covers: the port probe's
/// rollback, exit 2 and exit 1 with nothing touched, the EOLE hook sequence, the lock timeout, the log content.
/// One docker service per test, its own root, ports and images.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PromiseTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly int _webPort = TestPorts.FreePort();
    private readonly string _web = "pw-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    private string Image => _deployment.Images.Name("web");

    private string ConfigEol => _deployment.Root.Root.ConfigEol;

    private async Task ConfigureWebAsync(string tag = "1.0") =>
        await _deployment.ConfigureAsync(["nombre_conteneur=1", "conteneur_ip_publication=127.0.0.1", .. _deployment.DockerService(1, _web, Image, tag, _webPort)]);

    private async Task DeployWebAsync()
    {
        await _deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        await ConfigureWebAsync();
        await _deployment.SucceedAsync("instance");
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    private static void WriteHook(string folder, string name, string body)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Join(folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    [Fact]
    public async Task A_replacement_that_runs_but_never_listens_is_rolled_back_and_the_old_version_keeps_serving()
    {
        await DeployWebAsync();
        // Stays up, no health check, publishes the port: only the TCP probe of the first published port can tell.
        await _deployment.Images.PublishAsync(Image, "silent", "web-silent", new TestImageOptions { Command = ["/bin/sleep", "3600"] });
        var webId = await _deployment.ContainerIdAsync(_web);

        // Its own start deadline, not the default 60 s: it fails sooner, and says after how long.
        await _deployment.SucceedAsync("set", "conteneur1_tag=silent", "conteneur1_delai_demarrage=8");
        var result = await _deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains(_webPort.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardError);
        Assert.Contains(" 8 s", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("restored", result.StandardError);
        Assert.Equal([$"/{_web} {webId} running"], (await _deployment.ContainersAsync()).Select(c => $"{c.Names.Single()} {c.ID} {c.State}"));
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Theory]
    [InlineData("reconfigure")]
    [InlineData("plan")]
    [InlineData("instance")]
    public async Task An_invalid_configuration_exits_2_naming_the_variable_and_touches_no_file_and_no_container(string verb)
    {
        await DeployWebAsync();
        // Written behind Portique's back (an editor, a restored backup): set would have refused it.
        var eol = JsonNode.Parse(await File.ReadAllTextAsync(ConfigEol))!.AsObject();
        eol["conteneur1_name"]!["val"] = "Not_A_Name!";
        await File.WriteAllTextAsync(ConfigEol, eol.ToJsonString());
        // Also a pending change, so a run that went past validation would have something to do.
        var files = _deployment.FileTree();
        var containers = await _deployment.ContainerStatesAsync();
        var workers = _deployment.NginxWorkers();

        var result = await _deployment.RunAsync(verb);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("conteneur1_name", result.StandardError);
        Assert.Equal(files, _deployment.FileTree());
        Assert.Equal(containers, await _deployment.ContainerStatesAsync());
        Assert.Equal(workers, _deployment.NginxWorkers());
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task Hooks_run_around_render_reconcile_and_frontend_in_eole_order_with_the_mode_as_argument()
    {
        await _deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        await ConfigureWebAsync();
        var log = _deployment.Root.PathOf("hooks.log");
        var vars = _deployment.Root.PathOf("etc", "eole", "conteneur1-vars.conf");
        var site = _deployment.Root.PathOf("etc", "nginx", "portique", "services", "conteneur1.conf");
        // Each hook records its stage, its argument, and what it sees: the rendered file, the container, the nginx file.
        var body = $$"""
            [ -e '{{vars}}' ] && f=rendered || f=not-rendered
            docker inspect '{{_web}}' >/dev/null 2>&1 && c=container || c=no-container
            [ -e '{{site}}' ] && n=nginx || n=no-nginx
            echo "$STAGE $1 $f $c $n" >> '{{log}}'
            """;
        foreach (var stage in HookRunner.Stages)
        {
            WriteHook(_deployment.Root.Root.HooksDirectory(stage), "50-record", $"STAGE={stage}\n{body}");
        }

        await _deployment.SucceedAsync("instance");
        await _deployment.SucceedAsync("reconfigure");

        Assert.Equal(
            [
                "preservice instance not-rendered no-container no-nginx",
                "pretemplate instance not-rendered no-container no-nginx",
                "posttemplate instance rendered no-container no-nginx",
                "postservice instance rendered container nginx",
                "preservice reconfigure rendered container nginx",
                "pretemplate reconfigure rendered container nginx",
                "posttemplate reconfigure rendered container nginx",
                "postservice reconfigure rendered container nginx",
            ],
            await File.ReadAllLinesAsync(log));
    }

    [Fact]
    public async Task A_preservice_hook_that_removes_the_container_is_seen_and_the_same_reconfigure_brings_it_back()
    {
        await DeployWebAsync();
        // The run plans before its hooks; a hook that acts on the engine must not leave it acting on a stale plan.
        WriteHook(_deployment.Root.Root.HooksDirectory("preservice"), "10-removes", $"docker rm -f '{_web}' >/dev/null");

        await _deployment.SucceedAsync("reconfigure");

        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task A_failing_hook_stops_the_run_naming_itself_and_its_exit_code_before_anything_changes()
    {
        await DeployWebAsync();
        await _deployment.Images.PublishAsync(Image, "2.0", "web-2.0");
        var after = _deployment.Root.PathOf("after-the-failure");
        WriteHook(_deployment.Root.Root.HooksDirectory("pretemplate"), "10-refuses", "echo 'no, not today' >&2; exit 5");
        WriteHook(_deployment.Root.Root.HooksDirectory("pretemplate"), "20-next", $"touch '{after}'");
        WriteHook(_deployment.Root.Root.HooksDirectory("postservice"), "10-last", $"touch '{after}'");
        await _deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var files = _deployment.FileTree();
        var containers = await _deployment.ContainerStatesAsync();

        var result = await _deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("pretemplate/10-refuses", result.StandardError);
        Assert.Contains("exit 5", result.StandardError);
        Assert.Contains("no, not today", result.StandardError);
        Assert.False(File.Exists(after), "a hook after the failing one ran");
        Assert.Equal(files, _deployment.FileTree());
        Assert.Equal(containers, await _deployment.ContainerStatesAsync());
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task A_host_port_held_by_another_program_exits_1_naming_it_and_nothing_is_touched()
    {
        await DeployWebAsync();
        var heldPort = TestPorts.FreePort();
        using var holder = new TcpListener(IPAddress.Loopback, heldPort);
        holder.Start();
        await _deployment.SucceedAsync("set", "conteneur1_port_in=8080", "conteneur1_port_in=8443",
            $"conteneur1_port_out={_webPort}", $"conteneur1_port_out={heldPort}");
        var files = _deployment.FileTree();
        var containers = await _deployment.ContainerStatesAsync();

        var result = await _deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains(_web, result.StandardError);
        Assert.Contains(heldPort.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardError);
        Assert.Equal(files, _deployment.FileTree());
        Assert.Equal(containers, await _deployment.ContainerStatesAsync());
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }

    [Fact]
    public async Task A_name_held_by_a_container_portique_does_not_own_exits_1_and_nothing_is_touched()
    {
        await DeployWebAsync();
        var foreign = "foreign-" + Guid.NewGuid().ToString("N")[..6];
        var foreignImage = _deployment.Images.Name("foreign") + ":1";
        await _deployment.Images.BuildAsync(foreignImage, "foreign");
        _deployment.Images.TrackContainer(foreign);
        var created = await _deployment.Images.Client.Containers.CreateContainerAsync(new CreateContainerParameters { Name = foreign, Image = foreignImage });
        await _deployment.Images.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        await _deployment.SucceedAsync(["set", "nombre_conteneur=2", .. _deployment.DockerService(2, foreign, Image, "1.0", TestPorts.FreePort())]);
        var files = _deployment.FileTree();
        var containers = await _deployment.ContainerStatesAsync();

        var result = await _deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains(foreign, result.StandardError);
        Assert.Equal(files, _deployment.FileTree());
        Assert.Equal(containers, await _deployment.ContainerStatesAsync());
        var untouched = await _deployment.Images.Client.Containers.InspectContainerAsync(created.ID);
        Assert.True(untouched.State?.Running == true);
        Assert.Equal("/" + foreign, untouched.Name);
    }

    [Fact]
    public async Task A_run_that_cannot_get_the_lock_in_time_exits_1_naming_the_lock()
    {
        await ConfigureWebAsync();
        using var held = await ReconfigureLock.AcquireAsync(_deployment.Root.Root, TimeSpan.FromSeconds(5), TimeProvider.System, () => { }, CancellationToken.None);

        var result = await _deployment.Command(["reconfigure"])
            .WithEnvironmentVariables(env => env.Set("PORTIQUE_LOCK_TIMEOUT_SECONDS", "2"))
            .ExecuteBufferedAsync();

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("another reconfigure is running", result.StandardOutput);
        Assert.Contains("reconfigure.lock", result.StandardError);
        Assert.Empty(await _deployment.ContainersAsync());
    }

    [Fact]
    public async Task Logs_prints_the_services_own_lines_and_tail_keeps_the_last_ones()
    {
        await _deployment.Images.PublishAsync(Image, "1.0", "web-1.0", TestImageOptions.Logging);
        await ConfigureWebAsync();
        await _deployment.SucceedAsync("instance");

        var all = await _deployment.SucceedAsync("logs", _web);
        var tail = await _deployment.SucceedAsync("logs", _web, "--tail", "3");

        var lines = all.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"line {i}"), lines.Where(l => l.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Contains("error line", lines);
        // dockerd copies stderr and stdout on separate goroutines: "error line" may be stored after "line 20",
        // so the tail is compared with the end of the full log rather than with fixed lines.
        Assert.Equal(lines.TakeLast(3), tail.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Contains("line 20", lines.TakeLast(3));
    }
}
