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
    private readonly Deployment deployment = new();
    private readonly int webPort = TestPorts.FreePort();
    private readonly string web = "pw-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => deployment.InitializeAsync();

    public Task DisposeAsync() => deployment.DisposeAsync();

    private string Image => deployment.Images.Name("web");

    private string ConfigEol => deployment.Root.Root.ConfigEol;

    private async Task ConfigureWebAsync(string tag = "1.0") =>
        await deployment.ConfigureAsync(["nombre_conteneur=1", "conteneur_ip_publication=127.0.0.1", .. deployment.DockerService(1, web, Image, tag, webPort)]);

    private async Task DeployWebAsync()
    {
        await deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        await ConfigureWebAsync();
        await deployment.SucceedAsync("instance");
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
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
        await deployment.Images.PublishAsync(Image, "silent", "web-silent", new TestImageOptions { Command = ["/bin/sleep", "3600"] });
        var webId = await deployment.ContainerIdAsync(web);

        await deployment.SucceedAsync("set", "conteneur1_tag", "silent");
        var result = await deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains(webPort.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardError);
        Assert.Contains("restored", result.StandardError);
        Assert.Equal([$"/{web} {webId} running"], (await deployment.ContainersAsync()).Select(c => $"{c.Names.Single()} {c.ID} {c.State}"));
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
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
        var files = deployment.FileTree();
        var containers = await deployment.ContainerStatesAsync();
        var workers = deployment.NginxWorkers();

        var result = await deployment.RunAsync(verb);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("conteneur1_name", result.StandardError);
        Assert.Equal(files, deployment.FileTree());
        Assert.Equal(containers, await deployment.ContainerStatesAsync());
        Assert.Equal(workers, deployment.NginxWorkers());
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task Hooks_run_around_render_reconcile_and_frontend_in_eole_order_with_the_mode_as_argument()
    {
        await deployment.Images.PublishAsync(Image, "1.0", "web-1.0");
        await ConfigureWebAsync();
        var log = deployment.Root.PathOf("hooks.log");
        var vars = deployment.Root.PathOf("etc", "eole", "conteneur1-vars.conf");
        var site = deployment.Root.PathOf("etc", "nginx", "portique", "services", "conteneur1.conf");
        // Each hook records its stage, its argument, and what it sees: the rendered file, the container, the nginx file.
        var body = $$"""
            [ -e '{{vars}}' ] && f=rendered || f=not-rendered
            docker inspect '{{web}}' >/dev/null 2>&1 && c=container || c=no-container
            [ -e '{{site}}' ] && n=nginx || n=no-nginx
            echo "$STAGE $1 $f $c $n" >> '{{log}}'
            """;
        foreach (var stage in HookRunner.Stages)
        {
            WriteHook(deployment.Root.Root.HooksDirectory(stage), "50-record", $"STAGE={stage}\n{body}");
        }

        await deployment.SucceedAsync("instance");
        await deployment.SucceedAsync("reconfigure");

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
        WriteHook(deployment.Root.Root.HooksDirectory("preservice"), "10-removes", $"docker rm -f '{web}' >/dev/null");

        await deployment.SucceedAsync("reconfigure");

        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task A_failing_hook_stops_the_run_naming_itself_and_its_exit_code_before_anything_changes()
    {
        await DeployWebAsync();
        await deployment.Images.PublishAsync(Image, "2.0", "web-2.0");
        var after = deployment.Root.PathOf("after-the-failure");
        WriteHook(deployment.Root.Root.HooksDirectory("pretemplate"), "10-refuses", "echo 'no, not today' >&2; exit 5");
        WriteHook(deployment.Root.Root.HooksDirectory("pretemplate"), "20-next", $"touch '{after}'");
        WriteHook(deployment.Root.Root.HooksDirectory("postservice"), "10-last", $"touch '{after}'");
        await deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var files = deployment.FileTree();
        var containers = await deployment.ContainerStatesAsync();

        var result = await deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("pretemplate/10-refuses", result.StandardError);
        Assert.Contains("exit 5", result.StandardError);
        Assert.Contains("no, not today", result.StandardError);
        Assert.False(File.Exists(after), "a hook after the failing one ran");
        Assert.Equal(files, deployment.FileTree());
        Assert.Equal(containers, await deployment.ContainerStatesAsync());
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task A_host_port_held_by_another_program_exits_1_naming_it_and_nothing_is_touched()
    {
        await DeployWebAsync();
        var heldPort = TestPorts.FreePort();
        using var holder = new TcpListener(IPAddress.Loopback, heldPort);
        holder.Start();
        await deployment.SucceedAsync("set", "conteneur1_port_in=8080", "conteneur1_port_in=8443",
            $"conteneur1_port_out={webPort}", $"conteneur1_port_out={heldPort}");
        var files = deployment.FileTree();
        var containers = await deployment.ContainerStatesAsync();

        var result = await deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains(web, result.StandardError);
        Assert.Contains(heldPort.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardError);
        Assert.Equal(files, deployment.FileTree());
        Assert.Equal(containers, await deployment.ContainerStatesAsync());
        Assert.Contains("web-1.0", await deployment.GetAsync($"/{web}/"));
    }

    [Fact]
    public async Task A_name_held_by_a_container_portique_does_not_own_exits_1_and_nothing_is_touched()
    {
        await DeployWebAsync();
        var foreign = "foreign-" + Guid.NewGuid().ToString("N")[..6];
        var foreignImage = deployment.Images.Name("foreign") + ":1";
        await deployment.Images.BuildAsync(foreignImage, "foreign");
        deployment.Images.TrackContainer(foreign);
        var created = await deployment.Images.Client.Containers.CreateContainerAsync(new CreateContainerParameters { Name = foreign, Image = foreignImage });
        await deployment.Images.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        await deployment.SucceedAsync(["set", "nombre_conteneur=2", .. deployment.DockerService(2, foreign, Image, "1.0", TestPorts.FreePort())]);
        var files = deployment.FileTree();
        var containers = await deployment.ContainerStatesAsync();

        var result = await deployment.RunAsync("reconfigure");

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains(foreign, result.StandardError);
        Assert.Equal(files, deployment.FileTree());
        Assert.Equal(containers, await deployment.ContainerStatesAsync());
        var untouched = await deployment.Images.Client.Containers.InspectContainerAsync(created.ID);
        Assert.True(untouched.State?.Running == true);
        Assert.Equal("/" + foreign, untouched.Name);
    }

    [Fact]
    public async Task A_run_that_cannot_get_the_lock_in_time_exits_1_naming_the_lock()
    {
        await ConfigureWebAsync();
        using var held = await ReconfigureLock.AcquireAsync(deployment.Root.Root, TimeSpan.FromSeconds(5), () => { }, CancellationToken.None);

        var result = await deployment.Command(["reconfigure"])
            .WithEnvironmentVariables(env => env.Set("PORTIQUE_LOCK_TIMEOUT_SECONDS", "2"))
            .ExecuteBufferedAsync();

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("another reconfigure is running", result.StandardOutput);
        Assert.Contains("reconfigure.lock", result.StandardError);
        Assert.Empty(await deployment.ContainersAsync());
    }

    [Fact]
    public async Task Logs_prints_the_services_own_lines_and_tail_keeps_the_last_ones()
    {
        await deployment.Images.PublishAsync(Image, "1.0", "web-1.0", TestImageOptions.Logging);
        await ConfigureWebAsync();
        await deployment.SucceedAsync("instance");

        var all = await deployment.SucceedAsync("logs", web);
        var tail = await deployment.SucceedAsync("logs", web, "--tail", "3");

        var lines = all.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"line {i}"), lines.Where(l => l.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Contains("error line", lines);
        // dockerd copies stderr and stdout on separate goroutines: "error line" may be stored after "line 20",
        // so the tail is compared with the end of the full log rather than with fixed lines.
        Assert.Equal(lines.TakeLast(3), tail.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Contains("line 20", lines.TakeLast(3));
    }
}
