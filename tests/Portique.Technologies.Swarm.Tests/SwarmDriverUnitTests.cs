using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Swarm.Tests;

/// <summary>The pure parts of the driver: no dockerd needed.</summary>
public sealed class SwarmDriverUnitTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void The_image_reference_is_the_docker_one_registry_then_name_then_tag()
    {
        Assert.Equal("127.0.0.1:5000/app:v1", SwarmDriver.ImageReference(TestSpecs.Create("app", SwarmModule.Swarm, "app", "v1", "127.0.0.1:5000")));
        Assert.Equal("nginx:1.25", SwarmDriver.ImageReference(TestSpecs.Create("web", SwarmModule.Swarm, "nginx", "1.25")));
        Assert.Equal("registry.example/team/app:latest", SwarmDriver.ImageReference(TestSpecs.Create("app", SwarmModule.Swarm, "team/app", "latest", "registry.example/")));
    }

    [Fact]
    public void The_artifact_pins_the_registry_digest_of_the_image_or_falls_back_to_its_id()
    {
        var spec = TestSpecs.Create("app", SwarmModule.Swarm, "app", "v1", "127.0.0.1:5000");
        var hub = TestSpecs.Create("web", SwarmModule.Swarm, "library/nginx", "1.25");
        var pulled = new ImageInspectResponse { ID = "sha256:1111", RepoDigests = ["127.0.0.1:5000/other@sha256:aaaa", "127.0.0.1:5000/app@sha256:bbbb"] };
        var local = new ImageInspectResponse { ID = "sha256:2222", RepoDigests = [] };
        var fromHub = new ImageInspectResponse { ID = "sha256:3333", RepoDigests = ["nginx@sha256:cccc"] };

        Assert.Equal("127.0.0.1:5000/app:v1@sha256:bbbb", SwarmDriver.Artifact(spec, pulled));
        Assert.Equal("sha256:2222", SwarmDriver.Artifact(spec, local));
        Assert.Equal("library/nginx:1.25@sha256:cccc", SwarmDriver.Artifact(hub, fromHub));
    }

    [Fact]
    public void A_canonical_spec_reads_back_to_the_spec_it_came_from()
    {
        var spec = TestSpecs.Create(
            "app",
            SwarmModule.Swarm,
            "team/app",
            "v1",
            "127.0.0.1:5000",
            ports: [new PortMapping(8081, 80), new PortMapping(8443, 443)],
            volumes: [new VolumeMapping("/srv/app data", "/data"), new VolumeMapping("/srv/a,b:c", "/conf")],
            environment: ["A=1", "B=x=y, z", "EMPTY="],
            index: 3,
            publishAddress: "0.0.0.0") with
        { Settings = new SwarmSettings { Replicas = 2 } };

        var read = CanonicalSpec.TryParse(spec.CanonicalJson(), "app", 3);

        Assert.NotNull(read);
        Assert.Equal(spec.CanonicalJson(), read.CanonicalJson());
        Assert.Equal(spec.SpecHash(), read.SpecHash());
        Assert.Null(CanonicalSpec.TryParse("{\"technology\":\"swarm\"}", "app", 1));
        Assert.Null(CanonicalSpec.TryParse("not json", "app", 1));
        Assert.Null(CanonicalSpec.TryParse(null, "app", 1));
    }

    [Fact]
    public void The_service_publishes_in_host_mode_restarts_always_and_only_the_service_carries_labels()
    {
        using var driver = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"));
        using var ingress = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"), new SwarmDriverOptions { PublishMode = SwarmDriverOptions.IngressMode });
        var spec = TestSpecs.Create("app", SwarmModule.Swarm, "app", "v1", ports: [new PortMapping(8081, 80)], volumes: [new VolumeMapping("/srv/app", "/data")], environment: ["A=1"]);
        var labels = new Dictionary<string, string> { ["portique.root"] = _root.Directory };

        var built = driver.BuildServiceSpec(spec, "img@sha256:abcd", labels);

        Assert.Equal("app", built.Name);
        Assert.Equal(_root.Directory, built.Labels!["portique.root"]);
        Assert.Null(built.TaskTemplate!.ContainerSpec!.Labels);
        Assert.Equal("img@sha256:abcd", built.TaskTemplate.ContainerSpec.Image);
        Assert.Equal(["A=1"], built.TaskTemplate.ContainerSpec.Env);
        var mount = Assert.Single(built.TaskTemplate.ContainerSpec.Mounts!);
        Assert.Equal(("bind", "/srv/app", "/data"), (mount.Type, mount.Source, mount.Target));
        Assert.Equal("any", built.TaskTemplate.RestartPolicy!.Condition);
        Assert.Equal(1UL, built.Mode!.Replicated!.Replicas);
        var port = Assert.Single(built.EndpointSpec!.Ports!);
        Assert.Equal(("host", "tcp", (uint?)8081, (uint?)80), (port.PublishMode, port.Protocol, port.PublishedPort, port.TargetPort));
        Assert.Equal("ingress", Assert.Single(ingress.BuildServiceSpec(spec, "img", labels).EndpointSpec!.Ports!).PublishMode);
    }

    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.3.4.5:5000", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("10.249.0.1:5000", false)]
    [InlineData("registry.example.org", false)]
    [InlineData("[2001:db8::1]:5000", false)]
    [InlineData(null, false)]
    public void A_registry_only_this_host_reaches_is_told_apart(string? registry, bool loopback) =>
        Assert.Equal(loopback, SwarmDriver.IsLoopbackRegistry(registry));

    [Fact]
    public void The_registry_of_an_image_is_its_first_component_when_docker_would_read_it_so()
    {
        Assert.Equal("127.0.0.1:5000", SwarmDriver.RegistryHost(TestSpecs.Create("app", SwarmModule.Swarm, "app", "v1", "127.0.0.1:5000")));
        Assert.Equal("localhost", SwarmDriver.RegistryHost(TestSpecs.Create("app", SwarmModule.Swarm, "localhost/app", "v1")));
        Assert.Equal("registry.example", SwarmDriver.RegistryHost(TestSpecs.Create("app", SwarmModule.Swarm, "team/app", "v1", "registry.example/")));
        // Docker Hub: a name with a slash whose first part is neither a host nor localhost.
        Assert.Null(SwarmDriver.RegistryHost(TestSpecs.Create("app", SwarmModule.Swarm, "team/app", "v1")));
        Assert.Null(SwarmDriver.RegistryHost(TestSpecs.Create("web", SwarmModule.Swarm, "nginx", "1.25")));
    }

    [Fact]
    public void A_node_is_reached_at_its_advertised_address_else_at_its_manager_address_and_never_at_anything_else()
    {
        Assert.Equal("10.249.0.12", SwarmDriver.NodeAddress(new NodeListResponse { Status = new NodeStatus { Addr = "10.249.0.12" } }));
        Assert.Equal("10.249.0.11", SwarmDriver.NodeAddress(new NodeListResponse
        {
            Status = new NodeStatus { Addr = "0.0.0.0" },
            ManagerStatus = new ManagerStatus { Addr = "10.249.0.11:2377" },
        }));
        Assert.Null(SwarmDriver.NodeAddress(new NodeListResponse { Status = new NodeStatus { Addr = "0.0.0.0" } }));
        Assert.Null(SwarmDriver.NodeAddress(new NodeListResponse { Status = new NodeStatus { Addr = "10.0.0.1; return 200" } }));
        Assert.Null(SwarmDriver.NodeAddress(new NodeListResponse()));
    }

    [Fact]
    public void A_service_with_host_directories_is_pinned_to_the_node_portique_talks_to_and_others_are_free()
    {
        using var driver = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"));
        var withVolume = TestSpecs.Create("app", SwarmModule.Swarm, "app", "v1", volumes: [new VolumeMapping("/srv/app", "/data")]);
        var without = TestSpecs.Create("web", SwarmModule.Swarm, "web", "v1", ports: [new PortMapping(8081, 80)]);
        var labels = new Dictionary<string, string>();

        Assert.Equal("node.id==n1", SwarmDriver.PinningConstraint(withVolume, "n1"));
        Assert.Null(SwarmDriver.PinningConstraint(without, "n1"));
        Assert.Null(SwarmDriver.PinningConstraint(withVolume, null));
        Assert.Equal(["node.id==n1"], driver.BuildServiceSpec(withVolume, "img", labels, "node.id==n1").TaskTemplate!.Placement!.Constraints);
        Assert.Null(driver.BuildServiceSpec(without, "img", labels).TaskTemplate!.Placement);

        // conteneurN_contraintes and the pinning must all be met.
        var constrained = withVolume with { Settings = new SwarmSettings { Constraints = ["node.role==manager"] } };
        Assert.Equal(["node.role==manager", "node.id==n1"], driver.BuildServiceSpec(constrained, "img", labels, "node.id==n1").TaskTemplate!.Placement!.Constraints);
    }

    [Fact]
    public void On_the_private_network_the_tasks_join_the_roots_swarm_network_ask_the_roots_dns_and_stay_on_this_node()
    {
        using var driver = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"));
        var off = TestSpecs.Create("chat", SwarmModule.Swarm, "chat", "v1", ports: [new PortMapping(18081, 8080)]);
        var on = off with { Settings = new SwarmSettings { Network = "10.232.0.0/24", Dns = "10.231.0.1" } };

        var joined = driver.BuildServiceSpec(on, "img", new Dictionary<string, string>(), SwarmDriver.PinningConstraint(on, "n1"));
        Assert.Equal(driver.SwarmNetworkName, Assert.Single(joined.TaskTemplate!.Networks!).Target);
        Assert.Equal(["10.231.0.1"], joined.TaskTemplate.ContainerSpec!.DNSConfig!.Nameservers);
        Assert.Equal("dnsrr", joined.EndpointSpec!.Mode);
        // Still published by swarm itself, in host mode: the others reach it at the gateway and port_out.
        Assert.Equal(("host", 18081u), (Assert.Single(joined.EndpointSpec.Ports!).PublishMode, joined.EndpointSpec.Ports![0].PublishedPort));
        // The second bridge exists on this host only.
        Assert.Equal(["node.id==n1"], joined.TaskTemplate.Placement!.Constraints);
        Assert.True(SwarmDriver.IsPinned(on));
        Assert.False(SwarmDriver.IsPinned(off));

        var alone = driver.BuildServiceSpec(off, "img", new Dictionary<string, string>());
        Assert.Null(alone.TaskTemplate!.Networks);
        Assert.Null(alone.TaskTemplate.ContainerSpec!.DNSConfig);
        Assert.Null(alone.EndpointSpec!.Mode);
    }

    [Fact]
    public void The_swarm_network_is_made_from_a_config_only_network_on_the_roots_second_bridge_labelled_with_the_root()
    {
        using var driver = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"));
        var config = driver.ConfigParameters(PrivateNetwork.TryParse("10.232.0.0/24", out _)!);
        Assert.True(config.ConfigOnly);
        Assert.Equal(("10.232.0.0/24", "10.232.0.1"), (Assert.Single(config.IPAM!.Config!).Subnet, config.IPAM.Config[0].Gateway));
        Assert.Equal(PrivateNetwork.SwarmBridgeName(_root.Root.Directory), config.Options!["com.docker.network.bridge.name"]);
        Assert.Equal(_root.Root.Directory, config.Labels!["portique.root"]);

        var swarm = driver.SwarmParameters();
        Assert.Equal(("swarm", "bridge", driver.SwarmNetworkConfigName), (swarm.Scope, swarm.Driver, swarm.ConfigFrom!.Network));
        Assert.StartsWith("ptqs", PrivateNetwork.SwarmBridgeName(_root.Root.Directory), StringComparison.Ordinal);
        Assert.True(PrivateNetwork.SwarmBridgeName(_root.Root.Directory).Length <= 15, "the kernel's limit on interface names");
    }

    [Fact]
    public void Status_tells_each_task_meant_to_run_by_its_node_name_and_nothing_on_a_single_node()
    {
        var nodes = new[]
        {
            new NodeListResponse { ID = "n1", Description = new NodeDescription { Hostname = "alpha" } },
            new NodeListResponse { ID = "n2", Description = new NodeDescription { Hostname = "beta" } },
        };
        TaskResponse Task(string? node, TaskState desired, TaskState state) =>
            new() { NodeID = node, DesiredState = desired, Status = new global::Docker.DotNet.Models.TaskStatus { State = state } };
        var tasks = new[]
        {
            Task("n2", TaskState.Running, TaskState.Running),
            Task("n1", TaskState.Running, TaskState.Running),
            Task("n2", TaskState.Shutdown, TaskState.Shutdown),
            Task(null, TaskState.Running, TaskState.Pending),
            Task("n9abcdefghijklmnop", TaskState.Running, TaskState.Preparing),
        };

        Assert.Equal(
            [new TaskPlacement("alpha", "running"), new TaskPlacement("beta", "running"), new TaskPlacement("n9abcdefghij", "preparing"), new TaskPlacement("—", "pending")],
            SwarmDriver.Placements(tasks, nodes));
        Assert.Empty(SwarmDriver.Placements(tasks, []));
    }

    [Fact]
    public void A_rolling_update_starts_the_new_task_first_only_when_a_node_is_sure_to_be_free_for_it()
    {
        NodeListResponse Node(string availability, string state) =>
            new() { Spec = new NodeUpdateParameters { Availability = availability }, Status = new NodeStatus { State = state } };
        var three = new[] { Node("active", "ready"), Node("active", "ready"), Node("active", "ready") };
        var oneDrained = new[] { Node("active", "ready"), Node("drain", "ready"), Node("active", "down") };
        Planning.ServiceSpec Web(int replicas, IReadOnlyList<string>? constraints = null, bool ports = true)
        {
            var spec = TestSpecs.Create("web", SwarmModule.Swarm, "web", "1", ports: ports ? [new PortMapping(8081, 80)] : []);
            return spec with { Settings = new SwarmSettings { Replicas = replicas, Constraints = constraints } };
        }


        Assert.Equal("start-first", SwarmDriver.UpdateOrder(Web(2), three));
        Assert.Equal("stop-first", SwarmDriver.UpdateOrder(Web(3), three));
        Assert.Equal("stop-first", SwarmDriver.UpdateOrder(Web(2), oneDrained));
        Assert.Equal("stop-first", SwarmDriver.UpdateOrder(Web(1, ["node.role==manager"]), three));
        // No host port: nothing for two tasks to share on a node.
        Assert.Equal("start-first", SwarmDriver.UpdateOrder(Web(3, ports: false), three));
    }

    [Fact]
    public void An_aside_record_reads_back_and_anything_else_is_no_record()
    {
        var record = new AsideRecord
        {
            Root = "/srv/root",
            Name = "app",
            ServiceId = "abc",
            Image = "img@sha256:1",
            Labels = new Dictionary<string, string> { ["portique.spec"] = "{\"x\":[1,2]}" },
            SetAsideAt = DateTimeOffset.UnixEpoch,
        };

        var read = AsideRecord.TryParse(record.Serialize());

        Assert.NotNull(read);
        Assert.Equal((record.Root, record.Name, record.ServiceId, record.Image, record.SetAsideAt), (read.Root, read.Name, read.ServiceId, read.Image, read.SetAsideAt));
        Assert.Equal(record.Labels, read.Labels);
        Assert.Contains("\"service_id\"", record.Serialize());
        Assert.Null(AsideRecord.TryParse("{}"));
        Assert.Null(AsideRecord.TryParse("garbage"));
    }

    [Fact]
    public void Aside_records_live_under_the_root_state_directory()
    {
        using var driver = new SwarmDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"));

        Assert.Equal(Path.Join(_root.Directory, "var/lib/portique/swarm/web.aside.json"), driver.AsideRecordPath("web"));
        Assert.Throws<InvalidInputException>(() => driver.AsideRecordPath("../etc"));
    }
}
