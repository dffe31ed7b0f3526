using System.Diagnostics;
using Portique.TestSupport;
using Xunit.Abstractions;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// Issue #17's proof through the CLI, on a real swarm of three nodes (<see cref="SwarmNodes"/>): Portique talks to the
/// manager; a service of 3 replicas is served at <c>/name/</c> by tasks on the three nodes; a new tag is rolled out task
/// by task, and an image that crashes or fails its health check is rolled back by swarm, none failing a request; draining one node, then
/// losing another (every process of it killed, its link down), keeps it served without a failed request; an image from
/// a registry only this host reaches is refused before anything is made; a service with a host volume stays on the
/// manager's node, and one with <c>conteneurN_contraintes</c> on the node it names.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MultiHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Deployment _deployment = new() { Environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = SwarmNodes.ManagerEndpoint } };
    private readonly int _port = TestPorts.FreePort();
    private readonly string _web = "mh-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _data = "mhv-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _placed = "mhp-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _pair = "mh2-" + Guid.NewGuid().ToString("N")[..6];
    private readonly int _pairPort = TestPorts.FreePort();
    private SwarmNodes? _nodes;

    public async Task InitializeAsync()
    {
        _nodes = await SwarmNodes.StartAsync();
        await _deployment.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _deployment.DisposeAsync();
        }
        finally
        {
            await _nodes!.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_service_on_three_nodes_stays_served_while_one_node_is_drained_and_another_is_lost()
    {
        var image = _deployment.Images.Name("multi");
        // Each task writes its host name (its container's id) where the page is served: which task answered can be told.
        var writingItsHostName = new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "hostname > /www/node.txt && exec /bin/httpd -f -p 8080 -h /www"],
        };
        await _deployment.Images.PublishAsync(image, "1.0", "multi 1.0", writingItsHostName);
        await _deployment.Images.PublishAsync(image, "2.0", "multi 2.0", writingItsHostName);
        await _deployment.Images.PublishAsync(image, "3.0", "multi 3.0", TestImageOptions.Crashing);
        await _deployment.Images.PublishAsync(image, "4.0", "multi 4.0", TestImageOptions.FailingHealthCheck);
        var volume = _deployment.Root.PathOf("srv", _data);
        await _deployment.ConfigureAsync(
            "nombre_conteneur=4",
            $"conteneur1_name={_web}", "conteneur1_type=swarm", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={_port}",
            "conteneur1_replicas=3",
            $"conteneur2_name={_data}", "conteneur2_type=swarm", $"conteneur2_url={image}", "conteneur2_tag=1.0",
            $"conteneur2_repository={RequiredServices.Registry}", "conteneur2_replicas=3",
            "conteneur2_mountpoint_in=/data", $"conteneur2_mountpoint_out={volume}",
            $"conteneur3_name={_placed}", "conteneur3_type=swarm", $"conteneur3_url={image}", "conteneur3_tag=1.0",
            $"conteneur3_repository={SwarmNodes.Registry}", "conteneur3_replicas=2", $"conteneur3_contraintes=node.hostname=={SwarmNodes.HostName(3)}",
            $"conteneur4_name={_pair}", "conteneur4_type=swarm", $"conteneur4_url={image}", "conteneur4_tag=1.0",
            $"conteneur4_repository={SwarmNodes.Registry}", "conteneur4_port_in=8080", $"conteneur4_port_out={_pairPort}", "conteneur4_replicas=2");

        // 127.0.0.1:5000 is this host's registry: the other nodes could never pull from it. Refused, nothing made.
        var refused = await _deployment.RunAsync("instance");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("conteneur1_repository", refused.StandardError + refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("conteneur2_repository", refused.StandardError + refused.StandardOutput, StringComparison.Ordinal);
        Assert.Empty((await SwarmNodes.DockerAsync(1, "service", "ls", "-q")).Trim());

        await _deployment.SucceedAsync("set", $"conteneur1_repository={SwarmNodes.Registry}", $"conteneur2_repository={SwarmNodes.Registry}");
        await _deployment.SucceedAsync("instance");

        // Three tasks, one per node (each publishes the port on its own node), and nginx reaches all three.
        Assert.Equal([SwarmNodes.HostName(1), SwarmNodes.HostName(2), SwarmNodes.HostName(3)], await SwarmNodes.RunningTaskNodesAsync(_web));
        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 30 && answered.Count < 3; i++)
        {
            answered.Add((await _deployment.GetAsync($"/{_web}/node.txt")).Trim());
        }

        Assert.Equal(await TaskHostsByNodeAsync([1, 2, 3]), answered.Order(StringComparer.Ordinal).ToList());

        // Host directories exist on one node: every task of the service with a volume stays on the manager's.
        Assert.Equal([SwarmNodes.HostName(1), SwarmNodes.HostName(1), SwarmNodes.HostName(1)], await SwarmNodes.RunningTaskNodesAsync(_data));
        // conteneurN_contraintes: both tasks where the constraint says.
        Assert.Equal([SwarmNodes.HostName(3), SwarmNodes.HostName(3)], await SwarmNodes.RunningTaskNodesAsync(_placed));
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);

        // status says where each task runs.
        var status = (await _deployment.SucceedAsync("status")).StandardOutput;
        Assert.Contains("Tasks (node: state)", status, StringComparison.Ordinal);
        Assert.All([1, 2, 3], node => Assert.Contains($"{SwarmNodes.HostName(node)}: running", status, StringComparison.Ordinal));
        using (var json = System.Text.Json.JsonDocument.Parse((await _deployment.SucceedAsync("status", "--json")).StandardOutput))
        {
            var web = json.RootElement.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == _web);
            Assert.Equal(
                [SwarmNodes.HostName(1), SwarmNodes.HostName(2), SwarmNodes.HostName(3)],
                web.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("node").GetString()!).ToList());
        }

        var route = $"http://127.0.0.1:{_deployment.HttpPort}/{_web}/";

        // A new tag: swarm replaces the tasks one at a time, nginx sends each request to a node whose task is not being replaced.
        // Three replicas on three nodes: each task stops first (its node holds the port). Two: a new task starts first on
        // the free node, then the old one stops.
        var pairRoute = $"http://127.0.0.1:{_deployment.HttpPort}/{_pair}/";
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0", "conteneur4_tag=2.0");
        var plan = await _deployment.RunAsync("plan");
        Assert.Equal(3, plan.ExitCode);
        Assert.Contains("task by task, by swarm", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{SwarmNodes.HostName(2)}: running", plan.StandardOutput, StringComparison.Ordinal);
        await MoveAsync("rolling update to 2.0 (3 replicas stop-first, 2 replicas start-first)", [route, pairRoute], async () =>
        {
            var updated = await _deployment.SucceedAsync("reconfigure");
            Assert.Contains("task by task", updated.StandardOutput, StringComparison.Ordinal);
        });
        Assert.All(await GetManyAsync(route, 9), page => Assert.Contains("multi 2.0", page, StringComparison.Ordinal));
        Assert.All(await GetManyAsync(pairRoute, 6), page => Assert.Contains("multi 2.0", page, StringComparison.Ordinal));
        Assert.Equal("stop-first", (await SwarmNodes.DockerAsync(1, "service", "inspect", _web, "--format", "{{.Spec.UpdateConfig.Order}}")).Trim());
        Assert.Equal("start-first", (await SwarmNodes.DockerAsync(1, "service", "inspect", _pair, "--format", "{{.Spec.UpdateConfig.Order}}")).Trim());
        Assert.Equal([SwarmNodes.HostName(1), SwarmNodes.HostName(2), SwarmNodes.HostName(3)], await SwarmNodes.RunningTaskNodesAsync(_web));

        // An image that crashes, then one that serves but whose HEALTHCHECK fails (its task never counts as running):
        // swarm rolls each update back by itself, the run says so, 2.0 never stops serving.
        foreach (var (tag, what) in new[] { ("3.0", "update to a crashing 3.0, rolled back"), ("4.0", "update to an unhealthy 4.0, rolled back") })
        {
            await _deployment.SucceedAsync("set", "conteneur1_tag=" + tag);
            await MoveAsync(what, route, async () =>
            {
                var failed = await _deployment.RunAsync("reconfigure");
                Assert.True(failed.ExitCode == 1, $"exit {failed.ExitCode}\n{failed.StandardOutput}\n{failed.StandardError}");
                Assert.Contains("rolled the update", failed.StandardOutput + failed.StandardError, StringComparison.Ordinal);
            });
            Assert.All(await GetManyAsync(route, 9), page => Assert.Contains("multi 2.0", page, StringComparison.Ordinal));
        }

        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
        await MoveAsync("node 2 drained", route, () => SwarmNodes.DockerAsync(1, "node", "update", "--availability", "drain", SwarmNodes.HostName(2)));
        Assert.DoesNotContain(SwarmNodes.HostName(2), await SwarmNodes.RunningTaskNodesAsync(_web));
        // The drained node's task is gone from status; its replacement waits for a node with the port free.
        var drained = (await _deployment.SucceedAsync("status")).StandardOutput;
        Assert.DoesNotContain($"{SwarmNodes.HostName(2)}: running", drained, StringComparison.Ordinal);
        Assert.Contains(": pending", drained, StringComparison.Ordinal);

        await MoveAsync("node 3 lost", route, () => SwarmNodes.LoseAsync(3));
        Assert.Contains((await _deployment.GetAsync($"/{_web}/node.txt")).Trim(), await TaskHostsByNodeAsync([1]));
    }

    /// <summary>Requests through nginx for 5 s before and 10 s after <paramref name="move"/>: none may fail.</summary>
    private Task MoveAsync(string what, string route, Func<Task> move) => MoveAsync(what, [route], move);

    private async Task MoveAsync(string what, string[] routes, Func<Task> move)
    {
        await using var load = RequestLoop.Start(routes);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var moved = Stopwatch.StartNew();
        await move();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await load.StopAsync();
        output.WriteLine($"{what}: {load.Succeeded} requests ok, {load.Failed} failed, slowest {load.Slowest.TotalMilliseconds:0} ms ({moved.Elapsed.TotalSeconds:0.0} s watched after the move)");
        load.AssertNoneFailed(atLeast: 20);
    }

    private static async Task<IReadOnlyList<string>> GetManyAsync(string url, int count)
    {
        var pages = new List<string>();
        for (var i = 0; i < count; i++)
        {
            pages.Add(await HttpProbe.GetStringAsync(url, TimeSpan.FromSeconds(10)));
        }

        return pages;
    }

    /// <summary>The host names of the web service's running task containers on the given nodes (a container's host name is its short id).</summary>
    private async Task<IReadOnlyList<string>> TaskHostsByNodeAsync(IEnumerable<int> nodes)
    {
        var hosts = new List<string>();
        foreach (var node in nodes)
        {
            var ids = await SwarmNodes.DockerAsync(node, "ps", "--filter", "label=com.docker.swarm.service.name=" + _web, "--format", "{{.ID}}");
            hosts.AddRange(ids.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(id => id.Trim()));
        }

        return hosts.Order(StringComparer.Ordinal).ToList();
    }
}
