using System.Diagnostics;
using System.Globalization;
using Portique.TestSupport;
using Xunit.Abstractions;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// Issue #13's proof through the CLI: on the private network, a service without volumes is replaced without interruption
/// (<c>conteneurN_remplacement</c> defaults to <c>sans_coupure</c>). A loop of requests through nginx, to its
/// <c>/name/</c> and to its <c>port_out</c>, runs during a tag change and during a change to an image that crashes: not
/// one request fails, and the crashing image leaves the previous version serving. A run killed (SIGKILL) before or
/// after the switch converges on the next run, a Ctrl+C before the switch removes the new instance at once, and not one
/// request fails across it all.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ZeroDowntimeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly int _port = TestPorts.FreePort();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    [InlineData("lxc")]
    [InlineData("vagrant")]
    public async Task A_tag_change_and_a_crashing_image_fail_not_one_request_through_the_route_and_the_published_port(string technology)
    {
        var network = TestNetworks.Free();
        var web = "web-" + _suffix;
        var image = _deployment.Images.Name("zero");
        await _deployment.Images.PublishAsync(image, "1.0", "1.0");
        await _deployment.Images.PublishAsync(image, "2.0", "2.0");
        await _deployment.Images.PublishAsync(image, "bad", "bad", TestImageOptions.Crashing);
        await _deployment.ConfigureAsync(
            "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            $"conteneur1_name={web}", $"conteneur1_type={technology}", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={_port}");
        await _deployment.SucceedAsync("instance");
        var route = $"http://127.0.0.1:{_deployment.HttpPort}/{web}/index.html";
        var published = $"http://127.0.0.1:{_port}/index.html";
        Assert.Contains("version 1.0", await HttpProbe.GetStringAsync(route));

        // A tag change: the new instance starts beside the old one, at the second address.
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        var plan = await _deployment.RunAsync("plan", "--json");
        Assert.Contains("\"replacement\": \"sans_coupure\"", plan.StandardOutput, StringComparison.Ordinal);
        var table = (await _deployment.RunAsync("plan")).StandardOutput;
        Assert.Contains("recreate (without interruption)", table, StringComparison.Ordinal);
        var first = (await _deployment.SucceedAsync("get", "conteneur1_ip")).StandardOutput.Trim();
        var second = (await _deployment.SucceedAsync("get", "conteneur1_ip_remplacement")).StandardOutput.Trim();
        Assert.True(network.IsServiceAddress(second) && second != first, second);

        await using (var load = RequestLoop.Start(route, published))
        {
            var replaced = await _deployment.SucceedAsync("reconfigure");
            Assert.Contains("recreated without interruption", replaced.StandardOutput, StringComparison.Ordinal);
            await load.StopAsync();
            load.AssertNoneFailed(atLeast: 20);
            output.WriteLine($"{technology}, tag change: {load.Succeeded} requests, none failed");
        }

        Assert.Contains("version 2.0", await HttpProbe.GetStringAsync(route));
        Assert.Contains("version 2.0", await HttpProbe.GetStringAsync(published));
        var status = await _deployment.SucceedAsync("status", "--json");
        Assert.Contains($"\"address\": \"{second}\"", status.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);

        // An image that crashes: removed, and the previous version never stopped serving.
        await _deployment.SucceedAsync("set", "conteneur1_tag=bad");
        await using (var load = RequestLoop.Start(route, published))
        {
            var failed = await _deployment.RunAsync("reconfigure");
            Assert.NotEqual(0, failed.ExitCode);
            Assert.Contains("crashing on purpose", failed.StandardOutput + failed.StandardError, StringComparison.Ordinal);
            await load.StopAsync();
            load.AssertNoneFailed(atLeast: 10);
            output.WriteLine($"{technology}, crashing image: {load.Succeeded} requests, none failed");
        }

        Assert.Contains("version 2.0", await HttpProbe.GetStringAsync(route));

        // Back to a good tag: the replacement goes back to the first address.
        await _deployment.SucceedAsync("set", "conteneur1_tag=1.0");
        await using (var load = RequestLoop.Start(route, published))
        {
            await _deployment.SucceedAsync("reconfigure");
            await load.StopAsync();
            load.AssertNoneFailed(atLeast: 20);
        }

        Assert.Contains("version 1.0", await HttpProbe.GetStringAsync(published));
        Assert.Contains($"\"address\": \"{first}\"", (await _deployment.SucceedAsync("status", "--json")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_killed_before_or_after_the_switch_converges_on_the_next_run_and_not_one_request_fails()
    {
        var network = TestNetworks.Free();
        var web = "web-" + _suffix;
        var image = _deployment.Images.Name("zerokill");
        // Each version takes 4 s to listen: the kill before the switch finds the new instance created, not yet serving.
        var slow = new TestImageOptions { Command = ["/bin/sh", "-c", "sleep 4; exec /bin/httpd -f -p 8080 -h /www"] };
        await _deployment.Images.PublishAsync(image, "1.0", "1.0", slow);
        await _deployment.Images.PublishAsync(image, "2.0", "2.0", slow);
        await _deployment.ConfigureAsync(
            "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            $"conteneur1_name={web}", "conteneur1_type=docker", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={_port}");
        await _deployment.SucceedAsync("instance");
        var route = $"http://127.0.0.1:{_deployment.HttpPort}/{web}/index.html";
        var published = $"http://127.0.0.1:{_port}/index.html";

        await using var load = RequestLoop.Start(route, published);

        // Killed before the switch: the new instance exists beside the old one, which never stopped serving.
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        var before = await KillWhenAsync(async () => (await WebContainersAsync(web)).Any(c => c.Names.Contains($"/{web}.portique-next")));
        Assert.Contains("version 1.0", await HttpProbe.GetStringAsync(route));
        output.WriteLine($"killed before the switch; left: {Describe(await WebContainersAsync(web))}\n{before}");
        await ConvergesOnAsync(web, "2.0", route, published);

        // Killed after the switch, while the old instance drains: the name and the frontend already point to the new one.
        await _deployment.SucceedAsync("set", "conteneur1_tag=1.0");
        var switched = new TaskCompletionSource();
        var after = await KillWhenAsync(() => Task.FromResult(switched.Task.IsCompleted), line =>
        {
            if (line.Contains("point to the new instance", StringComparison.Ordinal))
            {
                switched.TrySetResult();
            }
        });
        Assert.Equal(2, (await WebContainersAsync(web)).Count(c => c.State == "running"));
        output.WriteLine($"killed after the switch; left: {Describe(await WebContainersAsync(web))}\n{after}");
        await ConvergesOnAsync(web, "1.0", route, published);

        // Ctrl+C (SIGINT) before the switch, once the new instance exists: the run itself removes it, the old one serves on.
        // (The instance kept above may hold either name: the new one is whichever container is not it.)
        var serving = Assert.Single(await WebContainersAsync(web)).ID;
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        var interrupted = await KillWhenAsync(async () => (await WebContainersAsync(web)).Any(c => c.ID != serving), signal: "-INT");
        var left = await WebContainersAsync(web);
        Assert.True(left.Count == 1 && left[0].ID == serving && left[0].State == "running", $"{Describe(left)}\n{interrupted}");
        Assert.Contains("version 1.0", await HttpProbe.GetStringAsync(route));
        await ConvergesOnAsync(web, "2.0", route, published);

        await load.StopAsync();
        load.AssertNoneFailed(atLeast: 50);
        output.WriteLine($"{load.Succeeded} requests across both kills, the Ctrl+C and the runs after them, none failed");
    }

    /// <summary>
    /// Starts <c>reconfigure</c> and, as soon as <paramref name="caught"/> holds, kills it (SIGKILL, the whole tree) or
    /// sends it <paramref name="signal"/> and waits for it to end; returns what it printed.
    /// </summary>
    private async Task<string> KillWhenAsync(Func<Task<bool>> caught, Action<string>? onLine = null, string? signal = null)
    {
        var printed = new System.Text.StringBuilder();
        using var run = _deployment.Start("reconfigure");
        run.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (printed)
                {
                    printed.AppendLine(line);
                }

                onLine?.Invoke(line);
            }
        };
        run.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await caught())
        {
            Assert.False(run.HasExited, $"reconfigure ended before the state was caught:\n{printed}");
            Assert.True(DateTime.UtcNow < deadline, $"the state was never caught:\n{printed}");
            await Task.Delay(20);
        }

        if (signal is null)
        {
            run.Kill(entireProcessTree: true);
        }
        else
        {
            using var kill = Process.Start("kill", [signal, run.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await run.WaitForExitAsync(timeout.Token);
        }

        if (signal is not null)
        {
            Assert.True(run.ExitCode != 0, $"reconfigure ended with 0 after {signal}:\n{printed}");
        }

        lock (printed)
        {
            return printed.ToString();
        }
    }

    /// <summary>The next run leaves one running instance of <paramref name="web"/>, at <paramref name="version"/>, and nothing left to do.</summary>
    private async Task ConvergesOnAsync(string web, string version, string route, string published)
    {
        await _deployment.SucceedAsync("reconfigure");
        var left = await WebContainersAsync(web);
        Assert.True(left.Count == 1 && left[0].State == "running", Describe(left));
        Assert.Contains("version " + version, await HttpProbe.GetStringAsync(route));
        Assert.Contains("version " + version, await HttpProbe.GetStringAsync(published));
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
    }

    private async Task<IReadOnlyList<Docker.DotNet.Models.ContainerListResponse>> WebContainersAsync(string web) =>
        (await _deployment.ContainersAsync()).Where(c => c.Labels["portique.name"] == web).ToList();

    private static string Describe(IEnumerable<Docker.DotNet.Models.ContainerListResponse> containers) =>
        string.Join("; ", containers.Select(c => $"{string.Join(",", c.Names)} {c.State}"));
}
