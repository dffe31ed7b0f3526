using System.Globalization;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Technologies.Swarm.Tests;

[Collection(SwarmCollection.Name)]
public sealed class SwarmServiceTests(SwarmFixture fixture) : IDisposable
{
    private const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Fetch_pulls_from_the_registry_only_when_the_image_is_absent_and_pins_its_digest()
    {
        using var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("pulled", "pulled-1", pullNeeded: true);
        var reference = SwarmDriver.ImageReference(spec);
        Assert.Null(await fixture.Images.TryInspectImageAsync(reference));

        var first = new RecordingProgress();
        var pulled = await driver.FetchAsync(spec, refresh: false, first, Ct);
        var second = new RecordingProgress();
        var present = await driver.FetchAsync(spec, refresh: false, second, Ct);

        Assert.Contains(first.Lines, line => line.Contains(reference));
        Assert.NotNull(await fixture.Images.TryInspectImageAsync(reference));
        Assert.StartsWith(reference + "@sha256:", pulled);
        Assert.Empty(second.Lines); // present: no pull at all
        Assert.Equal(pulled, present);
    }

    [Fact]
    public async Task Fetch_with_refresh_follows_a_tag_that_moved_to_a_new_digest()
    {
        using var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("moving", "moving-1", tag: "latest");
        var old = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var oldId = (await fixture.Images.TryInspectImageAsync(SwarmDriver.ImageReference(spec)))!.ID;

        // Push a new image under the same tag, then point the local tag back at the old image.
        await fixture.Images.PublishAsync(spec.Url, "latest", "moving-2", new TestImageOptions { BaseImage = fixture.BaseImage }, keepLocal: true);
        await fixture.Images.Client.Images.TagImageAsync(oldId, new ImageTagParameters { RepositoryName = RequiredServices.Registry + "/" + spec.Url, Tag = "latest" }, Ct);

        Assert.Equal(old, await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct));
        var refreshed = await driver.FetchAsync(spec, refresh: true, new RecordingProgress(), Ct);

        Assert.NotEqual(old, refreshed);
        Assert.StartsWith(SwarmDriver.ImageReference(spec) + "@sha256:", refreshed);
    }

    [Fact]
    public async Task Limits_reach_the_swarm_service_and_its_task_and_status_reads_the_memory_the_task_holds()
    {
        using var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("using", "using-1", TestImageOptions.Holding20MiB) with { MemoryBytes = 64L << 20, Cpus = 0.5m };

        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));

        var service = (await fixture.TryInspectServiceAsync(spec.Name))!;
        var limits = service.Spec!.TaskTemplate!.Resources!.Limits!;
        Assert.Equal((64L << 20, 500_000_000L), (limits.MemoryBytes, limits.NanoCPUs));
        var usage = await UsageProbe.WaitForMemoryAsync(() => driver.ReadUsageAsync(created, Ct), 20L << 20);

        Assert.NotNull(usage);
        Assert.InRange(usage.MemoryBytes, 20L << 20, 64L << 20);
        Assert.NotNull(usage.CpuPercent);
    }

    [Fact]
    public async Task Create_publishes_the_port_in_host_mode_binds_the_volume_and_labels_only_the_service()
    {
        using var driver = fixture.Driver(_root);
        using var docker = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("srv", "data", "writer");
        var spec = await fixture.PublishedSpecAsync(
            "writer",
            "writer-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=hello from the environment", "PORTIQUE_TEST_OUTPUT=/data/out.txt"]);

        var artifact = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var created = await driver.CreateAsync(spec, artifact, Ct);

        Assert.Equal((spec.Name, SwarmModule.Swarm, InstanceState.Running, false), (created.Name, created.Technology, created.State, created.IsAside));
        Assert.Equal((spec.SpecHash(), spec.CanonicalJson()), (created.SpecHash, created.SpecJson));
        Assert.Equal(artifact, created.ArtifactId);
        Assert.Equal(SwarmDriver.ImageReference(spec), created.Version);
        Assert.Equal([new PortMapping(port, 8080)], created.Ports);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));

        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("hello from the environment\n", await WaitForFileAsync(Path.Join(data, "out.txt")));
        Assert.Equal(Mode0750, File.GetUnixFileMode(data));
        Assert.Equal(Mode0750, File.GetUnixFileMode(_root.PathOf("srv")));

        var service = (await fixture.TryInspectServiceAsync(spec.Name))!;
        var labels = service.Spec!.Labels!;
        Assert.Equal(_root.Directory, labels["portique.root"]);
        Assert.Equal(spec.Name, labels["portique.name"]);
        Assert.Equal("swarm", labels["portique.technology"]);
        Assert.Equal(spec.SpecHash(), labels["portique.spec-hash"]);
        Assert.Equal(spec.CanonicalJson(), labels["portique.spec"]);
        Assert.Equal("1", labels["portique.index"]);
        var published = Assert.Single(service.Spec.EndpointSpec!.Ports!);
        Assert.Equal(("host", (uint?)port, (uint?)8080), (published.PublishMode, published.PublishedPort, published.TargetPort));
        var container = service.Spec.TaskTemplate!.ContainerSpec!;
        var mount = Assert.Single(container.Mounts!);
        Assert.Equal(("bind", data, "/data"), (mount.Type, mount.Source, mount.Target));
        Assert.Equal(artifact, container.Image);
        Assert.Equal(TimeSpan.FromSeconds(1), container.StopGracePeriod);
        Assert.Equal("any", service.Spec.TaskTemplate.RestartPolicy!.Condition);
        Assert.Equal(1UL, service.Spec.Mode!.Replicated!.Replicas);

        // The task containers carry no Portique label: the docker driver of the same root never takes them for its own.
        var task = Assert.Single(await fixture.TaskContainersAsync(service.ID));
        Assert.DoesNotContain(task.Labels!.Keys, key => key is DockerDriver.Labels.Root or DockerDriver.Labels.Name or DockerDriver.Labels.Spec or DockerDriver.Labels.SpecHash);
        Assert.Empty(await docker.ListOwnedAsync(Ct));
        Assert.Null(await docker.FindForeignHolderAsync(spec.Name, Ct));
    }

    [Fact]
    public async Task Memory_and_cpu_limits_reach_the_service_spec_and_the_running_task_container()
    {
        using var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("bounded", "bounded-1") with
        {
            MemoryBytes = 48L << 20,
            Cpus = 0.5m,
        };

        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));

        var service = (await fixture.TryInspectServiceAsync(spec.Name))!;
        var limits = service.Spec!.TaskTemplate!.Resources!.Limits!;
        Assert.Equal((48L << 20, 500_000_000L), (limits.MemoryBytes, limits.NanoCPUs));
        var task = Assert.Single(await fixture.TaskContainersAsync(service.ID), container => container.State == "running");
        var inspected = await fixture.Images.Client.Containers.InspectContainerAsync(task.ID, Ct);
        Assert.Equal((48L << 20, 500_000_000L), (inspected.HostConfig!.Memory, inspected.HostConfig.NanoCPUs));
    }

    [Fact]
    public async Task A_task_over_its_memory_limit_is_killed_by_the_kernel_and_swarm_starts_another()
    {
        using var driver = fixture.Driver(_root);
        var data = _root.PathOf("hungry-data");
        // busybox dd holds a 64 MiB buffer: over a 16 MiB limit the kernel kills it at each start.
        var hungry = new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "echo start >> /data/starts; dd if=/dev/zero of=/dev/null bs=64M count=1 && exec /bin/httpd -f -p 8080 -h /www"],
        };
        var published = await fixture.PublishedSpecAsync("hungry", "hungry-1", hungry, volumes: [new VolumeMapping(data, "/data")]);
        var spec = published with { MemoryBytes = 16L << 20 };

        await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        var starts = Path.Join(data, "starts");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && (!File.Exists(starts) || File.ReadAllLines(starts).Length < 2))
        {
            await Task.Delay(250);
        }

        Assert.True(File.Exists(starts) && File.ReadAllLines(starts).Length >= 2, "the task over its limit was not started again");
        var service = (await fixture.TryInspectServiceAsync(spec.Name))!;
        var killed = (await fixture.TaskContainersAsync(service.ID)).Where(c => c.State == "exited").ToList();
        Assert.NotEmpty(killed);
        var inspected = await fixture.Images.Client.Containers.InspectContainerAsync(killed[0].ID, Ct);
        // Killed by SIGKILL under the 16 MiB limit. dockerd's OOMKilled flag is not asserted: it comes
        // from a cgroup event that can arrive after the exit, and was once read false for a killed task.
        Assert.Equal((137L, 16L << 20), (inspected.State!.ExitCode, inspected.HostConfig!.Memory));
    }

    [Fact]
    public async Task A_file_written_in_the_volume_is_still_there_after_the_service_is_recreated_on_the_same_port()
    {
        using var driver = fixture.Driver(_root);
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
        Assert.False(File.Exists(driver.AsideRecordPath(first.Name)));
    }

    [Fact]
    public async Task List_returns_only_the_services_of_this_root_and_find_foreign_holder_names_the_others()
    {
        using var driver = fixture.Driver(_root);
        var nestedRoot = new PortiqueRoot(_root.PathOf("nested"));
        using var otherDriver = fixture.Driver(nestedRoot);
        var owned = await fixture.PublishedSpecAsync("owned", "owned-1");
        var other = owned with { Name = fixture.Images.Name("other") };
        var artifact = await driver.FetchAsync(owned, false, new RecordingProgress(), Ct);
        var ownedInstance = await driver.CreateAsync(owned, artifact, Ct);
        var otherInstance = await otherDriver.CreateAsync(other, artifact, Ct);
        var foreignName = fixture.Images.Name("foreign");
        var foreign = await fixture.Images.Client.Swarm.CreateServiceAsync(
            new ServiceCreateParameters
            {
                Service = new global::Docker.DotNet.Models.ServiceSpec
                {
                    Name = foreignName,
                    TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = artifact } },
                },
            },
            Ct);
        var foreignId = foreign.ID!;
        try
        {
            var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
            Assert.Equal((owned.Name, ownedInstance.InstanceId), (listed.Name, listed.InstanceId));
            var listedByOther = Assert.Single(await otherDriver.ListOwnedAsync(Ct));
            Assert.Equal(otherInstance.InstanceId, listedByOther.InstanceId);

            Assert.Null(await driver.FindForeignHolderAsync(owned.Name, Ct));
            Assert.Null(await driver.FindForeignHolderAsync(fixture.Images.Name("nobody"), Ct));
            var unlabelled = await driver.FindForeignHolderAsync(foreignName, Ct);
            Assert.NotNull(unlabelled);
            Assert.Contains(foreignId[..12], unlabelled);
            Assert.Contains(artifact, unlabelled);
            var otherRoot = await driver.FindForeignHolderAsync(other.Name, Ct);
            Assert.NotNull(otherRoot);
            Assert.Contains(nestedRoot.Directory, otherRoot);

            // A foreign service is never touched, whatever the caller passes.
            var pretend = listed with { InstanceId = foreignId };
            await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.RemoveAsync(pretend, Ct));
            await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.SetAsideAsync(pretend, Ct));
            Assert.NotNull(await fixture.TryInspectServiceAsync(foreignName));
        }
        finally
        {
            await fixture.Images.Client.Swarm.RemoveServiceAsync(foreignId, Ct);
        }
    }

    [Fact]
    public async Task Set_aside_records_and_removes_the_service_and_restore_recreates_it_even_across_driver_instances()
    {
        using var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("aside-data");
        var spec = await fixture.PublishedSpecAsync(
            "aside",
            "aside-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=kept", "PORTIQUE_TEST_OUTPUT=/data/kept.txt"]);
        var artifact = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var created = await driver.CreateAsync(spec, artifact, Ct);
        await WaitForFileAsync(Path.Join(data, "kept.txt"));

        var aside = await driver.SetAsideAsync(created, Ct);

        Assert.True(aside.IsAside);
        Assert.Equal((spec.Name, InstanceState.Stopped, spec.SpecHash(), artifact), (aside.Name, aside.State, aside.SpecHash, aside.ArtifactId));
        Assert.Equal([new PortMapping(port, 8080)], aside.Ports);
        Assert.True(File.Exists(driver.AsideRecordPath(spec.Name)));
        Assert.Equal(Path.Join(_root.Directory, "var", "lib", "portique", "swarm", spec.Name + ".aside.json"), driver.AsideRecordPath(spec.Name));
        Assert.Null(await fixture.TryInspectServiceAsync(spec.Name)); // the name is free
        Assert.Empty(await fixture.TaskContainersAsync(created.InstanceId!)); // and so is the port
        Assert.True(new SocketHostProbe().IsPortFree("127.0.0.1", port));
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct));
        Assert.Equal(EngineHealth.NotRunning, await driver.CheckHealthAsync(aside, Ct));
        Assert.Contains(spec.Name, (await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.ReadLogsAsync(spec.Name, 5, Ct))).Message);

        // A crash here: a new process (a new driver) still sees the instance as aside, with its spec.
        using var afterCrash = fixture.Driver(_root);
        var seen = Assert.Single(await afterCrash.ListOwnedAsync(Ct));
        Assert.True(seen.IsAside);
        Assert.Equal((spec.Name, spec.SpecHash(), spec.CanonicalJson()), (seen.Name, seen.SpecHash, seen.SpecJson));

        var restored = await afterCrash.RestoreAsync(seen, Ct);

        Assert.False(restored.IsAside);
        Assert.Equal((spec.Name, spec.SpecHash(), artifact), (restored.Name, restored.SpecHash, restored.ArtifactId));
        Assert.False(File.Exists(driver.AsideRecordPath(spec.Name)));
        Assert.Equal(EngineHealth.Running, await afterCrash.WaitForHealthAsync(restored, Ct));
        Assert.Contains(TestImages.IndexPage("aside-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Join(data, "kept.txt"), Ct));
        var labels = (await fixture.TryInspectServiceAsync(spec.Name))!.Spec!.Labels!;
        Assert.Equal((_root.Directory, spec.CanonicalJson()), (labels["portique.root"], labels["portique.spec"]));
        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.False(listed.IsAside);
    }

    [Fact]
    public async Task Remove_deletes_the_service_or_the_aside_record_but_never_the_host_data()
    {
        using var driver = fixture.Driver(_root);
        var data = _root.PathOf("removed-data");
        var spec = await fixture.PublishedSpecAsync(
            "removed",
            "removed-1",
            TestImageOptions.WritingEnvironmentToFile,
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=survives", "PORTIQUE_TEST_OUTPUT=/data/survives.txt"]);
        var artifact = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var created = await driver.CreateAsync(spec, artifact, Ct);
        await WaitForFileAsync(Path.Join(data, "survives.txt"));

        await driver.RemoveAsync(created, Ct);

        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.Null(await fixture.TryInspectServiceAsync(spec.Name));
        Assert.Empty(await fixture.TaskContainersAsync(created.InstanceId!));
        Assert.Equal("survives\n", await File.ReadAllTextAsync(Path.Join(data, "survives.txt"), Ct));
        await driver.RemoveAsync(created, Ct); // already gone: nothing to do, no error

        var again = await driver.CreateAsync(spec, artifact, Ct);
        var aside = await driver.SetAsideAsync(again, Ct);
        await driver.RemoveAsync(aside, Ct);

        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.False(File.Exists(driver.AsideRecordPath(spec.Name)));
        Assert.True(Directory.Exists(data));
    }

    [Fact]
    public async Task Start_scales_a_service_scaled_to_zero_back_to_its_replicas()
    {
        using var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var spec = await fixture.PublishedSpecAsync("scaled", "scaled-1", ports: [new PortMapping(port, 8080)]);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));
        var service = (await fixture.TryInspectServiceAsync(spec.Name))!;
        service.Spec!.Mode!.Replicated!.Replicas = 0; // what `docker service scale NAME=0` does
        await fixture.Images.Client.Swarm.UpdateServiceAsync(service.ID, new ServiceUpdateParameters { Service = service.Spec, Version = (long)service.Version!.Index! }, Ct);
        var stopped = Assert.Single(await driver.ListOwnedAsync(Ct));
        for (var tries = 0; stopped.State != InstanceState.Stopped && tries < 100; tries++)
        {
            await Task.Delay(100);
            stopped = Assert.Single(await driver.ListOwnedAsync(Ct));
        }

        Assert.Equal(InstanceState.Stopped, stopped.State);

        await driver.StartAsync(stopped, Ct);

        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(stopped, Ct));
        Assert.Equal(1UL, (await fixture.TryInspectServiceAsync(spec.Name))!.Spec!.Mode!.Replicated!.Replicas);
        Assert.Contains(TestImages.IndexPage("scaled-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal(InstanceState.Running, Assert.Single(await driver.ListOwnedAsync(Ct)).State);
    }

    [Fact]
    public async Task Health_is_not_running_when_the_command_crashes_and_the_logs_say_why()
    {
        using var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("crash", "crash-1", TestImageOptions.Crashing);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(created, Ct));
        Assert.Contains("crashing on purpose", await ReadLogsWhenAsync(driver, spec.Name, lines => lines.Contains("crashing on purpose")));
        Assert.Equal(InstanceState.Stopped, Assert.Single(await driver.ListOwnedAsync(Ct)).State);
    }

    [Fact]
    public async Task Health_is_healthy_for_a_passing_healthcheck_and_running_without_one()
    {
        using var driver = fixture.Driver(_root);
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
        using var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("sick", "sick-1", TestImageOptions.FailingHealthCheck);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.Unhealthy, await driver.WaitForHealthAsync(created, Ct));
    }

    [Fact]
    public async Task Logs_return_the_last_lines_of_stdout_and_stderr_and_follow_streams_them()
    {
        using var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var spec = await fixture.PublishedSpecAsync("chatty", "chatty-1", TestImageOptions.Logging, ports: [new PortMapping(port, 8080)]);
        await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        await HttpProbe.GetLocalAsync(port); // the script printed everything before exec'ing httpd

        var all = await ReadLogsWhenAsync(driver, spec.Name, lines => lines.Count >= 21);
        var last = await driver.ReadLogsAsync(spec.Name, 3, Ct);

        Assert.Equal(21, all.Count);
        // Time order across the two streams is dockerd's (it copies them concurrently, so the stderr line's stamp may
        // land anywhere): the tail is the last lines by those stamps, which include the last stdout line.
        // the tail is exactly the last three lines of the whole log in that same order; the stdout lines keep their order.
        Assert.Equal(all.TakeLast(3), last);
        Assert.Equal("line 20", last[^1] == "error line" ? last[^2] : last[^1]);
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
    public async Task On_several_nodes_the_frontend_is_given_every_node_read_again_at_each_run()
    {
        static string Node(string id, string address) =>
            $$$"""{"ID":"{{{id}}}","Description":{"Hostname":"{{{id}}}"},"Status":{"State":"ready","Addr":"{{{address}}}"},"Spec":{"Availability":"active"}}""";
        await using var manager = new FakeDockerd(_root.Directory, "{\"LocalNodeState\":\"active\",\"ControlAvailable\":true,\"NodeID\":\"a\",\"Nodes\":2}")
        {
            NodesJson = $"[{Node("a", "10.0.0.1")},{Node("b", "0.0.0.0")},{Node("c", "10.0.0.3")}]",
        };
        using var driver = new SwarmDriver(_root.Root, manager.Endpoint);

        Assert.Null(await driver.CheckAvailabilityAsync(CancellationToken.None));
        // A node without a usable address is left out rather than given to nginx.
        Assert.Equal(["10.0.0.1", "10.0.0.3"], await driver.ListServingNodesAsync(CancellationToken.None));

        manager.NodesJson = $"[{Node("a", "10.0.0.1")},{Node("d", "10.0.0.4")}]";
        Assert.Equal(["10.0.0.1", "10.0.0.3"], await driver.ListServingNodesAsync(CancellationToken.None));
        Assert.Null(await driver.CheckAvailabilityAsync(CancellationToken.None));
        Assert.Equal(["10.0.0.1", "10.0.0.4"], await driver.ListServingNodesAsync(CancellationToken.None));

        // A loopback registry is refused on several nodes, naming the variable.
        var local = TestSpecs.Create("web", SwarmModule.Swarm, "web", "1", "127.0.0.1:5000") with { Index = 4 };
        Assert.Contains("conteneur4_repository", Assert.Single(await driver.CheckPlacementAsync(local, CancellationToken.None)), StringComparison.Ordinal);
        Assert.Empty(await driver.CheckPlacementAsync(TestSpecs.Create("web", SwarmModule.Swarm, "web", "1", "10.0.0.1:5000"), CancellationToken.None));
    }

    [Fact]
    public async Task Availability_is_null_on_a_swarm_manager_and_says_what_is_missing_otherwise()
    {
        using var driver = fixture.Driver(_root);
        using var nowhere = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"));
        await using var notInSwarm = new FakeDockerd(_root.Directory, "{\"LocalNodeState\":\"inactive\",\"ControlAvailable\":false}");
        using var plainDockerd = new SwarmDriver(_root.Root, notInSwarm.Endpoint);
        var workerDirectory = Directory.CreateDirectory(_root.PathOf("worker")).FullName;
        await using var worker = new FakeDockerd(workerDirectory, "{\"LocalNodeState\":\"active\",\"ControlAvailable\":false}");
        using var onWorker = new SwarmDriver(_root.Root, worker.Endpoint);

        Assert.Null(await driver.CheckAvailabilityAsync(Ct));

        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = Localization.French;
            Assert.StartsWith("dockerd ne répond pas sur unix:///nonexistent/docker.sock", await nowhere.CheckAvailabilityAsync(Ct));
            Assert.Equal(
                $"dockerd sur {notInSwarm.Endpoint} ne fait partie d'aucun swarm (état : inactive) : lancez une fois `docker swarm init --advertise-addr 127.0.0.1` sur ce serveur",
                await plainDockerd.CheckAvailabilityAsync(Ct));
            CultureInfo.CurrentUICulture = Localization.English;
            Assert.StartsWith("dockerd is not answering on unix:///nonexistent/docker.sock", await nowhere.CheckAvailabilityAsync(Ct));
            Assert.Equal(
                $"dockerd on {notInSwarm.Endpoint} is not part of a swarm (state: inactive): run `docker swarm init --advertise-addr 127.0.0.1` once on this server",
                await plainDockerd.CheckAvailabilityAsync(Ct));
            Assert.Contains("not a manager", await onWorker.CheckAvailabilityAsync(Ct));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => nowhere.ListOwnedAsync(Ct));
        Assert.Contains("unix:///nonexistent/docker.sock", failure.Message);
    }

    private static async Task<IReadOnlyList<string>> ReadLogsWhenAsync(SwarmDriver driver, string name, Func<IReadOnlyList<string>, bool> ready)
    {
        // Service logs reach dockerd's log store a moment after the task wrote them.
        var lines = await driver.ReadLogsAsync(name, 1000, Ct);
        for (var tries = 0; !ready(lines) && tries < 100; tries++)
        {
            await Task.Delay(100);
            lines = await driver.ReadLogsAsync(name, 1000, Ct);
        }

        return lines;
    }

    internal static async Task<string> WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && await File.ReadAllTextAsync(path) is { Length: > 0 } content)
            {
                return content;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{path} was not written by the service in time");
        return "";
    }
}
