using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Podman.Tests;

/// <summary>The pure parts of the driver: no podman needed.</summary>
public sealed class PodmanDriverUnitTests
{
    [Fact]
    public void The_image_reference_is_fully_qualified_with_docker_hub_for_names_without_a_registry()
    {
        Assert.Equal("127.0.0.1:5000/app:v1", PodmanDriver.ImageReference(TestSpecs.Create("app", PodmanModule.Podman, "app", "v1", "127.0.0.1:5000")));
        Assert.Equal("docker.io/nginx:1.25", PodmanDriver.ImageReference(TestSpecs.Create("web", PodmanModule.Podman, "nginx", "1.25")));
        Assert.Equal("docker.io/team/app:latest", PodmanDriver.ImageReference(TestSpecs.Create("app", PodmanModule.Podman, "team/app", "latest")));
        Assert.Equal("quay.io/team/app:2", PodmanDriver.ImageReference(TestSpecs.Create("app", PodmanModule.Podman, "quay.io/team/app", "2")));
        Assert.Equal("localhost/app:1", PodmanDriver.ImageReference(TestSpecs.Create("app", PodmanModule.Podman, "localhost/app", "1")));
        Assert.Equal("registry.example/team/app:latest", PodmanDriver.ImageReference(TestSpecs.Create("app", PodmanModule.Podman, "team/app", "latest", "registry.example/")));
    }

    [Fact]
    public void Create_arguments_are_one_list_with_labels_environment_binds_ports_and_the_restart_policy()
    {
        var spec = TestSpecs.Create(
            "web",
            PodmanModule.Podman,
            "app",
            "v1",
            "127.0.0.1:5000",
            ports: [new PortMapping(8081, 80)],
            volumes: [new VolumeMapping("/srv/web data", "/data")],
            environment: ["A=1, 2", "NOVALUE"],
            index: 4);

        var arguments = PodmanDriver.CreateArguments(spec, "0123abcd", "/srv/root");

        Assert.Equal(["create", "--name", "web", "--restart", "always", "--pull", "never"], arguments.Take(7));
        Assert.DoesNotContain("--init", arguments);
        var withInit = PodmanDriver.CreateArguments(spec, "0123abcd", "/srv/root", initPath: "/usr/libexec/podman/catatonit");
        Assert.Equal(["--init", "--init-path", "/usr/libexec/podman/catatonit"], withInit.Skip(7).Take(3));
        Assert.Equal("0123abcd", arguments[^1]);
        Assert.Contains("portique.root=/srv/root", arguments);
        Assert.Contains("portique.spec=" + spec.CanonicalJson(), arguments);
        Assert.Contains("portique.spec-hash=" + spec.SpecHash(), arguments);
        Assert.Contains("portique.technology=podman", arguments);
        Assert.Contains("portique.index=4", arguments);
        Assert.Contains("portique.version=127.0.0.1:5000/app:v1", arguments);
        Assert.Equal("A=1, 2", arguments[arguments.IndexOf("--env") + 1]);
        Assert.Contains("NOVALUE=", arguments); // never copied from Portique's own environment
        Assert.Equal("type=bind,source=/srv/web data,destination=/data", arguments[arguments.IndexOf("--mount") + 1]);
        Assert.Equal("127.0.0.1:8081:80/tcp", arguments[arguments.IndexOf("--publish") + 1]);

        var v6 = PodmanDriver.CreateArguments(spec with { PublishAddress = "::1" }, "0123abcd", "/srv/root");
        Assert.Equal("[::1]:8081:80/tcp", v6[v6.IndexOf("--publish") + 1]);
    }

    [Fact]
    public void A_service_on_the_private_network_gets_the_roots_network_its_address_and_the_gateway_as_dns_and_one_off_it_none()
    {
        var spec = TestSpecs.Create("db", PodmanModule.Podman, "app", "v1", "") with { Address = "10.231.147.58", Network = "10.231.0.0/16", InternalPorts = [5432] };

        var on = PodmanDriver.CreateArguments(spec, "0123abcd", "/srv/root");
        var off = PodmanDriver.CreateArguments(spec with { Address = null, Network = null }, "0123abcd", "/srv/root");

        var network = "portique-" + PrivateNetwork.RootTag("/srv/root");
        Assert.Equal(["--network", network, "--ip", "10.231.147.58", "--dns", "10.231.0.1"], on.Skip(on.IndexOf("--network")).Take(6));
        Assert.DoesNotContain("--publish", on); // an internal port is never published on the host
        Assert.DoesNotContain("--network", off);
    }

    [Fact]
    public void The_cni_configuration_of_the_private_network_matches_its_golden_file_and_is_written_beside_containers_conf()
    {
        var network = PrivateNetwork.TryParse("10.231.0.0/16", out _)!;

        TestSupport.GoldenFiles.AssertMatches(
            "tests/Portique.Technologies.Podman.Tests/Golden/portique-network.conflist",
            Path.Join(AppContext.BaseDirectory, "Golden", "portique-network.conflist"),
            PodmanConfiguration.NetworkConfigurationContent("portique-0123abcd", "ptq-0123abcd", network));

        using var root = new TempRoot();
        var configuration = new PodmanConfiguration(root.Root);
        configuration.EnsureNetwork("portique-0123abcd", "ptq-0123abcd", network);
        Assert.Equal(
            PodmanConfiguration.NetworkConfigurationContent("portique-0123abcd", "ptq-0123abcd", network),
            File.ReadAllText(Path.Join(configuration.NetworksDirectory, "portique-0123abcd.conflist")));
    }

    [Fact]
    public void Limits_become_podman_options_in_bytes_and_processors_and_none_without_limits()
    {
        var spec = TestSpecs.Create("web", PodmanModule.Podman, "app", "v1", "");

        var bounded = PodmanDriver.CreateArguments(spec with { MemoryBytes = 512L << 20, Cpus = 1.5m }, "0123abcd", "/srv/root");
        var plain = PodmanDriver.CreateArguments(spec, "0123abcd", "/srv/root");

        Assert.Equal("536870912", bounded[bounded.IndexOf("--memory") + 1]);
        Assert.Equal("536870912", bounded[bounded.IndexOf("--memory-swap") + 1]);
        Assert.Equal("1.5", bounded[bounded.IndexOf("--cpus") + 1]);
        Assert.DoesNotContain("--memory", plain);
        Assert.DoesNotContain("--cpus", plain);
    }

    [Fact]
    public void A_path_with_a_comma_is_bound_with_volume_and_one_with_a_comma_and_a_colon_is_refused()
    {
        Assert.Equal(["--mount", "type=bind,source=/srv/a:b,destination=/data"], PodmanDriver.BindArguments(new VolumeMapping("/srv/a:b", "/data")));
        Assert.Equal(["--volume", "/srv/a,b:/data"], PodmanDriver.BindArguments(new VolumeMapping("/srv/a,b", "/data")));
        Assert.Throws<InvalidInputException>(() => PodmanDriver.BindArguments(new VolumeMapping("/srv/a,b", "/data:x")));
    }

    [Fact]
    public void The_registries_file_declares_loopback_and_configured_registries_insecure()
    {
        var text = PodmanConfiguration.RegistriesConfContent(["127.0.0.1:5000", "registry.lan:5000", "127.0.0.1:5000"]);

        Assert.Contains("unqualified-search-registries = [\"docker.io\"]", text);
        Assert.Equal(2, text.Split("[[registry]]").Length - 1);
        Assert.Contains("[[registry]]\nlocation = \"127.0.0.1:5000\"\ninsecure = true\n", text);
        Assert.Contains("[[registry]]\nlocation = \"registry.lan:5000\"\ninsecure = true\n", text);
        Assert.Contains("default_ulimits = []", PodmanConfiguration.ContainersConfContent("/r/podman/networks"));
        Assert.Contains("network_config_dir = \"/r/a\\\"b\\\\c\"", PodmanConfiguration.ContainersConfContent("/r/a\"b\\c"));

        Assert.True(PodmanConfiguration.IsLoopbackRegistry("127.0.0.1:5000"));
        Assert.True(PodmanConfiguration.IsLoopbackRegistry("127.0.0.2:5000/team"));
        Assert.True(PodmanConfiguration.IsLoopbackRegistry("localhost:5000"));
        Assert.True(PodmanConfiguration.IsLoopbackRegistry("[::1]:5000"));
        Assert.False(PodmanConfiguration.IsLoopbackRegistry("registry.example"));
        Assert.False(PodmanConfiguration.IsLoopbackRegistry("docker.io/library/nginx"));
        Assert.Equal("127.0.0.1:5000", PodmanConfiguration.RegistryHost("127.0.0.1:5000/team/app"));
    }

    [Fact]
    public void Portique_writes_its_podman_files_under_the_root_adding_a_loopback_registry_a_service_names()
    {
        using var root = new TempRoot();
        var configuration = new PodmanConfiguration(root.Root);

        configuration.Ensure(["registry.lan"], "127.0.0.7:5000/team");

        Assert.Equal(root.PathOf("etc", "portique", "podman"), configuration.Directory);
        Assert.Equal(configuration.ContainersConf, configuration.Environment["CONTAINERS_CONF"]);
        Assert.Equal(configuration.RegistriesConf, configuration.Environment["CONTAINERS_REGISTRIES_CONF"]);
        Assert.Equal(PodmanConfiguration.ContainersConfContent(configuration.NetworksDirectory), File.ReadAllText(configuration.ContainersConf));
        Assert.Equal(root.PathOf("etc", "portique", "podman", "networks"), configuration.NetworksDirectory);
        Assert.Equal(PodmanConfiguration.RegistriesConfContent(["registry.lan", "127.0.0.7:5000"]), File.ReadAllText(configuration.RegistriesConf));
    }

    [Theory]
    [InlineData("running", true, "", false, EngineHealth.Running)]
    [InlineData("running", true, "", true, EngineHealth.Starting)]
    [InlineData("running", true, "starting", true, EngineHealth.Starting)]
    [InlineData("running", true, "healthy", true, EngineHealth.Healthy)]
    [InlineData("running", true, "unhealthy", true, EngineHealth.Unhealthy)]
    [InlineData("exited", false, "healthy", true, EngineHealth.NotRunning)]
    [InlineData("stopped", false, "", false, EngineHealth.NotRunning)]
    public void Health_reads_the_state_and_the_health_check(string status, bool running, string health, bool hasCheck, EngineHealth expected)
    {
        var container = new PodmanContainer
        {
            State = new PodmanState { Status = status, Running = running, Health = new PodmanHealth { Status = health } },
            Config = new PodmanConfig { Healthcheck = hasCheck ? new PodmanHealthcheck { Test = ["CMD", "/bin/true"] } : null },
        };

        Assert.Equal(expected, PodmanDriver.Health(container));
    }

    [Fact]
    public void The_inspect_output_of_podman_4_is_read()
    {
        const string Json = """
            [{"Id":"ba71","Created":"2026-11-25T09:26:14.116270447Z","Name":"web","Image":"f946","ImageName":"127.0.0.1:5000/x:1.0",
              "RestartCount":3,"State":{"Status":"running","Running":true,"StartedAt":"2026-11-25T09:26:14.1Z","Health":{"Status":"healthy"}},
              "Config":{"Labels":{"portique.root":"/r"},"Healthcheck":{"Test":["CMD","/bin/false"],"Interval":1000000000}},
              "HostConfig":{"PortBindings":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"18081"}]}}}]
            """;

        var container = Assert.Single(PodmanJson.ParseArray(Json, PodmanJsonContext.Default.ListPodmanContainer));

        Assert.Equal(("ba71", "web", "f946", 3L), (container.Id, container.Name, container.Image, container.RestartCount));
        Assert.Equal("healthy", container.State.Health!.Status);
        Assert.Equal(1_000_000_000L, container.Config.Healthcheck!.Interval);
        Assert.Equal("18081", container.HostConfig.PortBindings!["8080/tcp"]![0].HostPort);
        Assert.Empty(PodmanJson.ParseArray("", PodmanJsonContext.Default.ListPodmanContainer));
    }

    [Fact]
    public void Podman_s_error_is_its_last_error_line()
    {
        Assert.Equal("no such container x", new PodmanResult(125, "", "level=warning msg=\"x\"\nError: no such container x\n").Error);
        Assert.Equal("something", new PodmanResult(1, "", "something\n").Error);
        Assert.Equal("exit code 2", new PodmanResult(2, "", "").Error);
        Assert.True(new PodmanResult(125, "", "Error: inspecting object: nope:1: image not known").SaysMissing);
        Assert.Equal("container inspect", PodmanCli.Describe(["container", "inspect", "--format", "json", "x"]));
    }

    [Fact]
    public void The_podman_program_is_a_path_or_a_name_searched_in_path()
    {
        Assert.Equal("/bin/sh", PodmanDriver.FindExecutable("/bin/sh", null));
        Assert.Null(PodmanDriver.FindExecutable("/nonexistent/podman", "/bin"));
        Assert.Equal("/bin/sh", PodmanDriver.FindExecutable("sh", "/nonexistent:/bin"));
        Assert.Null(PodmanDriver.FindExecutable("sh", ""));
    }
}
