using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>
/// The root's private network through the CLI (docs/network.md): <c>reconfigure</c> refuses a network whose addresses
/// the host already routes elsewhere, before it writes a file or makes the bridge; <c>network up</c> (the boot unit's
/// command) brings the bridge and the names back after a reboot lost them, touching nothing else.
/// </summary>
[Collection("cli")]
public sealed class NetworkTests : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new("portique-netcheck-");

    public Task InitializeAsync() => RequiredServices.DockerAsync();

    public Task DisposeAsync() => new Orchestration.PrivateBridge(_root.Root).RemoveAsync(CancellationToken.None);

    [Fact]
    public async Task Network_up_brings_back_the_bridge_and_the_names_a_reboot_lost_and_touches_nothing_else()
    {
        var network = TestNetworks.Free();
        var port = TestPorts.FreePort().ToString(CultureInfo.InvariantCulture);
        var set = await CliTests.RunInProcessAsync(_root, "set", "nombre_conteneur=1", "conteneur1_name=web", "conteneur1_url=portique/none",
            "conteneur1_port_in=8080", "conteneur1_port_out=" + port, "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr);
        Assert.True(set.Code == 0, set.Error);
        var address = (await CliTests.RunInProcessAsync(_root, "get", "conteneur1_ip")).Output.Trim();
        var bridge = new Orchestration.PrivateBridge(_root.Root);

        for (var boot = 1; boot <= 2; boot++)
        {
            var (code, output, error) = await CliTests.RunInProcessAsync(_root, "--lang", "en", "network", "up");

            Assert.True(code == 0, $"boot {boot}: exit {code}\n{output}\n{error}");
            Assert.Contains($"private network {network.Cidr} up on bridge {bridge.Name}", output, StringComparison.Ordinal);
            Assert.Contains($"inet {network.Gateway}/24", (await RunAsync("ip", "-4", "-o", "addr", "show", "dev", bridge.Name)).StandardOutput, StringComparison.Ordinal);
            Assert.Equal(address, await TestNetworks.ResolveAsync(network.Gateway, "web"));
            // Nothing but the network: no generated file, no container.
            Assert.False(File.Exists(_root.Root.Resolve("/etc/eole/conteneur-vars.conf")));

            // A reboot: the bridge, its rules and the name server are gone.
            await bridge.RemoveAsync(CancellationToken.None);
            Assert.False(await bridge.ExistsAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Network_up_reserves_each_qemu_services_two_addresses_for_the_MACs_its_names_give_and_no_other()
    {
        var network = TestNetworks.Free();
        var set = await CliTests.RunInProcessAsync(_root, "set", "nombre_conteneur=2", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            "conteneur1_name=vm", "conteneur1_type=qemu", "conteneur1_url=disk.qcow2", "conteneur1_repository=http://127.0.0.1:9/images",
            "conteneur1_port_in=8080",
            "conteneur2_name=web", "conteneur2_url=portique/none", "conteneur2_port_in=8080");
        Assert.True(set.Code == 0, set.Error);
        var vm = (await CliTests.RunInProcessAsync(_root, "get", "conteneur1_ip")).Output.Trim();
        var next = (await CliTests.RunInProcessAsync(_root, "get", "conteneur1_ip_remplacement")).Output.Trim();

        var (code, output, error) = await CliTests.RunInProcessAsync(_root, "--lang", "en", "network", "up");

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        var dnsmasq = (await File.ReadAllLinesAsync(Path.Join(new Orchestration.PrivateBridge(_root.Root).Directory, "dnsmasq.conf")))
            .Where(line => line.StartsWith("dhcp-host=", StringComparison.Ordinal));
        // The second address, where a replacement without interruption starts the next VM (NAME.portique-next).
        string[] expected = [$"dhcp-host={PrivateNetwork.GuestHardware("vm")},{vm}", $"dhcp-host={PrivateNetwork.GuestHardware("vm.portique-next")},{next}"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), dnsmasq.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Network_up_with_the_network_off_says_so_and_makes_nothing()
    {
        Assert.Equal(0, (await CliTests.RunInProcessAsync(_root, "set", "nombre_conteneur=0")).Code);

        var (code, output, _) = await CliTests.RunInProcessAsync(_root, "--lang", "en", "network", "up");

        Assert.Equal(0, code);
        Assert.Contains("private network off", output, StringComparison.Ordinal);
        Assert.False(await new Orchestration.PrivateBridge(_root.Root).ExistsAsync(CancellationToken.None));
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_private_network_that_another_interface_already_routes_is_refused_naming_the_variable_and_nothing_is_made()
    {
        var third = Random.Shared.Next(0, 256);
        var cidr = $"10.253.{third}.0/24";
        var other = "ptqn" + PrivateNetwork.RootTag(_root.Root.Directory);
        await RunAsync("ip", "link", "add", "name", other, "type", "bridge");
        try
        {
            await RunAsync("ip", "addr", "add", $"10.253.{third}.129/25", "dev", other);
            await RunAsync("ip", "link", "set", "dev", other, "up");
            var error = await ReconfigureRefusedAsync(cidr);

            Assert.Contains($"10.253.{third}.128/25 ({other})", error, StringComparison.Ordinal);
            Assert.False(File.Exists(_root.Root.Resolve("/etc/eole/conteneur-vars.conf")));
            var bridge = await RunAsync("ip", "link", "show", "dev", PrivateNetwork.BridgeName(_root.Root.Directory));
            Assert.NotEqual(0, bridge.ExitCode);
        }
        finally
        {
            await RunAsync("ip", "link", "del", "dev", other);
        }
    }

    [Fact]
    public async Task A_private_network_that_an_engine_network_without_a_host_route_already_uses_is_refused_naming_it()
    {
        // A config-only docker network (what a swarm network is made from) holds its subnet without any bridge or route.
        var third = Random.Shared.Next(0, 256);
        var cidr = $"10.253.{third}.0/24";
        var other = "ptqcfg-" + PrivateNetwork.RootTag(_root.Root.Directory);
        var made = await RunAsync("docker", "network", "create", "--config-only", "--subnet", $"10.253.{third}.0/25", other);
        Assert.True(made.ExitCode == 0, made.StandardError);
        try
        {
            var error = await ReconfigureRefusedAsync(cidr);

            Assert.Contains($"10.253.{third}.0/25 (docker {other})", error, StringComparison.Ordinal);
            Assert.False(await new Orchestration.PrivateBridge(_root.Root).ExistsAsync(CancellationToken.None));
        }
        finally
        {
            await RunAsync("docker", "network", "rm", other);
        }
    }

    [Fact]
    public async Task A_swarm_block_that_an_engine_network_already_uses_is_refused_naming_the_swarm_variable()
    {
        var third = Random.Shared.Next(0, 256);
        var other = "ptqcfs-" + PrivateNetwork.RootTag(_root.Root.Directory);
        var made = await RunAsync("docker", "network", "create", "--config-only", "--subnet", $"10.254.{third}.0/25", other);
        Assert.True(made.ExitCode == 0, made.StandardError);
        try
        {
            var port = TestPorts.FreePort().ToString(CultureInfo.InvariantCulture);
            var error = await ReconfigureRefusedAsync(
                $"10.253.{third}.0/24",
                "nombre_conteneur=2", "conteneur2_name=sw", "conteneur2_type=swarm", "conteneur2_url=portique/none",
                "conteneur2_port_in=8080", "conteneur2_port_out=" + port, $"reseau_conteneurs_swarm=10.254.{third}.0/24");

            Assert.Contains("reseau_conteneurs_swarm", error, StringComparison.Ordinal);
            Assert.Contains($"10.254.{third}.0/25 (docker {other})", error, StringComparison.Ordinal);
            Assert.False(await new Orchestration.PrivateBridge(_root.Root).ExistsAsync(CancellationToken.None));
        }
        finally
        {
            await RunAsync("docker", "network", "rm", other);
        }
    }

    /// <summary>One web service on <paramref name="cidr"/>, then <c>reconfigure</c>: exit 1 naming the variable, no stack trace; returns its error text.</summary>
    private async Task<string> ReconfigureRefusedAsync(string cidr, params string[] more)
    {
        var port = TestPorts.FreePort().ToString(CultureInfo.InvariantCulture);
        var count = more.Any(m => m.StartsWith("nombre_conteneur=", StringComparison.Ordinal)) ? [] : new[] { "nombre_conteneur=1" };
        var set = await CliTests.RunInProcessAsync(_root, ["set", .. count, "conteneur1_name=web", "conteneur1_url=portique/none",
            "conteneur1_port_in=8080", "conteneur1_port_out=" + port, "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + cidr, .. more]);
        Assert.True(set.Code == 0, set.Error);

        var (code, output, error) = await CliTests.RunInProcessAsync(_root, "reconfigure");

        Assert.True(code == 1, $"exit {code}\n{output}\n{error}");
        Assert.Contains("reseau_conteneurs", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        return error;
    }

    private static async Task<BufferedCommandResult> RunAsync(string program, params string[] arguments) =>
        await CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}
