using Portique.Core;
using Portique.Planning;

namespace Portique.Orchestration.Tests;

/// <summary>The private network's variables as the desired state reads them (docs/network.md).</summary>
public class PrivateNetworkModelTests
{
    private static (DesiredState Desired, IReadOnlyList<Diagnostic> Problems) Validate(Sandbox sandbox)
    {
        var workspace = sandbox.Workspace;
        var report = workspace.Validate(workspace.Evaluate());
        return (report.Desired, report.Problems);
    }

    private static (string, string[])[] NetworkOn(string cidr = "10.231.0.0/16") =>
        [("activer_reseau_conteneurs", ["oui"]), ("reseau_conteneurs", [cidr])];

    [Fact]
    public void With_the_network_off_by_default_a_service_has_no_address_and_its_spec_is_what_it_always_was()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "wiki", 18081)]);
        var (desired, problems) = Validate(sandbox);

        Assert.Empty(problems);
        var spec = Assert.Single(desired.Services);
        Assert.Equal((null, null, 0), (spec.Address, spec.Network, spec.InternalPorts.Count));
        Assert.Null(sandbox.Workspace.Evaluate().Find("conteneur1_ip") is { Disabled: false } ip ? ip : null);
    }

    [Fact]
    public void With_the_network_on_each_service_gets_the_address_computed_from_its_name_unless_pinned()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. NetworkOn(), .. Sandbox.Container(1, "web", 18081), .. Sandbox.Container(2, "db", 18082),
            ("conteneur2_ip", ["10.231.0.20"])]);
        var (desired, _) = Validate(sandbox);

        var network = PrivateNetwork.TryParse("10.231.0.0/16", out _)!;
        Assert.Equal([network.AddressFor("web"), "10.231.0.20"], desired.Services.Select(s => s.Address));
        Assert.All(desired.Services, s => Assert.Equal("10.231.0.0/16", s.Network));
        // The computed value is the variable's own: get, genconfig and the templates see it.
        Assert.Equal(network.AddressFor("web"), sandbox.Workspace.Evaluate().Find("conteneur1_ip")!.Values[0]);
    }

    [Fact]
    public void With_the_network_on_a_swarm_service_is_reached_at_the_gateway_and_its_tasks_get_the_swarm_block_and_the_root_dns()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. NetworkOn(), .. Sandbox.Container(1, "chat", 18081), ("conteneur1_type", ["swarm"]),
            .. Sandbox.Container(2, "db", 18082)]);
        var (desired, problems) = Validate(sandbox);

        Assert.Empty(problems);
        // The root's network is on even for a root whose services all stay off the bridge: the gateway, rules and DNS.
        Assert.Equal(("10.231.0.0/16", "10.232.0.0/24"), (desired.Network, desired.SwarmNetwork));
        var swarm = desired.Services.Single(s => s.Name == "chat");
        // No private address (tasks change theirs): published by swarm itself at port_out, routed at 127.0.0.1.
        Assert.Null(swarm.Address);
        Assert.False(swarm.PortsPublishedByFrontend);
        Assert.Equal([new PortMapping(18081, 8080)], swarm.Ports);
        // The block of its tasks and the DNS they ask are in its spec, hence in its hash: joining recreates it.
        Assert.Contains("\"network\":\"10.232.0.0/24\"", swarm.CanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"dns\":\"10.231.0.1\"", swarm.CanonicalJson(), StringComparison.Ordinal);
        AssertFirstRoutedAtItsOwnPortAndSecondPublishedByTheFrontend(sandbox);
        var network = PrivateNetwork.TryParse("10.231.0.0/16", out _)!;
        Assert.Equal([("chat", network.Gateway), ("db", network.AddressFor("db"))], ReconfigureRunner.NamedAddresses(desired, network));
    }

    [Fact]
    public void With_the_network_off_a_swarm_spec_has_no_block_and_keeps_its_hash()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "chat", 18081), ("conteneur1_type", ["swarm"])]);
        var desired = Validate(sandbox).Desired;
        Assert.Null(desired.Network);
        var spec = Assert.Single(desired.Services);
        Assert.DoesNotContain("network", spec.CanonicalJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("dns", spec.CanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.231.7.0/24", "10.231.0.0/16")]
    [InlineData("10.0.0.0/8", "10.231.0.0/16")]
    public void A_swarm_block_overlapping_the_private_network_is_refused_by_name(string block, string cidr)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(cidr), ("reseau_conteneurs_swarm", [block]), .. Sandbox.Container(1, "chat", 18081), ("conteneur1_type", ["swarm"])]);
        var (desired, problems) = Validate(sandbox);
        var problem = Assert.Single(problems);
        Assert.Equal("reseau_conteneurs_swarm", problem.Subject);
        Assert.Null(desired.SwarmNetwork);
        Assert.Contains(cidr, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_swarm_block_is_not_read_without_a_swarm_service()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn("10.0.0.0/8"), .. Sandbox.Container(1, "web", 18081)]);
        var (desired, problems) = Validate(sandbox);
        Assert.Empty(problems);
        Assert.Null(desired.SwarmNetwork);
    }

    [Fact]
    public void With_the_network_on_qemu_joins_with_internal_ports_and_the_frontend_publishes_its_host_ports()
    {
        (string, string[])[] Qemu(params string[] hostPorts) =>
            [.. NetworkOn(), .. Sandbox.Container(1, "vm", 18081), ("conteneur1_type", ["qemu"]), ("conteneur1_url", ["disk.qcow2"]),
                ("conteneur1_repository", ["http://127.0.0.1:8000"]), ("conteneur1_port_in", ["8080"]), ("conteneur1_port_out", hostPorts)];
        using var joined = new Sandbox();
        joined.Store(Qemu(""));
        var (desired, problems) = Validate(joined);
        Assert.Empty(problems);
        Assert.Equal([8080], Assert.Single(desired.Services).InternalPorts);

        using var published = new Sandbox();
        published.Store(Qemu("18081"));
        var (publishedState, publishedProblems) = Validate(published);
        Assert.Empty(publishedProblems);
        var spec = Assert.Single(publishedState.Services);
        Assert.True(spec.PortsPublishedByFrontend);
        Assert.Equal((spec.Address!, 8080), spec.HealthEndpoint);
        var stream = StreamFile(published, 1);
        Assert.Contains($"proxy_pass {spec.Address}:8080;", stream, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_network_on_the_frontend_publishes_each_host_port_to_the_private_address_and_internal_ports_stay_private()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(), .. Sandbox.Container(1, "db", 18081), ("conteneur_ip_publication", ["127.0.0.1"]),
            ("conteneur1_port_in", ["8080", "5432", "9000"]), ("conteneur1_port_out", ["18081", "", "19000"])]);
        var (desired, problems) = Validate(sandbox);

        Assert.Empty(problems);
        var address = Assert.Single(desired.Services).Address;
        var stream = StreamFile(sandbox, 1);
        Assert.Equal(2, stream.Split("server {").Length - 1);
        Assert.Contains($"listen 127.0.0.1:18081;\n    proxy_pass {address}:8080;", stream, StringComparison.Ordinal);
        Assert.Contains($"listen 127.0.0.1:19000;\n    proxy_pass {address}:9000;", stream, StringComparison.Ordinal);
        Assert.DoesNotContain("5432", stream, StringComparison.Ordinal);
        // The private master loads the stream module and includes the files.
        var main = PrivateMasterConfiguration(sandbox);
        Assert.Contains("load_module /usr/lib/nginx/modules/ngx_stream_module.so;", main, StringComparison.Ordinal);
        Assert.Contains("include portique/stream/*.conf;", main, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_network_off_each_engine_publishes_its_ports_and_the_stream_file_publishes_nothing()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "wiki", 18081)]);
        var spec = Assert.Single(Validate(sandbox).Desired.Services);

        Assert.False(spec.PortsPublishedByFrontend);
        Assert.Equal(("0.0.0.0", 18081), spec.HealthEndpoint);
        Assert.DoesNotContain("server", StreamFile(sandbox, 1), StringComparison.Ordinal);
        var main = PrivateMasterConfiguration(sandbox);
        Assert.DoesNotContain("stream {", main, StringComparison.Ordinal);
        Assert.DoesNotContain("load_module", main, StringComparison.Ordinal);
    }

    [Fact]
    public void A_udp_port_is_published_by_the_frontend_beside_the_tcp_port_of_the_same_number_and_never_receives_the_web_route()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(), .. Sandbox.Container(1, "dns", 18081), ("conteneur_ip_publication", ["127.0.0.1"]),
            ("conteneur1_port_in", ["53", "53", "8080"]), ("conteneur1_port_out", ["5353", "5353", "18081"]), ("conteneur1_port_proto", ["udp", "tcp", ""])]);
        var (desired, problems) = Validate(sandbox);

        Assert.Empty(problems);
        var spec = Assert.Single(desired.Services);
        Assert.Equal([PortProtocol.Udp, PortProtocol.Tcp, PortProtocol.Tcp], spec.Ports.Select(p => p.Protocol));
        var stream = StreamFile(sandbox, 1);
        Assert.Contains($"listen 127.0.0.1:5353 udp;\n    proxy_pass {spec.Address}:53;", stream, StringComparison.Ordinal);
        Assert.Contains($"listen 127.0.0.1:5353;\n    proxy_pass {spec.Address}:53;", stream, StringComparison.Ordinal);
        // The web route and the health check take the first TCP row, never the UDP one.
        var workspace = sandbox.Workspace;
        var route = Workspace.FrontendFiles(workspace.RenderAll(workspace.Evaluate()))["portique/services/conteneur1.conf"];
        Assert.Contains($"proxy_pass http://{spec.Address}:53/;", route, StringComparison.Ordinal);
        Assert.Equal((spec.Address!, 53), spec.HealthEndpoint);
    }

    [Fact]
    public void Udp_is_refused_naming_port_proto_with_the_network_off_and_on_an_internal_port()
    {
        using var off = new Sandbox();
        off.Store([.. Sandbox.Container(1, "dns", 18081), ("conteneur1_port_proto", ["udp"])]);
        var refused = Assert.Single(Validate(off).Problems);
        Assert.Equal("conteneur1_port_proto", refused.Subject);
        Assert.Contains("activer_reseau_conteneurs=oui", refused.Message, StringComparison.Ordinal);

        using var internalPort = new Sandbox();
        internalPort.Store([.. NetworkOn(), .. Sandbox.Container(1, "dns", 18081),
            ("conteneur1_port_in", ["8080", "53"]), ("conteneur1_port_out", ["18081", ""]), ("conteneur1_port_proto", ["", "udp"])]);
        var problem = Assert.Single(Validate(internalPort).Problems);
        Assert.Equal("conteneur1_port_proto", problem.Subject);
        Assert.Contains("conteneur1_port_out", problem.Message, StringComparison.Ordinal);

        using var unknown = new Sandbox();
        unknown.Store([.. NetworkOn(), .. Sandbox.Container(1, "dns", 18081), ("conteneur1_port_proto", ["sctp"])]);
        Assert.Contains(Validate(unknown).Problems, p => p.Subject == "conteneur1_port_proto");
    }

    [Fact]
    public void The_same_host_port_twice_in_one_protocol_is_refused_naming_the_holder()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. NetworkOn(), .. Sandbox.Container(1, "a", 18081), .. Sandbox.Container(2, "b", 18082),
            ("conteneur1_port_in", ["8080", "53"]), ("conteneur1_port_out", ["18081", "5353"]), ("conteneur1_port_proto", ["", "udp"]),
            ("conteneur2_port_in", ["8080", "53"]), ("conteneur2_port_out", ["18082", "5353"]), ("conteneur2_port_proto", ["", "udp"])]);
        var problem = Assert.Single(Validate(sandbox).Problems);
        Assert.Equal("conteneur2_port_out", problem.Subject);
        Assert.Contains("conteneur1_port_out", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_network_on_a_snap_stays_on_the_host_network_routed_at_its_own_port_and_its_name_answers_with_the_gateway()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. NetworkOn(), .. Sandbox.Container(1, "notes", 18081), ("conteneur1_type", ["snap"]),
            ("conteneur1_url", ["hello-world"]), ("conteneur1_repository", [""]), .. Sandbox.Container(2, "web", 18082)]);
        var (desired, problems) = Validate(sandbox);

        Assert.Empty(problems);
        var snap = desired.Services.Single(s => s.Name == "notes");
        Assert.Null(snap.Address);
        Assert.False(snap.PortsPublishedByFrontend);
        Assert.Equal([new PortMapping(18081, 8080)], snap.Ports);
        AssertFirstRoutedAtItsOwnPortAndSecondPublishedByTheFrontend(sandbox);

        var network = PrivateNetwork.TryParse("10.231.0.0/16", out _)!;
        Assert.Equal(
            [("notes", network.Gateway), ("web", network.AddressFor("web"))],
            ReconfigureRunner.NamedAddresses(desired, network));
    }

    [Fact]
    public void With_the_network_on_a_snap_port_row_without_host_port_is_incomplete_not_internal()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(), .. Sandbox.Container(1, "notes", 18081), ("conteneur1_type", ["snap"]),
            ("conteneur1_url", ["hello-world"]), ("conteneur1_repository", [""]), ("conteneur1_port_out", [""])]);
        Assert.Contains(Validate(sandbox).Problems, p => p.Subject == "conteneur1_port_out");
    }

    /// <summary>
    /// Container 1 (off the bridge) is routed at 127.0.0.1 and its own port 18081, its stream file empty; container 2
    /// (on the bridge) has its host port 18082 published by the frontend.
    /// </summary>
    private static void AssertFirstRoutedAtItsOwnPortAndSecondPublishedByTheFrontend(Sandbox sandbox)
    {
        var workspace = sandbox.Workspace;
        var files = Workspace.FrontendFiles(workspace.RenderAll(workspace.Evaluate()));
        Assert.Contains("proxy_pass http://127.0.0.1:18081/;", files["portique/services/conteneur1.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("server", files["portique/stream/conteneur1.conf"], StringComparison.Ordinal);
        Assert.Contains("listen 0.0.0.0:18082;", files["portique/stream/conteneur2.conf"], StringComparison.Ordinal);
    }

    /// <summary>The private nginx master's <c>nginx.conf</c>, as reconfigure hands it to the frontend.</summary>
    private static string PrivateMasterConfiguration(Sandbox sandbox)
    {
        var workspace = sandbox.Workspace;
        var configuration = workspace.Evaluate();
        return workspace.FrontendFiles(workspace.RenderAll(configuration), configuration)["nginx.conf"];
    }

    private static string StreamFile(Sandbox sandbox, int n)
    {
        var workspace = sandbox.Workspace;
        return Workspace.FrontendFiles(workspace.RenderAll(workspace.Evaluate()))[$"portique/stream/conteneur{n}.conf"];
    }

    [Fact]
    public void With_the_network_on_a_port_without_host_port_is_an_internal_port()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(), .. Sandbox.Container(1, "db", 18081), ("conteneur1_port_in", ["8080", "5432"]), ("conteneur1_port_out", ["18081", ""])]);
        var (desired, problems) = Validate(sandbox);

        Assert.DoesNotContain(problems, p => p.Subject.StartsWith("conteneur1_port", StringComparison.Ordinal));
        var spec = Assert.Single(desired.Services);
        Assert.Equal([new PortMapping(18081, 8080)], spec.Ports);
        Assert.Equal([5432], spec.InternalPorts);
    }

    [Fact]
    public void Two_services_on_one_address_are_refused_naming_both_and_how_to_pin_another()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. NetworkOn(), .. Sandbox.Container(1, "web", 18081), .. Sandbox.Container(2, "db", 18082),
            ("conteneur1_ip", ["10.231.0.20"]), ("conteneur2_ip", ["10.231.0.20"])]);
        var problem = Assert.Single(Validate(sandbox).Problems, p => p.Subject.EndsWith("_ip", StringComparison.Ordinal));
        Assert.Equal(("conteneur2_ip", ProblemKind.Invalid), (problem.Subject, problem.Kind));
        Assert.Contains("conteneur1_ip", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.231.0.1")]
    [InlineData("10.231.200.1")]
    [InlineData("192.168.1.10")]
    public void A_pinned_address_that_is_the_gateway_the_reserved_quarter_or_outside_is_refused(string address)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(), .. Sandbox.Container(1, "web", 18081), ("conteneur1_ip", [address])]);
        var problem = Assert.Single(Validate(sandbox).Problems, p => p.Subject == "conteneur1_ip");
        Assert.Contains("10.231.0.2", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.231.0.0/27", "/26")]
    [InlineData("127.0.0.0/8", "127.0.0.0/8")]
    [InlineData("10.231.0.1/16", "")]
    [InlineData("10.231.0.0", "")]
    public void An_unusable_network_is_refused_once_naming_the_variable(string cidr, string said)
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(cidr), .. Sandbox.Container(1, "web", 18081)]);
        var problem = Assert.Single(Validate(sandbox).Problems, p => p.Subject == "reseau_conteneurs");
        Assert.Contains(said, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_network_off_a_port_without_host_port_is_still_a_row_to_complete()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. Sandbox.Container(1, "db", 18081), ("conteneur1_port_in", ["8080", "5432"]), ("conteneur1_port_out", ["18081", ""])]);
        Assert.Contains(Validate(sandbox).Problems, p => p is { Subject: "conteneur1_port_out", IsIncomplete: true });
    }

    [Fact]
    public void With_the_network_on_nginx_routes_the_service_to_its_private_address_and_first_port_even_without_host_port()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([.. NetworkOn(), .. Sandbox.Container(1, "web", 18081), ("conteneur1_port_out", [""])]);
        var workspace = sandbox.Workspace;
        var configuration = workspace.Evaluate();
        var route = workspace.RenderAll(configuration).Single(f => f.Declaration.Name.EndsWith("/services/conteneur1.conf", StringComparison.Ordinal)).Content!;

        var address = PrivateNetwork.TryParse("10.231.0.0/16", out _)!.AddressFor("web");
        Assert.Contains($"proxy_pass http://{address}:8080/;", route, StringComparison.Ordinal);
        Assert.DoesNotContain("http://127.0.0.1", route, StringComparison.Ordinal);
    }
}
