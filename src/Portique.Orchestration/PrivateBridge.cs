using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using System.Text.Json;
using CliWrap;
using Portique.Core;
using Portique.Orchestration.Resources;

namespace Portique.Orchestration;

/// <summary>Programs and timings of <see cref="PrivateBridge"/>; every member has a working default (Debian 12).</summary>
public sealed record PrivateBridgeOptions
{
    public string Ip { get; init; } = "/usr/sbin/ip";

    public string Iptables { get; init; } = "/usr/sbin/iptables";

    public string IptablesRestore { get; init; } = "/usr/sbin/iptables-restore";

    public string Dnsmasq { get; init; } = "/usr/sbin/dnsmasq";

    /// <summary>Where dnsmasq forwards the names it does not hold.</summary>
    public string ResolvFile { get; init; } = "/etc/resolv.conf";

    /// <summary>The kernel's IPv4 forwarding switch (the services' outbound traffic needs it).</summary>
    public string IpForward { get; init; } = "/proc/sys/net/ipv4/ip_forward";

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The root's private network on the host (docs/network.md): a Linux bridge of Portique's own (named from the root,
/// marked with an alias naming the root), its gateway address, iptables chains of its own (isolation, outbound NAT;
/// each rule commented with the root's tag) and a dnsmasq bound to the gateway answering the services' names.
/// Idempotent: a second <see cref="EnsureAsync"/> with the same input changes nothing (no rule rewritten, no restart).
/// Never touches a bridge, chain or dnsmasq that is not this root's.
/// </summary>
public sealed class PrivateBridge(PortiqueRoot root, PrivateBridgeOptions? options = null)
{
    private readonly PrivateBridgeOptions _options = options ?? new PrivateBridgeOptions();

    private static readonly ToolMessages ToolTexts = new(
        Messages.FormatNetworkCommandTimedOut,
        Messages.FormatNetworkProgramMissing);

    /// <summary>The bridge's name: <c>ptq-</c> and the root's tag.</summary>
    public string Name { get; } = PrivateNetwork.BridgeName(root.Directory);

    /// <summary>The mark on the bridge (its alias) saying which root owns it.</summary>
    public string Alias => "portique root=" + root.Directory;

    private string Tag { get; } = PrivateNetwork.RootTag(root.Directory);

    private string FilterChain => "PORTIQUE-" + Tag;

    private string NatChain => "PORTIQUE-NAT-" + Tag;

    /// <summary>The comment on every rule, quoted as iptables -S prints it (and iptables-restore reads it).</summary>
    private string Comment => "\"portique:" + Tag + "\"";

    /// <summary>The network's runtime files: dnsmasq's configuration and pid file.</summary>
    public string Directory => Path.Join(root.StateDirectory, "network");

    private string ConfigPath => Path.Join(Directory, "dnsmasq.conf");

    private string PidPath => Path.Join(Directory, "dnsmasq.pid");

    /// <summary>
    /// Makes the host match: the bridge with the gateway of <paramref name="network"/>, up; the iptables chains and
    /// their jumps; dnsmasq answering each of <paramref name="services"/> (name → address) and nothing else of the root.
    /// Returns whether anything changed.
    /// </summary>
    public Task<bool> EnsureAsync(PrivateNetwork network, IReadOnlyList<(string Name, string Address)> services, CancellationToken cancellationToken) =>
        EnsureAsync(network, services, [], cancellationToken);

    /// <summary>
    /// As above, and dnsmasq also answers DHCP for each of <paramref name="dhcpHosts"/> (MAC → address) and nobody else:
    /// virtual machines take their address by DHCP, as every cloud image does (docs/network.md).
    /// </summary>
    public async Task<bool> EnsureAsync(
        PrivateNetwork network,
        IReadOnlyList<(string Name, string Address)> services,
        IReadOnlyList<(string Hardware, string Address)> dhcpHosts,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dhcpHosts);
        var changed = await EnsureBridgeAsync(network, cancellationToken);
        changed |= await EnsureRulesAsync(network, cancellationToken);
        changed |= await EnsureForwardingAsync(cancellationToken);
        changed |= await EnsureDnsAsync(network, services, dhcpHosts, cancellationToken);
        return changed;
    }

    /// <summary>Removes everything <see cref="EnsureAsync"/> made (nothing when there is nothing): dnsmasq, the chains, the bridge.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        StopDns();
        foreach (var rule in CrossBridgeRules())
        {
            while ((await IptablesAsync(["-D", DockerUserChain, .. rule], cancellationToken)).Succeeded)
            {
                // Inserted twice by a crash between check and insert: removed twice.
            }
        }

        foreach (var (table, parent, chain) in new[] { ("filter", "FORWARD", FilterChain), ("nat", "POSTROUTING", NatChain) })
        {
            while ((await IptablesAsync(["-t", table, "-D", parent, "-j", chain], cancellationToken)).Succeeded)
            {
                // A jump inserted twice (a crash between check and insert) is removed twice.
            }

            if ((await IptablesAsync(["-t", table, "-F", chain], cancellationToken)).Succeeded)
            {
                await RunAsync(_options.Iptables, ["-w", "-t", table, "-X", chain], cancellationToken);
            }
        }

        if (await ReadLinkAsync(cancellationToken) is { } link)
        {
            EnsureOurs(link);
            await RunAsync(_options.Ip, ["link", "del", "dev", Name], cancellationToken);
        }
    }

    /// <summary>
    /// The host's routes (main table) that overlap <paramref name="network"/> outside this root's bridge: an interface,
    /// another engine's network or another root already uses some of its addresses. Read only, nothing changed.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindOverlappingRoutesAsync(PrivateNetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.OverlappingRoutes(await ListRoutesAsync(cancellationToken), Name);
    }

    /// <summary>The host's routes (main table): destination as <c>ip route</c> prints it, and device. Read only.</summary>
    public async Task<IReadOnlyList<(string Destination, string Device)>> ListRoutesAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(_options.Ip, ["-j", "-4", "route", "show", "table", "main"], cancellationToken);
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.EnumerateArray()
            .Select(route => (
                Destination: route.TryGetProperty("dst", out var destination) ? destination.GetString() ?? "" : "",
                Device: route.TryGetProperty("dev", out var device) ? device.GetString() ?? "" : ""))
            .ToArray();
    }

    /// <summary>
    /// Forgets the host's link-layer entries on the bridge: a service replaced (another instance, another technology)
    /// keeps its address but not its MAC, and the host (nginx) would otherwise send to the old one until the entry
    /// goes stale, seconds of failed requests. The next packet asks again.
    /// </summary>
    public async Task ForgetNeighboursAsync(CancellationToken cancellationToken)
    {
        if (await ReadLinkAsync(cancellationToken) is not null)
        {
            await RunAsync(_options.Ip, ["neigh", "flush", "dev", Name], cancellationToken);
        }
    }

    /// <summary>
    /// Forgets the host's link-layer entry of one <paramref name="address"/> on the bridge, the moment a new instance
    /// holds it: the host keeps a REACHABLE entry up to 45 s and then probes the previous MAC, so the new instance's
    /// first answer (and nginx's first request to it) would otherwise wait about half a minute. The next packet asks again.
    /// One `ip` run, on the run's path of every created instance: a missing bridge is its failure, which the caller may ignore.
    /// </summary>
    public Task ForgetNeighbourAsync(string address, CancellationToken cancellationToken) =>
        RunAsync(_options.Ip, ["neigh", "flush", "to", IPAddress.Parse(address).ToString(), "dev", Name], cancellationToken);

    /// <summary>
    /// Tells every service on the bridge where each of <paramref name="addresses"/> now is: asks who has it (from the
    /// gateway), then broadcasts the answer as an ARP announcement (RFC 5227), twice. A replaced service keeps its
    /// address but not its MAC; the services that talked to the previous instance (an engine's container keeps its own
    /// neighbour table, which the host cannot flush) would send to a MAC that is gone until their entry fails, up to a
    /// minute of refused connections. Returns each address with the MAC announced, or null when nothing answered within
    /// <paramref name="timeout"/> (the instance is not up: nothing to announce).
    /// </summary>
    public async Task<IReadOnlyList<(string Address, PhysicalAddress? Hardware)>> AnnounceAsync(
        PrivateNetwork network, IReadOnlyCollection<string> addresses, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0 || await ReadLinkAsync(cancellationToken) is not { } link)
        {
            return [];
        }

        var gateway = IPAddress.Parse(network.Gateway);
        var announced = new List<(string, PhysicalAddress?)>();
        using var socket = new LinkLayerSocket(link.Index);
        foreach (var text in addresses)
        {
            var address = IPAddress.Parse(text);
            ArpPacket? reply = null;
            for (var asked = TimeSpan.Zero; reply is null && asked < timeout; asked += AnswerWait)
            {
                await socket.SendAsync(ArpPacket.Request(link.Hardware, gateway, address), cancellationToken);
                reply = await socket.ReceiveAsync(
                    p => p.Operation == ArpOperation.Reply && p.SenderAddress.Equals(address), AnswerWait, cancellationToken);
            }

            if (reply is not null)
            {
                // Twice: one frame lost on the way would leave a neighbour on the previous MAC.
                var announcement = ArpPacket.Announcement(reply.SenderHardware, address);
                await socket.SendAsync(announcement, cancellationToken);
                await Task.Delay(AnnouncementGap, cancellationToken);
                await socket.SendAsync(announcement, cancellationToken);
            }

            announced.Add((text, reply?.SenderHardware));
        }

        return announced;
    }

    /// <summary>How long one "who has" waits for its answer before it is asked again.</summary>
    private static readonly TimeSpan AnswerWait = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan AnnouncementGap = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The bridge's own MAC, fixed (locally administered, from the root's tag): without one, Linux gives a bridge the
    /// lowest MAC of its ports, so the gateway's MAC changed whenever a service came or went, and every service's
    /// entry for its gateway (DNS, the way out) pointed to a MAC that was gone.
    /// </summary>
    public PhysicalAddress Hardware => new([0x02, 0x70, .. Convert.FromHexString(Tag)]);

    /// <summary>Whether this root's bridge exists.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken) => await ReadLinkAsync(cancellationToken) is not null;

    private async Task<bool> EnsureBridgeAsync(PrivateNetwork network, CancellationToken cancellationToken)
    {
        var changed = false;
        var link = await ReadLinkAsync(cancellationToken);
        if (link is null)
        {
            await RunAsync(_options.Ip, ["link", "add", "name", Name, "type", "bridge"], cancellationToken);
            await RunAsync(_options.Ip, ["link", "set", "dev", Name, "alias", Alias], cancellationToken);
            link = await ReadLinkAsync(cancellationToken);
            changed = true;
        }

        EnsureOurs(link);
        var moved = !link.Hardware.Equals(Hardware);
        if (moved)
        {
            await RunAsync(_options.Ip, ["link", "set", "dev", Name, "address", FormatHardware(Hardware)], cancellationToken);
            changed = true;
        }

        var wanted = (network.Gateway, network.PrefixLength);
        var addresses = await ReadAddressesAsync(cancellationToken);
        if (addresses.Count != 1 || addresses[0] != wanted)
        {
            // Another network was configured before: its address goes, the new gateway comes.
            await RunAsync(_options.Ip, ["-4", "addr", "flush", "dev", Name], cancellationToken);
            await RunAsync(_options.Ip, ["addr", "add", network.Gateway + "/" + network.PrefixLength.ToString(CultureInfo.InvariantCulture), "dev", Name], cancellationToken);
            changed = true;
        }

        if (link is { Up: false })
        {
            await RunAsync(_options.Ip, ["link", "set", "dev", Name, "up"], cancellationToken);
            changed = true;
        }

        if (moved)
        {
            // A bridge made before its MAC was fixed: the services running on it learn the gateway's new one at once.
            try
            {
                using var socket = new LinkLayerSocket(link.Index);
                await socket.SendAsync(ArpPacket.Announcement(Hardware, IPAddress.Parse(network.Gateway)), cancellationToken);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Best effort: without it the services learn the gateway's MAC when their entry goes stale.
            }
        }

        return changed;
    }

    /// <summary>The chains' rules as iptables-save prints them; rewritten (atomically, by iptables-restore) only when they differ.</summary>
    private async Task<bool> EnsureRulesAsync(PrivateNetwork network, CancellationToken cancellationToken)
    {
        string[] filter =
        [
            // The root's services talk to each other.
            $"-A {FilterChain} -i {Name} -o {Name} -m comment --comment {Comment} -j ACCEPT",
            // Replies to what they opened, and what an engine published (DNAT) reach them...
            $"-A {FilterChain} -o {Name} -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment {Comment} -j ACCEPT",
            $"-A {FilterChain} -o {Name} -m conntrack --ctstate DNAT -m comment --comment {Comment} -j ACCEPT",
            // ...nothing else does: not the LAN, not another root's services (its swarm tasks: see CrossBridgeRules).
            $"-A {FilterChain} -o {Name} -m comment --comment {Comment} -j DROP",
            // Outbound.
            $"-A {FilterChain} -i {Name} -m comment --comment {Comment} -j ACCEPT",
        ];
        string[] nat = [$"-A {NatChain} -s {network.Cidr} ! -o {Name} -m comment --comment {Comment} -j MASQUERADE"];

        var changed = false;
        if (!(await ChainRulesAsync("filter", FilterChain, cancellationToken)).SequenceEqual(filter, StringComparer.Ordinal)
            || !(await ChainRulesAsync("nat", NatChain, cancellationToken)).SequenceEqual(nat, StringComparer.Ordinal))
        {
            // --noflush: only the two chains declared here are emptied and refilled, in one transaction.
            var text = new StringBuilder()
                .Append("*filter\n:").Append(FilterChain).Append(" - [0:0]\n").AppendJoin('\n', filter).Append("\nCOMMIT\n")
                .Append("*nat\n:").Append(NatChain).Append(" - [0:0]\n").AppendJoin('\n', nat).Append("\nCOMMIT\n")
                .ToString();
            var result = await Tool.RunAsync(
                _options.IptablesRestore, ["-w", "--noflush"], _options.CommandTimeout, ToolTexts, cancellationToken, standardInput: PipeSource.FromString(text));
            result.EnsureSucceeded(r => Messages.FormatNetworkCommandFailed(r.Command, r.Detail));
            changed = true;
        }

        foreach (var (table, parent, chain) in new[] { ("filter", "FORWARD", FilterChain), ("nat", "POSTROUTING", NatChain) })
        {
            if (!(await IptablesAsync(["-t", table, "-C", parent, "-j", chain], cancellationToken)).Succeeded)
            {
                await RunAsync(_options.Iptables, ["-w", "-t", table, "-I", parent, "1", "-j", chain], cancellationToken);
                changed = true;
            }
        }

        changed |= await EnsureCrossBridgeRulesAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// The root's two bridges talk to each other: its swarm tasks, on the second bridge (docs/network.md), reach the
    /// services of the first by address, and those reach the tasks through the ports swarm publishes (DNAT). Both are
    /// dockerd's networks, and dockerd's isolation chains drop traffic between its bridges before any chain of ours
    /// runs (dockerd puts its jumps first again whenever it makes a network): only <c>DOCKER-USER</c>, which dockerd
    /// promises to run first, can let it through.
    /// </summary>
    private IEnumerable<string[]> CrossBridgeRules()
    {
        var swarmBridge = PrivateNetwork.SwarmBridgeName(root.Directory);
        yield return ["-i", swarmBridge, "-o", Name, "-m", "comment", "--comment", Comment.Trim('"'), "-j", "ACCEPT"];
        yield return ["-i", Name, "-o", swarmBridge, "-m", "comment", "--comment", Comment.Trim('"'), "-j", "ACCEPT"];
    }

    private const string DockerUserChain = "DOCKER-USER";

    private async Task<bool> EnsureCrossBridgeRulesAsync(CancellationToken cancellationToken)
    {
        var changed = false;
        if (!(await IptablesAsync(["-S", DockerUserChain], cancellationToken)).Succeeded)
        {
            // At boot Portique's network comes up before dockerd (portique-network.service), which keeps the rules of
            // a DOCKER-USER chain it finds and only adds its jump to it; without dockerd nothing jumps to it.
            await RunAsync(_options.Iptables, ["-w", "-N", DockerUserChain], cancellationToken);
            changed = true;
        }

        foreach (var rule in CrossBridgeRules())
        {
            if (!(await IptablesAsync(["-C", DockerUserChain, .. rule], cancellationToken)).Succeeded)
            {
                await RunAsync(_options.Iptables, ["-w", "-I", DockerUserChain, "1", .. rule], cancellationToken);
                changed = true;
            }
        }

        return changed;
    }

    private async Task<bool> EnsureForwardingAsync(CancellationToken cancellationToken)
    {
        // dockerd and lxc-net set it too; a host with neither needs it for the services' outbound traffic.
        if (ProcFs.ReadValue(_options.IpForward) == "1")
        {
            return false;
        }

        await ProcFs.WriteValueAsync(_options.IpForward, "1", cancellationToken);
        return true;
    }

    /// <summary>
    /// dnsmasq, as nobody, bound to the gateway only: the names are <c>host-record</c> lines of its configuration (read
    /// as root before it drops privileges, so a root folder closed to others does not matter). Restarted only when the
    /// configuration changes (a service added, removed or renamed: rare; an address never moves on a replacement).
    /// </summary>
    private async Task<bool> EnsureDnsAsync(
        PrivateNetwork network,
        IReadOnlyList<(string Name, string Address)> services,
        IReadOnlyList<(string Hardware, string Address)> dhcpHosts,
        CancellationToken cancellationToken)
    {
        var text = new StringBuilder()
            .Append("# Written by Portique: the names of the root ").Append(root.Directory.Replace('\n', ' ')).Append("'s services (docs/network.md).\n")
            .Append("listen-address=").Append(network.Gateway).Append('\n')
            .Append("bind-interfaces\nexcept-interface=lo\nno-hosts\ndomain-needed\nbogus-priv\n")
            .Append("resolv-file=").Append(_options.ResolvFile).Append('\n')
            .Append("pid-file=").Append(PidPath).Append('\n');
        foreach (var (name, address) in services.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (!PrivateNetwork.TryParseAddress(address, out _) || !DnsLabel(name))
            {
                throw new ArgumentException($"not a service name and address: '{name}' '{address}'", nameof(services));
            }

            text.Append("host-record=").Append(name).Append(',').Append(address).Append('\n');
        }

        if (dhcpHosts.Count > 0)
        {
            // DHCP on this bridge only (two roots' dnsmasq then share port 67), for the reserved MACs only ("static").
            text.Append("interface=").Append(Name).Append('\n')
                .Append("dhcp-range=").Append(PrivateNetwork.Text(network.Network)).Append(",static,")
                .Append(network.Netmask).Append(",1h\n")
                .Append("dhcp-leasefile=").Append(Path.Join(Directory, "dnsmasq.leases")).Append('\n');
            foreach (var (hardware, address) in dhcpHosts.OrderBy(h => h.Hardware, StringComparer.Ordinal))
            {
                if (!PrivateNetwork.TryParseAddress(address, out _) || !PhysicalAddress.TryParse(hardware, out _) || hardware.Length != 17)
                {
                    throw new ArgumentException($"not a MAC and address: '{hardware}' '{address}'", nameof(dhcpHosts));
                }

                text.Append("dhcp-host=").Append(hardware).Append(',').Append(address).Append('\n');
            }
        }

        var content = text.ToString();
        var running = FindDns();
        if (running is not null && File.Exists(ConfigPath) && await File.ReadAllTextAsync(ConfigPath, cancellationToken) == content)
        {
            return false;
        }

        System.IO.Directory.CreateDirectory(Directory);
        await AtomicFile.WriteTextAsync(ConfigPath, content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken);
        StopDns();
        // dnsmasq checks its configuration, binds, writes its pid file and only then detaches: exit 0 means it answers.
        await RunAsync(_options.Dnsmasq, ["--conf-file=" + ConfigPath], cancellationToken);
        return true;
    }

    /// <summary>
    /// Where each name of the root points now: the <c>host-record</c> lines of its dnsmasq configuration (empty before
    /// the network's first run). Of two live instances of a service, the one its name points to is the one serving.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReadRecords()
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(ConfigPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return records;
        }

        foreach (var line in lines)
        {
            if (line.StartsWith("host-record=", StringComparison.Ordinal) && line["host-record=".Length..].Split(',') is [var name, var address])
            {
                records[name] = address;
            }
        }

        return records;
    }

    /// <summary>The pid of this root's dnsmasq: the pid file names a live dnsmasq started on this configuration.</summary>
    private int? FindDns()
    {
        try
        {
            if (!File.Exists(PidPath)
                || !int.TryParse(File.ReadAllText(PidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid <= 0 || !ProcFs.IsAlive(pid))
            {
                return null;
            }

            var command = ProcFs.CommandLine(pid);
            return command is not null && command.Contains("dnsmasq", StringComparison.Ordinal) && command.Contains(ConfigPath, StringComparison.Ordinal)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void StopDns()
    {
        if (FindDns() is not { } pid)
        {
            return;
        }

        using var process = System.Diagnostics.Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private async Task<IReadOnlyList<string>> ChainRulesAsync(string table, string chain, CancellationToken cancellationToken)
    {
        var result = await IptablesAsync(["-t", table, "-S", chain], cancellationToken);
        // -S prints "-N CHAIN" first, then the rules; a missing chain fails: no rules.
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("-A ", StringComparison.Ordinal)).ToArray()
            : [];
    }

    private Task<ToolResult> IptablesAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Tool.RunAsync(_options.Iptables, ["-w", .. arguments], _options.CommandTimeout, ToolTexts, cancellationToken);

    private sealed record Link(string Alias, bool Up, int Index, PhysicalAddress Hardware);

    /// <summary>A MAC as ip reads it: lowercase pairs joined by ':'.</summary>
    internal static string FormatHardware(PhysicalAddress hardware) =>
        string.Join(':', hardware.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private async Task<Link?> ReadLinkAsync(CancellationToken cancellationToken)
    {
        var result = await Tool.RunAsync(_options.Ip, ["-j", "link", "show", "dev", Name], _options.CommandTimeout, ToolTexts, cancellationToken);
        if (!result.Succeeded)
        {
            return null;
        }

        using var json = JsonDocument.Parse(result.StandardOutput);
        var link = json.RootElement[0];
        var alias = link.TryGetProperty("ifalias", out var value) ? value.GetString() ?? "" : "";
        var up = link.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "UP");
        var hardware = link.TryGetProperty("address", out var address) && PhysicalAddress.TryParse(address.GetString(), out var parsed) ? parsed : PhysicalAddress.None;
        return new Link(alias, up, link.GetProperty("ifindex").GetInt32(), hardware);
    }

    private async Task<IReadOnlyList<(string Address, int Prefix)>> ReadAddressesAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(_options.Ip, ["-j", "-4", "addr", "show", "dev", Name], cancellationToken);
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.EnumerateArray()
            .SelectMany(l => l.TryGetProperty("addr_info", out var info) ? info.EnumerateArray().ToArray() : [])
            .Select(a => (a.GetProperty("local").GetString() ?? "", a.GetProperty("prefixlen").GetInt32()))
            .ToArray();
    }

    private void EnsureOurs([System.Diagnostics.CodeAnalysis.NotNull] Link? link)
    {
        if (link is null || link.Alias != Alias)
        {
            throw new RuntimeFailureException(Messages.FormatBridgeNotOurs(Name, link?.Alias ?? ""));
        }
    }

    private async Task<ToolResult> RunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        (await Tool.RunAsync(executable, arguments, _options.CommandTimeout, ToolTexts, cancellationToken))
            .EnsureSucceeded(r => Messages.FormatNetworkCommandFailed(r.Command, r.Detail));

    private static bool DnsLabel(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && name[0] != '-' && name[^1] != '-';
}
