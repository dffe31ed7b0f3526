using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Vagrant.Tests;

/// <summary>Real <c>vagrant up/halt/destroy</c> with the docker provider, images from the local registry.</summary>
[Collection(VagrantCollection.Name)]
public sealed class VagrantMachineTests(VagrantFixture fixture) : IAsyncLifetime, IDisposable
{
    private const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly TempRoot _root = new();
    private readonly List<VagrantDriver> _drivers = [];

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var driver in _drivers)
        {
            await fixture.CleanAsync(driver.Root);
            driver.Dispose();
        }
    }

    public void Dispose() => _root.Dispose();

    private VagrantDriver Driver(PortiqueRoot? root = null)
    {
        var driver = fixture.Driver(root ?? _root.Root);
        _drivers.Add(driver);
        return driver;
    }

    private static async Task<ObservedService> CreateAsync(VagrantDriver driver, ServiceSpec spec) =>
        await driver.CreateAsync(spec, await driver.FetchAsync(spec, false, new RecordingProgress(), Ct), Ct);

    private async Task<ContainerInspectResponse> InspectAsync(string nameOrId) =>
        await fixture.Images.Client.Containers.InspectContainerAsync(nameOrId, Ct);

    [Fact]
    public async Task Create_runs_the_registry_image_in_a_container_named_apart_from_the_docker_technology_with_port_volume_and_environment()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var data = _root.PathOf("srv", "writer");
        var spec = fixture.Spec(
            "writer",
            fixture.Writer,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=it's \"quoted\" #{not interpolated} \\ here", "PORTIQUE_TEST_OUTPUT=/data/out.txt"]) with
        {
            MemoryBytes = 64L << 20,
            Cpus = 0.5m,
        };
        var imageId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var created = await driver.CreateAsync(spec, imageId, Ct);

        Assert.Equal((spec.Name, VagrantModule.Vagrant, InstanceState.Running, false), (created.Name, created.Technology, created.State, created.IsAside));
        Assert.Equal((spec.SpecHash(), spec.CanonicalJson(), imageId), (created.SpecHash, created.SpecJson, created.ArtifactId));
        Assert.Equal([new PortMapping(port, 8080)], created.Ports);
        Assert.Contains(TestImages.IndexPage("writer-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("it's \"quoted\" #{not interpolated} \\ here\n", await WaitForFileAsync(Path.Join(data, "out.txt")));
        Assert.Equal(Mode0750, File.GetUnixFileMode(data));
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));

        // The project: a generated Vagrantfile and the record, in the root's own folder for the service.
        var folder = Path.Join(_root.Directory, "var", "lib", "portique", "vagrant", spec.Name);
        Assert.True(File.Exists(Path.Join(folder, "Vagrantfile")));
        var record = JsonNode.Parse(await File.ReadAllTextAsync(Path.Join(folder, "portique.json")))!;
        Assert.Equal(spec.SpecHash(), record["specHash"]!.GetValue<string>());
        Assert.Equal("docker", record["provider"]!.GetValue<string>());

        // The container: vagrant's name, no portique.root label (the docker driver must not take it for its own).
        var container = await InspectAsync("portique-vagrant." + spec.Name);
        Assert.Equal(imageId, container.Image);
        Assert.DoesNotContain("portique.root", container.Config!.Labels!.Keys);
        Assert.Equal(_root.Directory, container.Config.Labels["portique.vagrant.root"]);
        var binding = Assert.Single(container.HostConfig!.PortBindings!["8080/tcp"]!);
        Assert.Equal(("127.0.0.1", port.ToString(CultureInfo.InvariantCulture)), (binding.HostIP, binding.HostPort));
        Assert.Equal(RestartPolicyKind.UnlessStopped, container.HostConfig.RestartPolicy!.Name);
        // Limits through the docker provider's create_args, and status reading the container's use under them.
        Assert.Equal((64L << 20, 500_000_000L), (container.HostConfig.Memory, container.HostConfig.NanoCPUs));
        var usage = await driver.ReadUsageAsync(created, Ct);
        Assert.NotNull(usage);
        Assert.InRange(usage.MemoryBytes, 1L, 64L << 20);
        using var docker = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint);
        Assert.Empty(await docker.ListOwnedAsync(Ct));

        // Seen again by a new driver (a new process): same instance, running, nothing to change.
        var again = Driver();
        var listed = Assert.Single(await again.ListOwnedAsync(Ct));
        Assert.Equal((created.InstanceId, InstanceState.Running, imageId), (listed.InstanceId, listed.State, listed.ArtifactId));
        Assert.Empty(Planner.DescribeDifferences(spec, listed));
    }

    [Fact]
    public async Task The_memory_and_cpu_limits_reach_the_docker_provider_container()
    {
        var driver = Driver();
        var spec = fixture.Spec("bounded", fixture.Web) with { MemoryBytes = 48L << 20, Cpus = 0.5m };

        var created = await CreateAsync(driver, spec);

        Assert.Equal(InstanceState.Running, created.State);
        var inspected = await InspectAsync("portique-vagrant." + spec.Name);
        Assert.Equal((48L << 20, 48L << 20, 500_000_000L), (inspected.HostConfig!.Memory, inspected.HostConfig.MemorySwap, inspected.HostConfig.NanoCPUs));
    }

    [Fact]
    public async Task A_volume_file_written_before_a_recreation_is_served_by_the_new_machine()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var shared = _root.PathOf("srv", "shared");
        var v1 = fixture.Spec("site", fixture.Web, "1", [new PortMapping(port, 8080)], [new VolumeMapping(shared, "/www/shared")]);
        var old = await CreateAsync(driver, v1);
        await File.WriteAllTextAsync(Path.Join(shared, "note.txt"), "written before the recreation\n");
        Assert.Equal("written before the recreation\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));

        var aside = await driver.SetAsideAsync(old, Ct);
        var created = await CreateAsync(driver, v1 with { Tag = "2" });
        Assert.Equal(EngineHealth.Running, await driver.WaitForHealthAsync(created, Ct));
        await driver.RemoveAsync(aside, Ct);

        Assert.Contains(TestImages.IndexPage("vagrant-2"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("written before the recreation\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));
        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal(created.InstanceId, listed.InstanceId);
        Assert.False(Directory.Exists(Path.Join(driver.ProjectsDirectory, v1.Name + ServiceLifecycle.AsideSuffix)));
    }

    [Fact]
    public async Task List_returns_only_the_machines_of_this_root_and_find_foreign_holder_names_the_others()
    {
        var driver = Driver();
        var other = Driver(new PortiqueRoot(_root.PathOf("nested")));
        var mine = await CreateAsync(driver, fixture.Spec("mine", fixture.Web));
        var theirsSpec = fixture.Spec("theirs", fixture.Web);
        var theirs = await CreateAsync(other, theirsSpec);

        // A container holding a vagrant name that no root made, and a folder no Portique made.
        var squatter = fixture.Images.Name("squatter");
        fixture.Images.TrackContainer("portique-vagrant." + squatter);
        await fixture.Images.Client.Containers.CreateContainerAsync(
            new CreateContainerParameters { Name = "portique-vagrant." + squatter, Image = RequiredServices.Registry + "/" + fixture.Web + ":1" }, Ct);
        var handmade = Path.Join(driver.ProjectsDirectory, "handmade");
        Directory.CreateDirectory(handmade);

        var listed = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal(mine.InstanceId, listed.InstanceId);
        Assert.Equal(theirs.InstanceId, Assert.Single(await other.ListOwnedAsync(Ct)).InstanceId);

        Assert.Null(await driver.FindForeignHolderAsync(mine.Name, Ct));
        Assert.Null(await driver.FindForeignHolderAsync(fixture.Images.Name("nobody"), Ct));
        Assert.Contains(_root.PathOf("nested"), await driver.FindForeignHolderAsync(theirsSpec.Name, Ct));
        Assert.Contains("portique-vagrant." + squatter, await driver.FindForeignHolderAsync(squatter, Ct));
        Assert.Contains(handmade, await driver.FindForeignHolderAsync("handmade", Ct));

        // Another root's machine is never touched, whatever the caller passes.
        await driver.RemoveAsync(theirs, Ct);
        Assert.Equal(InstanceState.Running, Assert.Single(await other.ListOwnedAsync(Ct)).State);
    }

    [Fact]
    public async Task A_machine_started_beside_the_running_one_takes_the_next_name_and_is_the_service_once_the_first_is_gone()
    {
        var driver = Driver();
        var first = await CreateAsync(driver, fixture.Spec("beside", fixture.Web));
        var next = fixture.Spec("beside", fixture.Web, tag: "2");

        var beside = await driver.CreateBesideAsync(next, await driver.FetchAsync(next, false, new RecordingProgress(), Ct), Ct);

        var nextName = ServiceLifecycle.NextName(next.Name);
        Assert.Equal(nextName, beside.InstanceName);
        Assert.Equal(InstanceState.Running, beside.State);
        Assert.True((await InspectAsync(Vagrantfile.ContainerName(next.Name))).State?.Running);
        Assert.True((await InspectAsync(Vagrantfile.ContainerName(nextName))).State?.Running);
        var listed = await driver.ListOwnedAsync(Ct);
        Assert.Equal([(null, first.InstanceId), (nextName, beside.InstanceId)], listed.Select(o => (o.InstanceName, o.InstanceId)).Order());

        await driver.RemoveAsync(first, Ct);
        Assert.Same(beside, await ((IServiceDriver)driver).TakeServiceNameAsync(beside, Ct)); // a running machine's folder cannot move
        var left = Assert.Single(await driver.ListOwnedAsync(Ct));
        Assert.Equal((next.Name, nextName, beside.InstanceId, InstanceState.Running), (left.Name, left.InstanceName, left.InstanceId, left.State));
        Assert.Equal(EngineHealth.Running, (await driver.ObserveAsync(left, Ct)).Health);

        // The next replacement goes back to the service's own name, which is free again.
        var again = await driver.CreateBesideAsync(next, await driver.FetchAsync(next, false, new RecordingProgress(), Ct), Ct);
        Assert.Null(again.InstanceName);
        await driver.RemoveAsync(left, Ct);
        Assert.Equal(again.InstanceId, Assert.Single(await driver.ListOwnedAsync(Ct)).InstanceId);
    }

    [Fact]
    public async Task A_crashing_machine_started_beside_has_its_own_logs_under_its_next_name()
    {
        var driver = Driver();
        await CreateAsync(driver, fixture.Spec("besidelog", fixture.Web));
        var crashing = fixture.Spec("besidelog", fixture.Crash);

        var next = await driver.CreateBesideAsync(crashing, await driver.FetchAsync(crashing, false, new RecordingProgress(), Ct), Ct);

        // What a failed replacement's rollback reports: the new machine's last lines, not the old one's.
        Assert.Equal(ServiceLifecycle.NextName(crashing.Name), next.InstanceName);
        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(next, Ct));
        Assert.Contains("crashing on purpose", await driver.ReadLogsAsync(next.InstanceName!, 10, Ct));
        Assert.DoesNotContain("crashing on purpose", await driver.ReadLogsAsync(crashing.Name, 10, Ct));
    }

    [Fact]
    public async Task Set_aside_then_restore_keeps_the_same_container_and_its_data_even_across_driver_instances()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var spec = fixture.Spec("kept", fixture.Web, ports: [new PortMapping(port, 8080)]);
        var created = await CreateAsync(driver, spec);
        var containerId = (await InspectAsync("portique-vagrant." + spec.Name)).ID;

        var aside = await driver.SetAsideAsync(created, Ct);

        Assert.True(aside.IsAside);
        Assert.Equal((InstanceState.Stopped, created.InstanceId), (aside.State, aside.InstanceId));
        Assert.True(Directory.Exists(Path.Join(driver.ProjectsDirectory, spec.Name + ServiceLifecycle.AsideSuffix)));
        Assert.False(Directory.Exists(Path.Join(driver.ProjectsDirectory, spec.Name)));
        var stopped = await InspectAsync(containerId);
        Assert.Equal("/portique-vagrant." + spec.Name + ServiceLifecycle.AsideSuffix, stopped.Name);
        Assert.False(stopped.State!.Running);
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct)); // the name is free for the next machine
        Assert.False(await ConnectsAsync(port));

        // A crash here: a new process (a new driver) still sees the machine as aside, with its spec.
        var afterCrash = Driver();
        var seen = Assert.Single(await afterCrash.ListOwnedAsync(Ct));
        Assert.True(seen.IsAside);
        Assert.Equal((spec.Name, spec.SpecHash()), (seen.Name, seen.SpecHash));

        var restored = await afterCrash.RestoreAsync(seen, Ct);

        Assert.False(restored.IsAside);
        Assert.Equal((InstanceState.Running, created.InstanceId), (restored.State, restored.InstanceId));
        var running = await InspectAsync(containerId);
        Assert.Equal("/portique-vagrant." + spec.Name, running.Name);
        Assert.True(running.State!.Running);
        Assert.Contains(TestImages.IndexPage("vagrant-1"), await HttpProbe.GetLocalAsync(port));
    }

    [Fact]
    public async Task Remove_destroys_the_machine_but_never_the_host_data()
    {
        var driver = Driver();
        var data = _root.PathOf("removed-data");
        var spec = fixture.Spec(
            "removed",
            fixture.Writer,
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=survives", "PORTIQUE_TEST_OUTPUT=/data/survives.txt"]);
        var created = await CreateAsync(driver, spec);
        await WaitForFileAsync(Path.Join(data, "survives.txt"));

        await driver.RemoveAsync(created, Ct);

        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.False(Directory.Exists(Path.Join(driver.ProjectsDirectory, spec.Name)));
        Assert.Empty(await fixture.Images.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { ["portique-vagrant." + spec.Name] = true } },
        }, Ct));
        Assert.Equal("survives\n", await File.ReadAllTextAsync(Path.Join(data, "survives.txt"), Ct));
        await driver.RemoveAsync(created, Ct); // already gone: nothing to do, no error
    }

    [Fact]
    public async Task A_crashing_image_is_not_running_and_its_output_is_in_the_logs()
    {
        var driver = Driver();
        var spec = fixture.Spec("crashing", fixture.Crash);
        var created = await CreateAsync(driver, spec);

        Assert.Equal(EngineHealth.NotRunning, await driver.WaitForHealthAsync(created, Ct));
        Assert.Contains("crashing on purpose", await driver.ReadLogsAsync(spec.Name, 10, Ct));
    }

    [Fact]
    public async Task Logs_return_the_last_lines_of_stdout_and_stderr_and_follow_streams_them()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        var spec = fixture.Spec("chatty", fixture.Chatty, ports: [new PortMapping(port, 8080)]);
        await CreateAsync(driver, spec);
        await HttpProbe.GetLocalAsync(port);

        var all = await driver.ReadLogsAsync(spec.Name, 1000, Ct);
        for (var tries = 0; all.Count < 21 && tries < 50; tries++)
        {
            await Task.Delay(100);
            all = await driver.ReadLogsAsync(spec.Name, 1000, Ct);
        }

        Assert.Equal(21, all.Count);
        Assert.Contains("error line", all);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"line {i}"), all.Where(l => l != "error line"));
        Assert.Equal(all.Skip(18), await driver.ReadLogsAsync(spec.Name, 3, Ct));

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
        await Assert.ThrowsAsync<InstanceMissingException>(() => driver.ReadLogsAsync("nobody", 10, Ct));
    }

    [Fact]
    public async Task Create_fails_clearly_when_the_host_port_is_taken_and_leaves_nothing_behind()
    {
        var driver = Driver();
        var port = TestPorts.FreePort();
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        var spec = fixture.Spec("squatted", fixture.Web, ports: [new PortMapping(port, 8080)]);
        var imageId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.CreateAsync(spec, imageId, Ct));

        Assert.Contains(spec.Name, failure.Message);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), failure.Message);
        Assert.Empty(await driver.ListOwnedAsync(Ct));
        Assert.Null(await driver.FindForeignHolderAsync(spec.Name, Ct));
    }

    [Fact]
    public async Task Vagrant_up_succeeds_while_other_containers_of_the_host_come_and_go()
    {
        // vagrant's docker provider inspects every container of the host before creating one: without the
        // Vagrantfile's guard, a container deleted meanwhile fails "vagrant up" (about half the time under this churn).
        var driver = Driver();
        using var stop = new CancellationTokenSource();
        var image = RequiredServices.Registry + "/" + fixture.Web + ":1";
        await fixture.Images.Client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromImage = RequiredServices.Registry + "/" + fixture.Web, Tag = "1" }, new AuthConfig(), new Progress<JSONMessage>(), Ct);
        var churn = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var container = await fixture.Images.Client.Containers.CreateContainerAsync(
                    new CreateContainerParameters { Image = image, Labels = new Dictionary<string, string> { [TestImages.RunLabel] = fixture.Images.RunId } }, Ct);
                await fixture.Images.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, Ct);
            }
        });

        try
        {
            for (var round = 0; round < 3; round++)
            {
                var created = await CreateAsync(driver, fixture.Spec("churn", fixture.Web));
                Assert.Equal(InstanceState.Running, created.State);
                await driver.RemoveAsync(created, Ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }
    }

    private static async Task<bool> ConnectsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
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
