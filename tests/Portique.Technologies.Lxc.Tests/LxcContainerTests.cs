using CliWrap.Buffered;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Lxc.Tests;

/// <summary>Real lxc containers made from images of the local registry, published by the driver's nginx stream master.</summary>
[Collection(LxcCollection.Name)]
public sealed class LxcContainerTests(LxcFixture fixture) : IAsyncLifetime, IDisposable
{
    private const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly TempRoot _root = new();
    private readonly List<LxcDriver> _drivers = [];

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var driver in _drivers)
        {
            await LxcFixture.CleanAsync(driver);
        }
    }

    /// <summary>After <see cref="DisposeAsync"/> (xunit calls it first): the containers are gone, the root can go.</summary>
    public void Dispose() => _root.Dispose();

    private LxcDriver Driver(PortiqueRoot? root = null, LxcDriverOptions? options = null)
    {
        var driver = fixture.Driver(root ?? _root.Root, options);
        _drivers.Add(driver);
        return driver;
    }

    private static async Task<ObservedService> CreateAsync(LxcDriver driver, ServiceSpec spec) =>
        await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

    [Fact]
    public async Task Create_runs_the_registry_image_with_its_port_published_its_volume_bound_and_its_environment_set()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var data = _root.PathOf("srv", "writer");
        var spec = LxcFixture.Spec(
            "writer",
            fixture.Writer,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=hello from lxc", "PORTIQUE_TEST_OUTPUT=/data/out.txt"]);
        var digest = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var created = await driver.CreateAsync(spec, digest, Ct);

        Assert.Equal(("writer", LxcModule.Lxc, InstanceState.Running, false), (created.Name, created.Technology, created.State, created.IsAside));
        Assert.Equal((spec.SpecHash(), spec.CanonicalJson(), digest), (created.SpecHash, created.SpecJson, created.ArtifactId));
        Assert.Equal([new PortMapping(port, 8080)], created.Ports);
        Assert.StartsWith("sha256:", digest);
        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("hello from lxc\n", await WaitForFileAsync(Path.Join(data, "out.txt")));
        Assert.Equal(Mode0750, File.GetUnixFileMode(data));
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));

        // The container lives in the root's own lxcpath, with its spec recorded next to its lxc configuration.
        var directory = Path.Join(_root.Directory, "var", "lib", "portique", "lxc", "writer");
        Assert.Equal(directory, Path.Join(driver.ContainersDirectory, "writer"));
        var record = JsonNode.Parse(await File.ReadAllTextAsync(Path.Join(directory, "portique.json")))!;
        Assert.Equal(spec.SpecHash(), record["specHash"]!.GetValue<string>());
        Assert.Equal(spec.CanonicalJson(), record["spec"]!.GetValue<string>());
        Assert.Equal(digest, record["digest"]!.GetValue<string>());
        var address = IPAddress.Parse(record["address"]!.GetValue<string>());
        Assert.InRange(address.GetAddressBytes()[3], 100, 250);
        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetStringAsync($"http://{address}:8080/index.html"));
        var config = await File.ReadAllTextAsync(Path.Join(directory, "config"));
        Assert.Contains($"lxc.net.0.ipv4.address = {address}/24", config);
        Assert.Contains($"lxc.mount.entry = {data} data none bind,create=dir 0 0", config);
        Assert.Contains("lxc.environment = PORTIQUE_TEST_MESSAGE=hello from lxc", config);

        // Seen again by a new driver (a new process): same instance, running, nothing to change.
        using var again = new LxcDriver(_root.Root, LxcFixture.FastOptions);
        var listed = Assert.Single(await again.ListOwnedAsync(Ct));
        Assert.Equal((created.InstanceId, InstanceState.Running, spec.SpecHash(), digest), (listed.InstanceId, listed.State, listed.SpecHash, listed.ArtifactId));
        Assert.Empty(Planner.DescribeDifferences(spec, listed));
    }

    [Fact]
    public async Task Limits_are_in_the_containers_configuration_and_its_running_cgroup()
    {
        var driver = Driver();
        var spec = LxcFixture.Spec(
            "bounded",
            fixture.Writer,
            ports: [new PortMapping(TestPorts.FreePort(), 8080)],
            environment: ["PORTIQUE_TEST_MESSAGE=bounded", "PORTIQUE_TEST_OUTPUT=/tmp/out.txt"]) with
        {
            MemoryBytes = 64L << 20,
            Cpus = 0.5m,
        };

        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        var log = Path.Join(driver.ContainersDirectory, "bounded", "lxc.log");
        Assert.True(created.State == InstanceState.Running, File.Exists(log) ? await File.ReadAllTextAsync(log) : "no lxc.log");
        var unified = new LxcDriverOptions().UnifiedCgroups;
        var config = await File.ReadAllTextAsync(Path.Join(driver.ContainersDirectory, "bounded", "config"));
        Assert.Contains(unified ? "lxc.cgroup2.memory.max = 67108864\n" : "lxc.cgroup.memory.limit_in_bytes = 67108864\n", config, StringComparison.Ordinal);
        var read = await CliWrap.Cli.Wrap("lxc-cgroup")
            .WithArguments(["-P", driver.ContainersDirectory, "-n", "bounded", unified ? "memory.max" : "memory.limit_in_bytes"])
            .ExecuteBufferedAsync(Ct);
        Assert.Equal("67108864", read.StandardOutput.Trim());

        // status: what the container uses now, read from its init process's cgroup, under the limit.
        var usage = await driver.ReadUsageAsync(created, Ct);
        Assert.NotNull(usage);
        Assert.InRange(usage.MemoryBytes, 64L << 10, 64L << 20);
        Assert.NotNull(usage.CpuPercent);
    }

    [Fact]
    public async Task A_port_published_on_every_address_answers_on_loopback_and_on_the_hosts_own_address()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var spec = LxcFixture.Spec("everywhere", fixture.Web, ports: [new PortMapping(port, 8080)], publishAddress: "0.0.0.0");

        await CreateAsync(driver, spec);

        Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetLocalAsync(port));
        var hostAddress = await LxcFixture.HostAddressAsync();
        if (hostAddress is not null)
        {
            Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetStringAsync($"http://{hostAddress}:{port}/index.html"));
        }

        // Published on loopback only, the host's own address does not answer.
        var loopbackPort = TestPorts.FreePort();
        await CreateAsync(driver, LxcFixture.Spec("loopback", fixture.Web, ports: [new PortMapping(loopbackPort, 8080)]));
        Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetLocalAsync(loopbackPort));
        if (hostAddress is not null)
        {
            Assert.False(await ConnectsAsync(hostAddress, loopbackPort));
        }
    }

    [Fact]
    public async Task A_volume_file_written_before_a_recreation_is_served_by_the_new_container()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var shared = _root.PathOf("srv", "shared");
        var v1 = LxcFixture.Spec("site", fixture.Web, "1", [new PortMapping(port, 8080)], [new VolumeMapping(shared, "/www/shared")]);
        var old = await CreateAsync(driver, v1);
        await File.WriteAllTextAsync(Path.Join(shared, "note.txt"), "written before the recreation\n");
        Assert.Equal("written before the recreation\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));

        // A recreation as the reconciler does it: set the old one aside, create the new one, remove the old one.
        var v2 = v1 with { Tag = "2" };
        var aside = await driver.SetAsideAsync(old, Ct);
        var created = await CreateAsync(driver, v2);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));
        await driver.RemoveAsync(aside, Ct);

        Assert.Contains(TestImages.IndexPage("lxc-2"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("written before the recreation\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));
        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((created.InstanceId, v2.SpecHash()), (listed.InstanceId, listed.SpecHash));
        Assert.NotEqual(old.InstanceId, listed.InstanceId);
    }

    [Fact]
    public async Task List_returns_only_the_containers_of_this_root_and_find_foreign_holder_names_the_others()
    {
        var driver = Driver();
        var nested = new PortiqueRoot(_root.PathOf("nested"));
        var other = Driver(nested);
        var mine = await CreateAsync(driver, LxcFixture.Spec("mine", fixture.Web));
        var theirs = await CreateAsync(other, LxcFixture.Spec("theirs", fixture.Web));

        // A container in this root's lxcpath that Portique did not make (no portique.json).
        var foreign = Path.Join(driver.ContainersDirectory, "handmade");
        Directory.CreateDirectory(foreign);
        await File.WriteAllTextAsync(Path.Join(foreign, "config"), "lxc.uts.name = handmade\n");

        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal(("mine", mine.InstanceId), (listed.Name, listed.InstanceId));
        var listedByOther = Assert.Single(await other.ListOwnedAsync(Ct));
        Assert.Equal(("theirs", theirs.InstanceId), (listedByOther.Name, listedByOther.InstanceId));

        Assert.Null(await driver.FindForeignHolderAsync("mine", Ct));
        Assert.Null(await driver.FindForeignHolderAsync("theirs", Ct)); // another root's lxcpath: no clash
        Assert.Null(await driver.FindForeignHolderAsync("nobody", Ct));
        Assert.Contains(foreign, await driver.FindForeignHolderAsync("handmade", Ct));

        // A foreign container is never touched, whatever the caller passes.
        await driver.RemoveAsync(listed with { Name = "handmade", InstanceId = null }, Ct);
        Assert.True(File.Exists(Path.Join(foreign, "config")));
        Assert.Equal(InstanceState.Running, Assert.Single(await other.ListOwnedAsync(Ct)).State);
    }

    [Fact]
    public async Task Set_aside_then_restore_keeps_the_same_container_its_address_and_its_data_even_across_driver_instances()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var data = _root.PathOf("aside-data");
        var spec = LxcFixture.Spec(
            "kept",
            fixture.Writer,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=kept", "PORTIQUE_TEST_OUTPUT=/data/kept.txt"]);
        var created = await CreateAsync(driver, spec);
        await WaitForFileAsync(Path.Join(data, "kept.txt"));
        var address = RecordedAddress(driver, "kept");

        var aside = await driver.SetAsideAsync(created, Ct);

        Assert.True(aside.IsAside);
        Assert.Equal((InstanceState.Stopped, created.InstanceId, "kept"), (aside.State, aside.InstanceId, aside.Name));
        Assert.True(Directory.Exists(Path.Join(driver.ContainersDirectory, "kept" + ServiceLifecycle.AsideSuffix)));
        Assert.False(Directory.Exists(Path.Join(driver.ContainersDirectory, "kept")));
        Assert.Null(await driver.FindForeignHolderAsync("kept", Ct));
        Assert.False(await ConnectsAsync(IPAddress.Loopback, port)); // the port is free for the next instance
        Assert.Equal(EngineHealth.NotRunning, await driver.CheckHealthAsync(aside, Ct));

        // A crash here: a new process (a new driver) still sees the instance as aside, with its spec.
        var afterCrash = Driver();
        var seen = Assert.Single(await afterCrash.ListOwnedAsync(Ct));
        Assert.True(seen.IsAside);
        Assert.Equal(("kept", spec.SpecHash(), created.InstanceId), (seen.Name, seen.SpecHash, seen.InstanceId));

        var restored = await afterCrash.RestoreAsync(seen, Ct);

        Assert.False(restored.IsAside);
        Assert.Equal((InstanceState.Running, created.InstanceId), (restored.State, restored.InstanceId));
        Assert.Equal(address, RecordedAddress(driver, "kept"));
        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Join(data, "kept.txt"), Ct));
        Assert.Equal(EngineHealth.Running, await afterCrash.WaitForHealthAsync(restored, Ct));
    }

    [Fact]
    public async Task Remove_deletes_the_container_and_stops_publishing_but_never_deletes_the_host_data()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var data = _root.PathOf("removed-data");
        var spec = LxcFixture.Spec(
            "removed",
            fixture.Writer,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=survives", "PORTIQUE_TEST_OUTPUT=/data/survives.txt"]);
        var created = await CreateAsync(driver, spec);
        await WaitForFileAsync(Path.Join(data, "survives.txt"));

        await driver.RemoveAsync(created, Ct);

        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.False(Directory.Exists(Path.Join(driver.ContainersDirectory, "removed")));
        Assert.Equal("survives\n", await File.ReadAllTextAsync(Path.Join(data, "survives.txt"), Ct));
        Assert.False(await ConnectsAsync(IPAddress.Loopback, port));
        Assert.False(File.Exists(Path.Join(driver.ProxyDirectory, "nginx.conf"))); // nothing left to publish: the master stopped
        await driver.RemoveAsync(created, Ct); // already gone: nothing to do, no error
    }

    [Fact]
    public async Task A_crashing_image_is_not_running_and_its_output_is_in_the_logs()
    {
        var driver = Driver();
        var created = await CreateAsync(driver, LxcFixture.Spec("crashing", fixture.Crash));

        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(created, Ct));
        Assert.Equal(EngineHealth.NotRunning, await driver.CheckHealthAsync(created, Ct));
        Assert.Contains("crashing on purpose", await driver.ReadLogsAsync("crashing", 10, Ct));
        Assert.Equal(InstanceState.Stopped, Assert.Single(await driver.ListOwnedAsync(Ct)).State);

        // Started again, it crashes again; the previous run's output is kept too.
        await driver.StartAsync(created, Ct);
        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(created, Ct));
        Assert.Equal(2, (await driver.ReadLogsAsync("crashing", 10, Ct)).Count(l => l == "crashing on purpose"));
    }

    [Fact]
    public async Task A_crashing_instance_started_beside_has_its_own_logs_under_its_next_name()
    {
        var driver = Driver();
        await CreateAsync(driver, LxcFixture.Spec("beside", fixture.Web));
        var crashing = LxcFixture.Spec("beside", fixture.Crash);

        var next = await driver.CreateBesideAsync(crashing, await driver.FetchAsync(crashing, false, new RecordingProgress(), Ct), Ct);

        // What a failed replacement's rollback reports: the new instance's last lines, not the old one's.
        Assert.Equal(ServiceLifecycle.NextName("beside"), next.InstanceName);
        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(next, Ct));
        Assert.Contains("crashing on purpose", await driver.ReadLogsAsync(next.InstanceName!, 10, Ct));
        Assert.DoesNotContain("crashing on purpose", await driver.ReadLogsAsync("beside", 10, Ct));
        await driver.RemoveAsync(next, Ct);
        await Assert.ThrowsAsync<InstanceMissingException>(() => driver.ReadLogsAsync(next.InstanceName!, 10, Ct));
    }

    [Fact]
    public async Task Logs_return_the_last_lines_and_follow_streams_new_ones_until_cancelled()
    {
        var driver = Driver();
        await CreateAsync(driver, LxcFixture.Spec("ticker", fixture.Ticker));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await driver.ReadLogsAsync("ticker", 1000, Ct)).Contains("tick 2") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var all = await driver.ReadLogsAsync("ticker", 1000, Ct);
        Assert.Equal("error line", all[0]);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"line {i}"), all.Skip(1).Take(20));
        Assert.Equal(3, (await driver.ReadLogsAsync("ticker", 3, Ct)).Count);
        Assert.Empty(await driver.ReadLogsAsync("ticker", 0, Ct));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var followed = new List<string>();
        await foreach (var line in driver.FollowLogsAsync("ticker", stop.Token))
        {
            followed.Add(line);
            if (followed.Count(l => l.StartsWith("tick ", StringComparison.Ordinal)) >= all.Count(l => l.StartsWith("tick ", StringComparison.Ordinal)) + 3)
            {
                await stop.CancelAsync();
            }
        }

        Assert.Contains("line 20", followed);
        var ticks = followed.Where(l => l.StartsWith("tick ", StringComparison.Ordinal)).Select(l => int.Parse(l[5..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(ticks[0], ticks.Count), ticks); // in order, none lost
        await Assert.ThrowsAsync<InstanceMissingException>(() => driver.ReadLogsAsync("nobody", 10, Ct));
    }

    [Fact]
    public async Task A_container_whose_port_proxy_died_is_seen_stopped_and_start_publishes_it_again()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var created = await CreateAsync(driver, LxcFixture.Spec("orphan", fixture.Web, ports: [new PortMapping(port, 8080)]));
        Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetLocalAsync(port));

        await driver.StopPortProxyAsync(Ct); // as after a crash of the nginx master: the container still runs

        Assert.False(await ConnectsAsync(IPAddress.Loopback, port));
        Assert.Equal(InstanceState.Stopped, Assert.Single(await driver.ListOwnedAsync(Ct)).State); // so the planner starts it
        await driver.StartAsync(created, Ct);
        Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetLocalAsync(port));
        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((InstanceState.Running, created.InstanceId), (listed.State, listed.InstanceId));
    }

    [Fact]
    public async Task Create_fails_clearly_when_the_host_port_is_taken_and_leaves_no_container_behind()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        var spec = LxcFixture.Spec("squatted", fixture.Web, ports: [new PortMapping(port, 8080)]);
        var digest = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.CreateAsync(spec, digest, Ct));

        Assert.Contains("squatted", failure.Message);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), failure.Message);
        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.False(Directory.Exists(Path.Join(driver.ContainersDirectory, "squatted")));
    }

    [Fact]
    public async Task An_exhausted_address_pool_is_a_clear_error_and_leaves_no_container_behind()
    {
        // A pool of one address, outside the default pool so no other test competes for it.
        var options = LxcFixture.FastOptions with { AddressPoolFirst = "10.0.3.251", AddressPoolLast = "10.0.3.251" };
        var driver = Driver(options: options);
        await CreateAsync(driver, LxcFixture.Spec("first", fixture.Web));
        Assert.Equal("10.0.3.251", RecordedAddress(driver, "first"));

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => CreateAsync(driver, LxcFixture.Spec("second", fixture.Web)));

        Assert.Contains("second", failure.Message);
        Assert.Contains("10.0.3.251", failure.Message);
        Assert.Equal("first", Assert.Single(await driver.ListOwnedAsync(Ct)).Name);
        Assert.False(Directory.Exists(Path.Join(driver.ContainersDirectory, "second")));
    }

    private static string RecordedAddress(LxcDriver driver, string name)
    {
        var directory = new[] { name, name + ServiceLifecycle.AsideSuffix }
            .Select(d => Path.Join(driver.ContainersDirectory, d))
            .First(Directory.Exists);
        return JsonNode.Parse(File.ReadAllText(Path.Join(directory, "portique.json")))!["address"]!.GetValue<string>();
    }

    private static async Task<bool> ConnectsAsync(IPAddress address, int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    internal static async Task<string> WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && await File.ReadAllTextAsync(path) is { Length: > 0 } content)
            {
                return content;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{path} was not written by the container in time");
        return "";
    }
}
