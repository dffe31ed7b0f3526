using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Technologies.Podman.Tests;

[Collection(PodmanCollection.Name)]
public sealed class PodmanContainerTests(PodmanFixture fixture) : IDisposable
{
    private const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Fetch_pulls_from_the_local_registry_only_when_podman_lacks_the_image_with_portique_s_own_configuration()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("pulled", "pulled-1");
        var reference = PodmanDriver.ImageReference(spec);
        Assert.Equal(RequiredServices.Registry + "/" + spec.Url + ":v1", reference);
        Assert.False(await fixture.HasImageAsync(reference));

        var first = new RecordingProgress();
        var pulled = await driver.FetchAsync(spec, refresh: false, first, Ct);
        var second = new RecordingProgress();
        var present = await driver.FetchAsync(spec, refresh: false, second, Ct);

        Assert.Contains(first.Lines, line => line.Contains(reference));
        Assert.True(await fixture.HasImageAsync(reference));
        Assert.Matches("^[0-9a-f]{64}$", pulled);
        Assert.Empty(second.Lines); // present: no pull at all
        Assert.Equal(pulled, present);

        // The registry is plain HTTP: Portique's registries.conf declares it; its containers.conf drops the ulimits runc refuses.
        Assert.Equal(_root.PathOf("etc", "portique", "podman", "registries.conf"), driver.RegistriesConfPath);
        Assert.Contains("location = \"127.0.0.1:5000\"\ninsecure = true", await File.ReadAllTextAsync(driver.RegistriesConfPath, Ct));
        Assert.Equal(_root.PathOf("etc", "portique", "podman", "containers.conf"), driver.ContainersConfPath);
        Assert.Contains("default_ulimits = []", await File.ReadAllTextAsync(driver.ContainersConfPath, Ct));
    }

    [Fact]
    public async Task Fetch_with_refresh_follows_a_tag_that_moved_in_the_registry()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("moving", "moving-1", tag: "latest");
        var oldId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        fixture.TrackPodmanImage(oldId); // left without a name by the refresh
        await fixture.PublishedSpecAsync("moving", "moving-2", tag: "latest");

        var withoutRefresh = new RecordingProgress();
        Assert.Equal(oldId, await driver.FetchAsync(spec, refresh: false, withoutRefresh, Ct));
        Assert.Empty(withoutRefresh.Lines);

        var withRefresh = new RecordingProgress();
        var newId = await driver.FetchAsync(spec, refresh: true, withRefresh, Ct);
        Assert.NotEqual(oldId, newId);
        Assert.NotEmpty(withRefresh.Lines);
    }

    [Fact]
    public async Task Fetch_of_a_missing_tag_fails_naming_the_image()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("tagless", "tagless-1") with { Tag = "v404" };

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains(PodmanDriver.ImageReference(spec), failure.Message);
        Assert.Contains("manifest unknown", failure.Message);
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_as_pid_1_ends_on_sigterm_under_the_init_not_killed_at_the_stop_timeout()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("init", "init-1") with { StopTimeoutSeconds = 30 };
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct), Ct);
        Assert.True((await fixture.InspectAsync(created.InstanceId!)).GetProperty("HostConfig").GetProperty("Init").GetBoolean());

        await driver.StopAsync(created, Ct);

        // busybox httpd as PID 1 never sees SIGTERM (the kernel drops it): podman would kill it at 30 s, exit 137.
        // Under the init it is an ordinary process, and SIGTERM ends it: 143.
        var state = (await fixture.InspectAsync(created.InstanceId!)).GetProperty("State");
        Assert.Equal(143, state.GetProperty("ExitCode").GetInt32());
    }

    [Fact]
    public async Task Limits_are_visible_in_podman_inspect()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("bounded", "bounded-1") with { MemoryBytes = 64L << 20, Cpus = 0.5m };

        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct), Ct);

        var host = (await fixture.InspectAsync(created.InstanceId!)).GetProperty("HostConfig");
        Assert.Equal(64L << 20, host.GetProperty("Memory").GetInt64());
        Assert.Equal(500_000_000L, host.GetProperty("NanoCpus").GetInt64());
    }

    [Fact]
    public async Task Status_reads_the_memory_a_process_holds_under_its_limit_from_the_containers_cgroup()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("using", "using-1", TestImageOptions.Holding20MiB) with { MemoryBytes = 64L << 20 };
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct), Ct);

        var usage = await UsageProbe.WaitForMemoryAsync(() => driver.ReadUsageAsync(created, Ct), 20L << 20);

        Assert.NotNull(usage);
        Assert.InRange(usage.MemoryBytes, 20L << 20, 64L << 20);
        Assert.NotNull(usage.CpuPercent);
    }

    [Fact]
    public async Task Create_publishes_the_port_binds_the_volume_sets_the_environment_and_labels_the_container()
    {
        var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("srv", "data", "writer");
        var spec = await fixture.PublishedSpecAsync(
            "writer",
            "writer-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=hello from the environment", "PORTIQUE_TEST_OUTPUT=/data/out.txt"]);

        var imageId = await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);
        var created = await driver.CreateAsync(spec, imageId, Ct);

        Assert.Equal((spec.Name, PodmanModule.Podman, InstanceState.Running, false), (created.Name, created.Technology, created.State, created.IsAside));
        Assert.Equal((spec.SpecHash(), spec.CanonicalJson()), (created.SpecHash, created.SpecJson));
        Assert.Equal(imageId, created.ArtifactId);
        Assert.Equal(PodmanDriver.ImageReference(spec), created.Version);
        Assert.Equal([new PortMapping(port, 8080)], created.Ports);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));

        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("hello from the environment\n", await WaitForFileAsync(Path.Join(data, "out.txt")));
        Assert.Equal(Mode0750, File.GetUnixFileMode(data));
        Assert.Equal(Mode0750, File.GetUnixFileMode(_root.PathOf("srv")));

        var inspected = await fixture.InspectAsync(created.InstanceId!);
        Assert.Equal(spec.Name, inspected.GetProperty("Name").GetString());
        var labels = inspected.GetProperty("Config").GetProperty("Labels");
        Assert.Equal(_root.Directory, labels.GetProperty(DockerDriver.Labels.Root).GetString());
        Assert.Equal(spec.Name, labels.GetProperty(DockerDriver.Labels.Name).GetString());
        Assert.Equal("podman", labels.GetProperty(DockerDriver.Labels.Technology).GetString());
        Assert.Equal(spec.SpecHash(), labels.GetProperty(DockerDriver.Labels.SpecHash).GetString());
        Assert.Equal(spec.CanonicalJson(), labels.GetProperty(DockerDriver.Labels.Spec).GetString());
        Assert.Equal("1", labels.GetProperty(DockerDriver.Labels.Index).GetString());
        Assert.Equal("always", inspected.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Contains("PORTIQUE_TEST_MESSAGE=hello from the environment", inspected.GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        var binding = Assert.Single(inspected.GetProperty("HostConfig").GetProperty("PortBindings").GetProperty("8080/tcp").EnumerateArray());
        Assert.Equal(("127.0.0.1", port.ToString(CultureInfo.InvariantCulture)), (binding.GetProperty("HostIp").GetString(), binding.GetProperty("HostPort").GetString()));
        var mount = Assert.Single(inspected.GetProperty("Mounts").EnumerateArray());
        Assert.Equal(("bind", data, "/data"), (mount.GetProperty("Type").GetString(), mount.GetProperty("Source").GetString(), mount.GetProperty("Destination").GetString()));
    }

    [Fact]
    public async Task A_file_written_in_the_volume_is_still_there_after_the_container_is_recreated_on_the_same_port()
    {
        var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("recreated-data");
        var first = await fixture.PublishedSpecAsync(
            "recreated",
            "recreated-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=first", "PORTIQUE_TEST_OUTPUT=/data/first.txt"]);
        var old = await driver.CreateAsync(first, await driver.FetchAsync(first, false, new RecordingProgress(), Ct), Ct);
        Assert.Equal("first\n", await WaitForFileAsync(Path.Join(data, "first.txt")));
        var second = await fixture.PublishedSpecAsync(
            "recreated",
            "recreated-2",
            TestImageOptions.WritingEnvironmentToFile,
            tag: "v2",
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=second", "PORTIQUE_TEST_OUTPUT=/data/second.txt"],
            name: first.Name);

        // The reconciler's replacement: set aside, create the successor, check it, drop the aside.
        var aside = await driver.SetAsideAsync(old, Ct);
        var created = await driver.CreateAsync(second, await driver.FetchAsync(second, false, new RecordingProgress(), Ct), Ct);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));
        await driver.RemoveAsync(aside, Ct);

        Assert.Contains(TestImages.IndexPage("recreated-2"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("second\n", await WaitForFileAsync(Path.Join(data, "second.txt")));
        Assert.Equal("first\n", await File.ReadAllTextAsync(Path.Join(data, "first.txt"), Ct));
        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((created.InstanceId, second.SpecHash(), false), (listed.InstanceId, listed.SpecHash, listed.IsAside));
    }

    [Fact]
    public async Task Create_fails_clearly_when_the_host_port_is_taken_and_leaves_no_container_behind()
    {
        var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        var spec = await fixture.PublishedSpecAsync("squatted", "squatted-1", ports: [new PortMapping(port, 8080)]);
        var imageId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.CreateAsync(spec, imageId, Ct));

        Assert.Contains(spec.Name, failure.Message);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), failure.Message);
        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct));
    }

    [Fact]
    public async Task List_returns_only_the_containers_of_this_root_and_find_foreign_holder_names_the_others()
    {
        var driver = fixture.Driver(_root);
        var nestedRoot = new PortiqueRoot(_root.PathOf("nested"));
        var otherDriver = fixture.Driver(nestedRoot);
        var owned = await fixture.PublishedSpecAsync("owned", "owned-1");
        var other = owned with { Name = fixture.Images.Name("other") };
        var imageId = await driver.FetchAsync(owned, false, new RecordingProgress(), Ct);
        var ownedInstance = await driver.CreateAsync(owned, imageId, Ct);
        var otherInstance = await otherDriver.CreateAsync(other, imageId, Ct);
        var foreignName = fixture.Images.Name("foreign");
        var foreign = await fixture.PodmanAsync("create", "--name", foreignName, imageId);
        Assert.True(foreign.Succeeded, foreign.StandardError);
        var foreignId = foreign.StandardOutput.Trim();

        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((owned.Name, ownedInstance.InstanceId), (listed.Name, listed.InstanceId));
        var listedByOther = Assert.Single(await otherDriver.ListOwnedAsync(Ct));
        Assert.Equal(otherInstance.InstanceId, listedByOther.InstanceId);

        Assert.Null(await driver.FindForeignHolderAsync(owned.Name, Ct));
        Assert.Null(await driver.FindForeignHolderAsync(fixture.Images.Name("nobody"), Ct));
        Assert.Null(await driver.FindForeignHolderAsync(foreignId[..8], Ct)); // an id prefix is not a name
        var unlabelled = await driver.FindForeignHolderAsync(foreignName, Ct);
        Assert.NotNull(unlabelled);
        Assert.Contains(foreignId[..12], unlabelled);
        Assert.Contains(PodmanDriver.ImageReference(owned), unlabelled);
        var otherRoot = await driver.FindForeignHolderAsync(other.Name, Ct);
        Assert.NotNull(otherRoot);
        Assert.Contains(nestedRoot.Directory, otherRoot);

        // A foreign container is never touched, whatever the caller passes.
        var pretend = listed with { InstanceId = foreignId };
        await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.RemoveAsync(pretend, Ct));
        await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.SetAsideAsync(pretend, Ct));
        Assert.Equal(foreignName, (await fixture.InspectAsync(foreignId)).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Set_aside_then_restore_keeps_the_same_container_and_its_data_even_across_driver_instances()
    {
        var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("aside-data");
        var spec = await fixture.PublishedSpecAsync(
            "aside",
            "aside-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=kept", "PORTIQUE_TEST_OUTPUT=/data/kept.txt"]);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        await WaitForFileAsync(Path.Join(data, "kept.txt"));

        var aside = await driver.SetAsideAsync(created, Ct);

        Assert.True(aside.IsAside);
        Assert.Equal((spec.Name, InstanceState.Stopped, created.InstanceId), (aside.Name, aside.State, aside.InstanceId));
        Assert.Equal(spec.Name + ServiceLifecycle.AsideSuffix, (await fixture.InspectAsync(created.InstanceId!)).GetProperty("Name").GetString());
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct));
        Assert.True(new SocketHostProbe().IsPortFree("127.0.0.1", port));

        // A crash here: a new process (a new driver) still sees the instance as aside, with its spec.
        var afterCrash = fixture.Driver(_root);
        var seen = Assert.Single(await afterCrash.ListOwnedAsync(Ct));
        Assert.True(seen.IsAside);
        Assert.Equal((spec.Name, spec.SpecHash(), created.InstanceId), (seen.Name, seen.SpecHash, seen.InstanceId));

        var restored = await afterCrash.RestoreAsync(seen, Ct);

        Assert.False(restored.IsAside);
        Assert.Equal((InstanceState.Running, created.InstanceId), (restored.State, restored.InstanceId));
        Assert.Equal(spec.Name, (await fixture.InspectAsync(created.InstanceId!)).GetProperty("Name").GetString());
        Assert.Contains(TestImages.IndexPage("aside-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Join(data, "kept.txt"), Ct));
    }

    [Fact]
    public async Task Remove_deletes_the_container_but_never_the_host_data()
    {
        var driver = fixture.Driver(_root);
        var data = _root.PathOf("removed-data");
        var spec = await fixture.PublishedSpecAsync(
            "removed",
            "removed-1",
            TestImageOptions.WritingEnvironmentToFile,
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=survives", "PORTIQUE_TEST_OUTPUT=/data/survives.txt"]);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        await WaitForFileAsync(Path.Join(data, "survives.txt"));

        await driver.RemoveAsync(created, Ct);

        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct));
        Assert.Equal("survives\n", await File.ReadAllTextAsync(Path.Join(data, "survives.txt"), Ct));
        await driver.RemoveAsync(created, Ct); // already gone: nothing to do, no error
    }

    [Fact]
    public async Task Start_starts_a_stopped_container_again()
    {
        var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var spec = await fixture.PublishedSpecAsync("stopped", "stopped-1", ports: [new PortMapping(port, 8080)]);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        Assert.True((await fixture.PodmanAsync("stop", "--time", "0", created.InstanceId!)).Succeeded);
        var stopped = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((InstanceState.Stopped, false), (stopped.State, stopped.IsAside));

        await driver.StartAsync(stopped, Ct);

        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(stopped, Ct));
        Assert.Contains(TestImages.IndexPage("stopped-1"), await HttpProbe.GetLocalAsync(port));
    }

    [Fact]
    public async Task Health_is_not_running_when_the_command_crashes_and_setting_it_aside_stops_the_restart_loop()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("crash", "crash-1", TestImageOptions.Crashing);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(created, Ct));
        Assert.Contains("crashing on purpose", await driver.ReadLogsAsync(spec.Name, 10, Ct));

        // podman restarts it without delay and its stop does not hold between two restarts: the driver checks.
        var aside = await driver.SetAsideAsync(created, Ct);
        var before = await fixture.InspectAsync(aside.InstanceId!);
        if (aside.InstanceId != created.InstanceId)
        {
            // The loop was caught: the aside instance is a clone podman never started, so no restart policy applies to it.
            Assert.Equal(DateTime.MinValue, before.GetProperty("State").GetProperty("StartedAt").GetDateTime());
            Assert.False((await fixture.PodmanAsync("container", "exists", created.InstanceId!)).Succeeded);
        }

        // Several inspections in a row (each waits for podman's answer, no fixed sleep) while the crashing command would
        // restart within milliseconds: the count and the state must not move.
        for (var i = 0; i < 10; i++)
        {
            var again = await fixture.InspectAsync(aside.InstanceId!);
            Assert.False(again.GetProperty("State").GetProperty("Running").GetBoolean());
            Assert.Equal(before.GetProperty("RestartCount").GetInt64(), again.GetProperty("RestartCount").GetInt64());
        }

        var after = await fixture.InspectAsync(aside.InstanceId!);
        Assert.True(aside.IsAside);
        Assert.Equal(spec.Name + ServiceLifecycle.AsideSuffix, after.GetProperty("Name").GetString());
        Assert.Equal(EngineHealth.NotRunning, await driver.CheckHealthAsync(aside, Ct));
        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((true, spec.SpecHash()), (listed.IsAside, listed.SpecHash));
    }

    [Fact]
    public async Task Health_is_healthy_for_a_passing_healthcheck_and_running_without_one()
    {
        var driver = fixture.Driver(_root);
        var fit = await fixture.PublishedSpecAsync("fit", "fit-1", TestImageOptions.PassingHealthCheck);
        var plain = await fixture.PublishedSpecAsync("plain", "plain-1");
        var fitInstance = await driver.CreateAsync(fit, await driver.FetchAsync(fit, false, new RecordingProgress(), Ct), Ct);
        var plainInstance = await driver.CreateAsync(plain, await driver.FetchAsync(plain, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.Healthy, await driver.WaitForHealthAsync(fitInstance, Ct));
        Assert.Equal(EngineHealth.Healthy, await driver.CheckHealthAsync(fitInstance, Ct));
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(plainInstance, Ct));
        Assert.Equal(EngineHealth.Running, await driver.CheckHealthAsync(plainInstance, Ct));
    }

    [Fact]
    public async Task Health_is_unhealthy_when_the_image_healthcheck_fails()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("sick", "sick-1", TestImageOptions.FailingHealthCheck);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.Unhealthy, await driver.WaitForHealthAsync(created, Ct));
        Assert.Equal(EngineHealth.Unhealthy, await driver.CheckHealthAsync(created, Ct));
    }

    [Fact]
    public async Task Logs_return_the_last_lines_of_stdout_and_stderr_and_follow_streams_them()
    {
        var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var spec = await fixture.PublishedSpecAsync("chatty", "chatty-1", TestImageOptions.Logging, ports: [new PortMapping(port, 8080)]);
        await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        await HttpProbe.GetLocalAsync(port); // the script printed everything before exec'ing httpd

        var all = await driver.ReadLogsAsync(spec.Name, 1000, Ct);
        for (var tries = 0; all.Count < 21 && tries < 50; tries++)
        {
            await Task.Delay(100);
            all = await driver.ReadLogsAsync(spec.Name, 1000, Ct);
        }

        var last = await driver.ReadLogsAsync(spec.Name, 3, Ct);

        Assert.Equal(21, all.Count);
        Assert.Equal(all.Skip(18), last);
        Assert.Contains("error line", all);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"line {i}"), all.Where(l => l != "error line"));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var followed = new List<string>();
        await foreach (var line in driver.FollowLogsAsync(spec.Name, stop.Token))
        {
            followed.Add(line);
            if (followed.Count == all.Count)
            {
                await stop.CancelAsync();
            }
        }

        Assert.Equal(all.Order(), followed.Order());
    }

    [Fact]
    public async Task Availability_is_null_when_podman_answers_and_names_the_package_when_it_is_missing()
    {
        var driver = fixture.Driver(_root);
        using var emptyRoot = new TempRoot();
        var nowhere = new PodmanDriver(emptyRoot.Root, new PodmanDriverOptions { Executable = "/nonexistent/podman" });

        Assert.Null(await driver.CheckAvailabilityAsync(Ct));

        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = Localization.French;
            var french = await nowhere.CheckAvailabilityAsync(Ct);
            Assert.StartsWith("podman ne peut pas être lancé (/nonexistent/podman", french);
            Assert.EndsWith("installez le paquet podman (apt-get install podman)", french);
            CultureInfo.CurrentUICulture = Localization.English;
            var english = await nowhere.CheckAvailabilityAsync(Ct);
            Assert.StartsWith("podman cannot be run (/nonexistent/podman", english);
            Assert.EndsWith("install the podman package (apt-get install podman)", english);
            Assert.False(File.Exists(nowhere.ContainersConfPath)); // nothing written for an engine that is not there
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        var failure = await Assert.ThrowsAnyAsync<RuntimeFailureException>(() => nowhere.ListOwnedAsync(Ct));
        Assert.Contains("/nonexistent/podman", failure.Message);
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
