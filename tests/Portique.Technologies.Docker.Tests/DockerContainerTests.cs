using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;
using Portique.TestSupport;

namespace Portique.Technologies.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class DockerContainerTests(DockerFixture fixture) : IDisposable
{
    private const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_host_folder_that_became_a_link_into_a_system_tree_is_not_mounted()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("linked", "linked-1");
        var data = _root.PathOf("srv", "linked");
        Directory.CreateDirectory(_root.PathOf("srv"));
        // Validated as a plain folder; by the time of the mount it leads to /etc.
        File.CreateSymbolicLink(data, "/etc");
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("linked"), image, volumes: [new VolumeMapping(data, "/data")]);
        var imageId = await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.CreateAsync(spec, imageId, Ct));

        Assert.Contains("/etc", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await driver.ListOwnedAsync(Ct), i => i.Name == spec.Name);
    }

    [Fact]
    public async Task Create_publishes_the_ports_binds_the_volumes_sets_the_environment_and_labels_the_container()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("writer", "writer-1", TestImageOptions.WritingEnvironmentToFile);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("srv", "data", "writer");
        var spec = DockerFixture.LocalSpec(
            fixture.Images.Name("writer"),
            image,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=hello from the environment", "PORTIQUE_TEST_OUTPUT=/data/out.txt"]);

        var imageId = await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);
        var created = await driver.CreateAsync(spec, imageId, Ct);

        Assert.Equal(spec.Name, created.Name);
        Assert.Equal(DockerModule.Docker, created.Technology);
        Assert.Equal(InstanceState.Running, created.State);
        Assert.False(created.IsAside);
        Assert.Equal(spec.SpecHash(), created.SpecHash);
        Assert.Equal(spec.CanonicalJson(), created.SpecJson);
        Assert.Equal(imageId, created.ArtifactId);
        Assert.Equal(image, created.Version);
        Assert.Equal([new PortMapping(port, 8080)], created.Ports);

        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("hello from the environment\n", await WaitForFileAsync(Path.Join(data, "out.txt")));
        Assert.Equal(Mode0750, File.GetUnixFileMode(data));
        Assert.Equal(Mode0750, File.GetUnixFileMode(_root.PathOf("srv")));

        var inspected = await fixture.Images.Client.Containers.InspectContainerAsync(created.InstanceId!, Ct);
        Assert.Equal("/" + spec.Name, inspected.Name);
        var labels = inspected.Config!.Labels!;
        Assert.Equal(_root.Directory, labels["portique.root"]);
        Assert.Equal(spec.Name, labels["portique.name"]);
        Assert.Equal("docker", labels["portique.technology"]);
        Assert.Equal(spec.SpecHash(), labels["portique.spec-hash"]);
        Assert.Equal(spec.CanonicalJson(), labels["portique.spec"]);
        Assert.Equal("1", labels["portique.index"]);
        Assert.Equal(RestartPolicyKind.UnlessStopped, inspected.HostConfig!.RestartPolicy!.Name);
        Assert.Contains("PORTIQUE_TEST_MESSAGE=hello from the environment", inspected.Config.Env);
        var binding = Assert.Single(inspected.HostConfig.PortBindings!["8080/tcp"]!);
        Assert.Equal("127.0.0.1", binding.HostIP);
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), binding.HostPort);
        Assert.Contains("8080/tcp", inspected.Config.ExposedPorts!.Keys);
        var mount = Assert.Single(inspected.Mounts!);
        Assert.Equal(("bind", data, "/data"), (mount.Type, mount.Source, mount.Destination));
    }

    [Fact]
    public async Task Create_fails_clearly_when_the_host_port_is_taken_and_leaves_no_container_behind()
    {
        using var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("squatted"), fixture.BaseImage, ports: [new PortMapping(port, 8080)]);
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
        using var driver = fixture.Driver(_root);
        var nestedRoot = new PortiqueRoot(_root.PathOf("nested"));
        using var otherDriver = fixture.Driver(nestedRoot);
        var owned = DockerFixture.LocalSpec(fixture.Images.Name("owned"), fixture.BaseImage);
        var other = DockerFixture.LocalSpec(fixture.Images.Name("other"), fixture.BaseImage);
        var imageId = await driver.FetchAsync(owned, false, new RecordingProgress(), Ct);
        var ownedInstance = await driver.CreateAsync(owned, imageId, Ct);
        var otherInstance = await otherDriver.CreateAsync(other, imageId, Ct);
        var foreignName = fixture.Images.Name("foreign");
        var foreign = await fixture.Images.Client.Containers.CreateContainerAsync(
            new CreateContainerParameters { Name = foreignName, Image = fixture.BaseImage },
            Ct);

        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((owned.Name, ownedInstance.InstanceId), (listed.Name, listed.InstanceId));
        var listedByOther = Assert.Single(await otherDriver.ListOwnedAsync(Ct));
        Assert.Equal(otherInstance.InstanceId, listedByOther.InstanceId);

        Assert.Null(await driver.FindForeignHolderAsync(owned.Name, Ct));
        Assert.Null(await driver.FindForeignHolderAsync(fixture.Images.Name("nobody"), Ct));
        var unlabelled = await driver.FindForeignHolderAsync(foreignName, Ct);
        Assert.NotNull(unlabelled);
        Assert.Contains(foreign.ID[..12], unlabelled);
        Assert.Contains(fixture.BaseImage, unlabelled);
        var otherRoot = await driver.FindForeignHolderAsync(other.Name, Ct);
        Assert.NotNull(otherRoot);
        Assert.Contains(nestedRoot.Directory, otherRoot);

        // A foreign container is never touched, whatever the caller passes.
        var pretend = listed with { InstanceId = foreign.ID };
        await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.RemoveAsync(pretend, Ct));
        Assert.NotNull(await fixture.Images.Client.Containers.InspectContainerAsync(foreign.ID, Ct));
    }

    [Fact]
    public async Task One_list_call_observes_what_create_returned_and_finds_the_kept_image()
    {
        using var driver = fixture.Driver(_root);
        var port = TestPorts.FreePort();
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("listed"), fixture.BaseImage, ports: [new PortMapping(port, 8080)]);
        var imageId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var created = await driver.CreateAsync(spec, imageId, Ct);

        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal(
            (created.Name, created.Technology, created.State, created.SpecHash, created.SpecJson, created.IsAside, created.InstanceId, created.ArtifactId, created.Version),
            (listed.Name, listed.Technology, listed.State, listed.SpecHash, listed.SpecJson, listed.IsAside, listed.InstanceId, listed.ArtifactId, listed.Version));
        Assert.Equal(created.Ports, listed.Ports);
        Assert.Equal(
            new Dictionary<string, string> { [spec.Name] = imageId },
            await driver.FindLocalArtifactsAsync([spec, DockerFixture.LocalSpec(fixture.Images.Name("absent"), fixture.Images.Name("absent") + ":9")], Ct));

        // Stopped, its ports are those of its recorded spec (dockerd lists none for a stopped container).
        await driver.StopAsync(created, Ct);
        var stopped = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal(InstanceState.Stopped, stopped.State);
        Assert.Equal(created.Ports, stopped.Ports);
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_as_pid_1_stops_at_once_thanks_to_the_init_and_the_spec_stop_timeout_is_kept()
    {
        using var driver = fixture.Driver(_root);
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("init"), fixture.BaseImage) with { StopTimeoutSeconds = 30 };
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        var inspected = await fixture.Images.Client.Containers.InspectContainerAsync(created.InstanceId!, Ct);
        Assert.True(inspected.HostConfig!.Init);
        Assert.Equal(TimeSpan.FromSeconds(30), inspected.Config!.StopTimeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await driver.StopAsync(created, Ct);
        // Without the init, the kernel drops SIGTERM for PID 1 and dockerd would kill it only after the 30 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopped in {clock.Elapsed}");
    }

    [Fact]
    public async Task Limits_are_visible_in_the_engine_and_a_process_allocating_beyond_the_memory_limit_is_killed_and_the_service_restarts()
    {
        using var driver = fixture.Driver(_root);
        // Counts its starts, then needs a 64 MiB buffer (dd's block) before it serves.
        var image = await fixture.BuildVariantAsync("hungry", "hungry-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "echo start >> /data/starts; dd if=/dev/zero of=/dev/null bs=64M count=1 && exec /bin/httpd -f -p 8080 -h /www"],
        });
        var bounded = _root.PathOf("bounded");
        var free = _root.PathOf("free");
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("hungry"), image, volumes: [new VolumeMapping(bounded, "/data")]) with
        {
            MemoryBytes = 16L << 20,
            Cpus = 0.5m,
        };
        var control = DockerFixture.LocalSpec(fixture.Images.Name("sated"), image, volumes: [new VolumeMapping(free, "/data")]);
        var imageId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var created = await driver.CreateAsync(spec, imageId, Ct);
        var unbounded = await driver.CreateAsync(control, imageId, Ct);

        var inspected = await fixture.Images.Client.Containers.InspectContainerAsync(created.InstanceId!, Ct);
        Assert.Equal(16L << 20, inspected.HostConfig!.Memory);
        Assert.Equal(500_000_000L, inspected.HostConfig.NanoCPUs);
        var plain = await fixture.Images.Client.Containers.InspectContainerAsync(unbounded.InstanceId!, Ct);
        Assert.Equal((0L, 0L), (plain.HostConfig!.Memory, plain.HostConfig.NanoCPUs));

        // Killed by the kernel at each start, restarted by the engine's policy; the same image without a limit serves.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && (!File.Exists(Path.Join(bounded, "starts")) || File.ReadAllLines(Path.Join(bounded, "starts")).Length < 2))
        {
            await Task.Delay(200);
        }

        Assert.True(File.ReadAllLines(Path.Join(bounded, "starts")).Length >= 2, "the service over its limit did not restart");
        inspected = await fixture.Images.Client.Containers.InspectContainerAsync(created.InstanceId!, Ct);
        Assert.True(inspected.RestartCount >= 1, $"restart count {inspected.RestartCount}");
        plain = await fixture.Images.Client.Containers.InspectContainerAsync(unbounded.InstanceId!, Ct);
        Assert.Equal((true, 0L), (plain.State!.Running, plain.RestartCount));
        Assert.Single(await File.ReadAllLinesAsync(Path.Join(free, "starts")));
    }

    [Fact]
    public async Task Set_aside_then_restore_keeps_the_same_container_and_its_data_even_across_driver_instances()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("aside", "aside-1", TestImageOptions.WritingEnvironmentToFile);
        var port = TestPorts.FreePort();
        var data = _root.PathOf("aside-data");
        var spec = DockerFixture.LocalSpec(
            fixture.Images.Name("aside"),
            image,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=kept", "PORTIQUE_TEST_OUTPUT=/data/kept.txt"]);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        await WaitForFileAsync(Path.Join(data, "kept.txt"));

        var aside = await driver.SetAsideAsync(created, Ct);

        Assert.True(aside.IsAside);
        Assert.Equal(InstanceState.Stopped, aside.State);
        Assert.Equal(created.InstanceId, aside.InstanceId);
        Assert.Equal(spec.Name, aside.Name);
        var inspected = await fixture.Images.Client.Containers.InspectContainerAsync(created.InstanceId!, Ct);
        Assert.Equal("/" + spec.Name + ServiceLifecycle.AsideSuffix, inspected.Name);
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct));

        // A crash here: a new process (a new driver) still sees the instance as aside, with its spec.
        using var afterCrash = fixture.Driver(_root);
        var seen = Assert.Single(await afterCrash.ListOwnedAsync(Ct));
        Assert.True(seen.IsAside);
        Assert.Equal((spec.Name, spec.SpecHash(), created.InstanceId), (seen.Name, seen.SpecHash, seen.InstanceId));

        var restored = await afterCrash.RestoreAsync(seen, Ct);

        Assert.False(restored.IsAside);
        Assert.Equal(InstanceState.Running, restored.State);
        Assert.Equal(created.InstanceId, restored.InstanceId);
        Assert.Equal("/" + spec.Name, (await fixture.Images.Client.Containers.InspectContainerAsync(created.InstanceId!, Ct)).Name);
        Assert.Contains(TestImages.IndexPage("aside-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Join(data, "kept.txt"), Ct));
    }

    [Fact]
    public async Task Remove_deletes_the_container_but_never_the_host_data()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("removed", "removed-1", TestImageOptions.WritingEnvironmentToFile);
        var data = _root.PathOf("removed-data");
        var spec = DockerFixture.LocalSpec(
            fixture.Images.Name("removed"),
            image,
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
    public async Task Health_is_unhealthy_when_the_image_healthcheck_fails()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("sick", "sick-1", TestImageOptions.FailingHealthCheck);
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("sick"), image);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.Unhealthy, await driver.WaitForHealthAsync(created, Ct));
        Assert.Equal(EngineHealth.Unhealthy, await driver.CheckHealthAsync(created, Ct));
    }

    [Fact]
    public async Task Health_is_healthy_for_a_passing_healthcheck_and_running_without_one()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("fit", "fit-1", TestImageOptions.PassingHealthCheck);
        var fit = DockerFixture.LocalSpec(fixture.Images.Name("fit"), image);
        var plain = DockerFixture.LocalSpec(fixture.Images.Name("plain"), fixture.BaseImage);
        var fitInstance = await driver.CreateAsync(fit, await driver.FetchAsync(fit, false, new RecordingProgress(), Ct), Ct);
        var plainInstance = await driver.CreateAsync(plain, await driver.FetchAsync(plain, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.Healthy, await driver.WaitForHealthAsync(fitInstance, Ct));
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(plainInstance, Ct));
        Assert.Equal(EngineHealth.Running, await driver.CheckHealthAsync(plainInstance, Ct));
    }

    [Fact]
    public async Task Health_is_not_running_when_the_command_crashes()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("crash", "crash-1", TestImageOptions.Crashing);
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("crash"), image);
        var created = await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(created, Ct));
        Assert.Contains("crashing on purpose", await driver.ReadLogsAsync(spec.Name, 10, Ct));

        await driver.SetAsideAsync(created, Ct); // stopped for good: the restart policy no longer brings it back
        Assert.Equal(EngineHealth.NotRunning, await driver.CheckHealthAsync(created, Ct));
    }

    [Fact]
    public async Task Logs_return_the_last_lines_of_stdout_and_stderr_and_follow_streams_them()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("chatty", "chatty-1", TestImageOptions.Logging);
        var port = TestPorts.FreePort();
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("chatty"), image, ports: [new PortMapping(port, 8080)]);
        await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);
        await HttpProbe.GetLocalAsync(port); // the script printed everything before exec'ing httpd

        // dockerd copies stdout and stderr separately: wait until both reached the log.
        var all = await driver.ReadLogsAsync(spec.Name, 1000, Ct);
        for (var tries = 0; all.Count < 21 && tries < 50; tries++)
        {
            await Task.Delay(100);
            all = await driver.ReadLogsAsync(spec.Name, 1000, Ct);
        }

        var last = await driver.ReadLogsAsync(spec.Name, 3, Ct);

        // Order across the two streams is dockerd's (it copies them concurrently); within one stream it is kept.
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
    public async Task Availability_is_null_when_dockerd_answers_and_a_clear_message_when_it_does_not()
    {
        using var driver = fixture.Driver(_root);
        var missing = new Uri("unix:///nonexistent/docker.sock");
        using var nowhere = new DockerDriver(_root.Root, missing);

        // Connecting ahead never throws: the probe says what is wrong.
        await driver.ConnectAheadAsync(Ct);
        await nowhere.ConnectAheadAsync(Ct);
        Assert.Null(await driver.CheckAvailabilityAsync(Ct));

        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = Localization.French;
            Assert.StartsWith("dockerd ne répond pas sur unix:///nonexistent/docker.sock", await nowhere.CheckAvailabilityAsync(Ct));
            CultureInfo.CurrentUICulture = Localization.English;
            Assert.StartsWith("dockerd is not answering on unix:///nonexistent/docker.sock", await nowhere.CheckAvailabilityAsync(Ct));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => nowhere.ListOwnedAsync(Ct));
        Assert.Contains(missing.ToString(), failure.Message);
    }

    [Fact]
    public async Task The_client_speaks_the_api_version_dockerd_offers_unless_one_is_pinned()
    {
        var server = await fixture.Images.Client.System.GetVersionAsync(Ct);
        using var negotiated = await DockerEndpoint.ConnectAsync(RequiredServices.DockerEndpoint, null, Ct);
        using var pinned = await DockerEndpoint.ConnectAsync(RequiredServices.DockerEndpoint, new System.Version(1, 40), Ct);
        using var tooNew = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint, new DockerDriverOptions { ApiVersion = new System.Version(9, 99) });

        var expected = System.Version.Parse(server.APIVersion!);
        Assert.Equal(expected > DockerEndpoint.MaximumApiVersion ? DockerEndpoint.MaximumApiVersion : expected, negotiated.Options.ApiVersion);
        Assert.NotNull(await negotiated.Containers.ListContainersAsync(new ContainersListParameters { All = true }, Ct));
        Assert.Equal(new System.Version(1, 40), pinned.Options.ApiVersion);
        Assert.NotNull(await pinned.Containers.ListContainersAsync(new ContainersListParameters { All = true }, Ct));
        Assert.Contains("9.99", await tooNew.CheckAvailabilityAsync(Ct));
    }

    [Fact]
    public async Task A_creation_interrupted_at_any_moment_leaves_no_container_behind()
    {
        using var driver = fixture.Driver(_root);
        var image = await fixture.BuildVariantAsync("interrupted", "interrupted-1");
        // As a replacement without interruption makes it: a fixed address on the root's network, its DNS the gateway.
        var network = TestNetworks.Free();
        var spec = DockerFixture.LocalSpec(fixture.Images.Name("interrupted"), image) with { Network = network.Cidr };
        spec = spec with { Address = network.AddressFor(spec.Name) };
        var imageId = await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);

        // How long an uninterrupted creation takes here: the interruptions fall before, during and after its steps
        // (dockerd 20.10 finished a create whose client had left, once in about five runs of this test).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await driver.RemoveAsync(await driver.CreateAsync(spec, imageId, Ct), Ct);
        var whole = clock.Elapsed;
        var interrupted = 0;
        for (var step = 0; step < 48; step++)
        {
            using var cancel = new CancellationTokenSource(whole * step / 40);
            try
            {
                await driver.RemoveAsync(await driver.CreateAsync(spec, imageId, cancel.Token), Ct);
            }
            catch (OperationCanceledException)
            {
                interrupted++;
            }

            var left = (await driver.ListOwnedAsync(Ct)).Where(i => i.Name == spec.Name).ToList();
            Assert.True(left.Count == 0, $"interrupted after {(whole * step / 40).TotalMilliseconds:F0} ms: left {string.Join(", ", left.Select(i => i.InstanceName + " " + i.State))}");
        }

        Assert.True(interrupted > 0, "no creation was interrupted");
        await driver.LeavePrivateNetworkAsync(Ct);
    }

    private static async Task<string> WaitForFileAsync(string path)
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
