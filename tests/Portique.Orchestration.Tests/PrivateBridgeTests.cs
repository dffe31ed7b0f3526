using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>The root's private network against this machine's real kernel, iptables and dnsmasq (docs/network.md).</summary>
public sealed class PrivateBridgeTests : IDisposable
{
    private readonly TempRoot _temp = new("portique-net-");
    private readonly PrivateBridge _bridge;
    private readonly PrivateNetwork _network;

    public PrivateBridgeTests()
    {
        _bridge = new PrivateBridge(_temp.Root);
        _network = FreeNetwork();
    }

    public void Dispose()
    {
        _bridge.RemoveAsync(CancellationToken.None).GetAwaiter().GetResult();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_bridge_its_rules_and_the_names_of_the_services_are_made_once_and_then_left_alone()
    {
        var db = Address(20);
        var web = Address(21);

        Assert.True(await _bridge.EnsureAsync(_network, [("db", db), ("web", web)], CancellationToken.None));

        var link = await Run("ip", "-4", "-o", "addr", "show", "dev", _bridge.Name);
        Assert.Contains($"inet {_network.Gateway}/24", link, StringComparison.Ordinal);
        Assert.Contains(_bridge.Alias, await Run("ip", "-d", "link", "show", "dev", _bridge.Name), StringComparison.Ordinal);
        var forward = await Run("iptables", "-w", "-S");
        Assert.Contains($"-A PORTIQUE-{Tag} -o {_bridge.Name} -m comment --comment \"portique:{Tag}\" -j DROP", forward, StringComparison.Ordinal);
        Assert.Contains($"-A FORWARD -j PORTIQUE-{Tag}", forward, StringComparison.Ordinal);
        // The root's two bridges (its swarm tasks on the second) talk both ways, before dockerd's isolation chains.
        var swarmBridge = PrivateNetwork.SwarmBridgeName(_temp.Root.Directory);
        Assert.Contains($"-A DOCKER-USER -i {swarmBridge} -o {_bridge.Name} -m comment --comment \"portique:{Tag}\" -j ACCEPT", forward, StringComparison.Ordinal);
        Assert.Contains($"-A DOCKER-USER -i {_bridge.Name} -o {swarmBridge} -m comment --comment \"portique:{Tag}\" -j ACCEPT", forward, StringComparison.Ordinal);
        Assert.Contains($"-A PORTIQUE-NAT-{Tag} -s {_network.Cidr} ! -o {_bridge.Name}", await Run("iptables", "-w", "-t", "nat", "-S"), StringComparison.Ordinal);
        Assert.Equal(db, await TestNetworks.ResolveAsync(_network.Gateway, "db"));
        Assert.Equal(web, await TestNetworks.ResolveAsync(_network.Gateway, "web"));
        Assert.Null(await TestNetworks.ResolveAsync(_network.Gateway, "other"));

        // Idempotent: the same input changes nothing (no rule rewritten, dnsmasq not restarted).
        Assert.False(await _bridge.EnsureAsync(_network, [("web", web), ("db", db)], CancellationToken.None));

        // A new service is answered at once.
        Assert.True(await _bridge.EnsureAsync(_network, [("db", db), ("web", web), ("cache", Address(22))], CancellationToken.None));
        Assert.Equal(Address(22), await TestNetworks.ResolveAsync(_network.Gateway, "cache"));
    }

    [Fact]
    public async Task Removing_the_network_leaves_no_bridge_rule_or_dns_server_behind()
    {
        await _bridge.EnsureAsync(_network, [("db", Address(20))], CancellationToken.None);
        await _bridge.RemoveAsync(CancellationToken.None);

        Assert.False(await _bridge.ExistsAsync(CancellationToken.None));
        Assert.DoesNotContain(Tag, await Run("iptables", "-w", "-S"), StringComparison.Ordinal);
        Assert.DoesNotContain(Tag, await Run("iptables", "-w", "-t", "nat", "-S"), StringComparison.Ordinal);
        Assert.DoesNotContain(_bridge.Directory, await Run("ps", "-eo", "args"), StringComparison.Ordinal);
        // Twice is fine.
        await _bridge.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_bridge_of_that_name_that_this_root_did_not_mark_is_refused_and_left_alone()
    {
        await Run("ip", "link", "add", "name", _bridge.Name, "type", "bridge");
        try
        {
            var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => _bridge.EnsureAsync(_network, [], CancellationToken.None));
            Assert.Contains(_bridge.Name, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("inet ", await Run("ip", "-4", "-o", "addr", "show", "dev", _bridge.Name), StringComparison.Ordinal);
            await Assert.ThrowsAsync<RuntimeFailureException>(() => _bridge.RemoveAsync(CancellationToken.None));
        }
        finally
        {
            await Run("ip", "link", "del", "dev", _bridge.Name);
        }
    }

    [Fact]
    public async Task A_network_whose_addresses_another_interface_routes_is_found_before_anything_is_made()
    {
        // A bridge of nobody stands for a LAN, a VPN or another engine's network on the same addresses.
        var other = "ptqt" + PrivateNetwork.RootTag(_temp.Root.Directory)[..8];
        await Run("ip", "link", "add", "name", other, "type", "bridge");
        try
        {
            await Run("ip", "addr", "add", Address(1) + "/25", "dev", other);
            await Run("ip", "link", "set", "dev", other, "up");

            var overlapping = await _bridge.FindOverlappingRoutesAsync(_network, CancellationToken.None);

            Assert.Equal([$"{PrivateNetwork.Text(_network.Network)}/25 ({other})"], overlapping);
            Assert.False(await _bridge.ExistsAsync(CancellationToken.None));
        }
        finally
        {
            await Run("ip", "link", "del", "dev", other);
        }

        Assert.Empty(await _bridge.FindOverlappingRoutesAsync(_network, CancellationToken.None));
        // Its own bridge's route is not a conflict.
        await _bridge.EnsureAsync(_network, [], CancellationToken.None);
        Assert.Empty(await _bridge.FindOverlappingRoutesAsync(_network, CancellationToken.None));
    }

    [Fact]
    public async Task The_gateway_keeps_its_MAC_when_a_service_with_a_lower_one_joins_the_bridge()
    {
        await _bridge.EnsureAsync(_network, [], CancellationToken.None);
        var port = "ptqp" + Tag[..6];
        await Run("ip", "link", "add", "name", port, "type", "veth", "peer", "name", port + "x");
        try
        {
            // Linux gives a bridge without a MAC of its own the lowest of its ports'.
            await Run("ip", "link", "set", "dev", port, "address", "02:00:00:00:00:01");
            await Run("ip", "link", "set", "dev", port, "master", _bridge.Name, "up");

            Assert.Equal(PrivateBridge.FormatHardware(_bridge.Hardware), await HardwareAsync(_bridge.Name, null));
            Assert.False(await _bridge.EnsureAsync(_network, [], CancellationToken.None));
        }
        finally
        {
            await Run("ip", "link", "del", "dev", port);
        }
    }

    [Fact]
    public async Task A_replaced_service_is_announced_so_a_neighbour_that_knew_the_previous_MAC_learns_the_new_one()
    {
        await _bridge.EnsureAsync(_network, [], CancellationToken.None);
        var web = await NamespaceAsync("w", Address(21));
        var db = await NamespaceAsync("d", Address(20));
        try
        {
            // web last talked to db's previous instance: its own table (not the host's) holds the MAC that is gone.
            await Run("ip", "-n", web, "neigh", "replace", Address(20), "lladdr", "02:00:00:00:00:99", "dev", "eth0", "nud", "reachable");
            var current = await HardwareAsync("eth0", db);

            var announced = await _bridge.AnnounceAsync(_network, [Address(20), Address(30)], TimeSpan.FromSeconds(1), CancellationToken.None);

            Assert.Equal(current, PrivateBridge.FormatHardware(announced[0].Hardware!));
            Assert.Equal((Address(30), null), announced[1]);
            Assert.Contains($"{Address(20)} dev eth0 lladdr {current} ", await Run("ip", "-n", web, "neigh", "show"), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var name in new[] { web, db })
            {
                await Run("ip", "netns", "del", name);
            }
        }
    }

    [Fact]
    public async Task The_host_forgets_the_previous_MAC_of_an_address_a_new_instance_holds_and_reaches_it_at_once()
    {
        await _bridge.EnsureAsync(_network, [], CancellationToken.None);
        var db = await NamespaceAsync("n", Address(20));
        try
        {
            // The host last talked to db's previous instance, and to another service that stays.
            await Run("ip", "neigh", "replace", Address(20), "lladdr", "02:00:00:00:00:99", "dev", _bridge.Name, "nud", "reachable");
            await Run("ip", "neigh", "replace", Address(21), "lladdr", "02:00:00:00:00:98", "dev", _bridge.Name, "nud", "reachable");
            // Sent to the MAC that is gone, a connection is never answered.
            Assert.Equal(SocketError.TimedOut, await ConnectAsync(Address(20)));

            await _bridge.ForgetNeighbourAsync(Address(20), CancellationToken.None);

            // The new instance answers at once (nothing listens on the port: refused, which is an answer).
            Assert.Equal(SocketError.ConnectionRefused, await ConnectAsync(Address(20)));
            var neighbours = await Run("ip", "neigh", "show", "dev", _bridge.Name);
            Assert.DoesNotContain("02:00:00:00:00:99", neighbours, StringComparison.Ordinal);
            Assert.Contains($"{Address(21)} lladdr 02:00:00:00:00:98", neighbours, StringComparison.Ordinal);
        }
        finally
        {
            await Run("ip", "netns", "del", db);
        }
    }

    /// <summary>What a TCP connection to port 9 of <paramref name="address"/> meets within 2 s.</summary>
    private static async Task<SocketError> ConnectAsync(string address)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Parse(address), 9, timeout.Token);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
    }

    [Fact]
    public async Task Dnsmasq_leases_the_reserved_address_to_its_MAC_and_nothing_to_another()
    {
        var reserved = "52:54:00:0a:0b:0c";
        await _bridge.EnsureAsync(_network, [("vm", Address(40))], [(reserved, Address(40))], CancellationToken.None);
        var guest = await NamespaceAsync("g", null);
        var stranger = await NamespaceAsync("s", null);
        try
        {
            await Run("ip", "-n", guest, "link", "set", "dev", "eth0", "address", reserved);

            // busybox's DHCP client, as the test VM runs it; -s /bin/true: only the lease it prints matters.
            var leased = await RunAll("ip", "netns", "exec", guest, "busybox", "udhcpc", "-i", "eth0", "-s", "/bin/true", "-n", "-q", "-t", "5", "-T", "1");
            Assert.Contains($"lease of {Address(40)} obtained", leased, StringComparison.Ordinal);
            var refused = await RunAll("ip", "netns", "exec", stranger, "busybox", "udhcpc", "-i", "eth0", "-s", "/bin/true", "-n", "-q", "-t", "3", "-T", "1");
            Assert.DoesNotContain("obtained", refused, StringComparison.Ordinal);
            Assert.Contains($"dhcp-host={reserved},{Address(40)}", await File.ReadAllTextAsync(Path.Join(_bridge.Directory, "dnsmasq.conf")), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var name in new[] { guest, stranger })
            {
                await Run("ip", "netns", "del", name);
            }
        }
    }

    /// <summary>A network namespace on the bridge, as an engine makes one: eth0 with <paramref name="address"/> (none: DHCP's to give).</summary>
    private async Task<string> NamespaceAsync(string role, string? address)
    {
        var name = "ptq" + role + Tag[..6];
        await Run("ip", "netns", "add", name);
        await Run("ip", "link", "add", "name", name, "type", "veth", "peer", "name", "eth0", "netns", name);
        await Run("ip", "link", "set", "dev", name, "master", _bridge.Name, "up");
        if (address is not null)
        {
            await Run("ip", "-n", name, "addr", "add", address + "/24", "dev", "eth0");
        }

        await Run("ip", "-n", name, "link", "set", "dev", "eth0", "up");
        return name;
    }

    private static async Task<string> HardwareAsync(string device, string? space)
    {
        string[] show = ["-j", "link", "show", "dev", device];
        using var json = System.Text.Json.JsonDocument.Parse(await Run("ip", space is null ? show : ["-n", space, .. show]));
        return json.RootElement[0].GetProperty("address").GetString()!;
    }

    private string Tag => PrivateNetwork.RootTag(_temp.Root.Directory);

    private string Address(int host) => PrivateNetwork.Text(_network.Network + (uint)host);

    /// <summary>A /24 that no route of this host uses (<see cref="TestNetworks.Free"/>).</summary>
    internal static PrivateNetwork FreeNetwork() => TestNetworks.Free();

    /// <summary>Standard output and error together (busybox's udhcpc reports on stderr).</summary>
    private static async Task<string> RunAll(string program, params string[] arguments)
    {
        var result = await CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return result.StandardOutput + result.StandardError;
    }

    private static async Task<string> Run(string program, params string[] arguments) =>
        (await CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync()).StandardOutput;
}
