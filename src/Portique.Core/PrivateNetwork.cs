using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portique.Core;

/// <summary>Why a text is not a usable private network (<see cref="PrivateNetwork.TryParse"/>).</summary>
public enum PrivateNetworkProblem
{
    /// <summary>Not <c>a.b.c.d/prefix</c> with an IPv4 address and a prefix 0-32.</summary>
    NotCidr,

    /// <summary>The address has host bits set (<c>10.231.0.1/16</c> instead of <c>10.231.0.0/16</c>).</summary>
    HostBitsSet,

    /// <summary>The prefix is outside <see cref="PrivateNetwork.MinPrefix"/>-<see cref="PrivateNetwork.MaxPrefix"/>.</summary>
    PrefixOutOfRange,

    /// <summary>Overlaps the loopback, link-local, multicast, reserved or "this network" blocks.</summary>
    Reserved,
}

/// <summary>
/// A root's private IPv4 network (<c>reseau_conteneurs</c>, docs/network.md): the gateway is its first address (the
/// bridge's, where the root's DNS listens), services take addresses between the gateway and the last quarter, which
/// is kept for the engines' own pools (swarm tasks). Pure arithmetic, no host access.
/// </summary>
public sealed record PrivateNetwork
{
    /// <summary>The widest network accepted (/8).</summary>
    public const int MinPrefix = 8;

    /// <summary>The narrowest network accepted (/26: 64 addresses, 45 for services).</summary>
    public const int MaxPrefix = 26;

    private static readonly (uint Network, int Prefix)[] ReservedBlocks =
    [
        (0x00000000, 8), // "this network"
        (0x7F000000, 8), // loopback
        (0xA9FE0000, 16), // link-local
        (0xE0000000, 4), // multicast
        (0xF0000000, 4), // reserved and broadcast
    ];

    private PrivateNetwork(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The network address as an integer (host order).</summary>
    public uint Network { get; }

    /// <summary>The prefix length (8-26).</summary>
    public int PrefixLength { get; }

    /// <summary>How many addresses the network spans.</summary>
    public uint Size => 1u << (32 - PrefixLength);

    /// <summary>The canonical CIDR text (<c>10.231.0.0/16</c>).</summary>
    public string Cidr => Text(Network) + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    /// <summary>The netmask in dotted form (<c>255.255.0.0</c>), as dnsmasq's <c>dhcp-range</c> takes it.</summary>
    public string Netmask => Text(Mask(PrefixLength));

    /// <summary>The gateway: the bridge's own address and the root's DNS server.</summary>
    public string Gateway => Text(Network + 1);

    /// <summary>The first address of the last quarter, kept for the engines' pools (never a service's address).</summary>
    public uint PoolStart => Network + (Size / 4 * 3);

    /// <summary>The first address a service may have.</summary>
    public uint FirstService => Network + 2;

    /// <summary>How many addresses services may have.</summary>
    public uint ServiceCount => PoolStart - FirstService;

    /// <summary>Reads <paramref name="text"/> as a private network; null and the reason when it is not one.</summary>
    public static PrivateNetwork? TryParse(string? text, out PrivateNetworkProblem problem)
    {
        problem = PrivateNetworkProblem.NotCidr;
        var parts = (text ?? "").Trim().Split('/');
        if (parts.Length != 2 || !TryParseAddress(parts[0], out var address)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32 || parts[1].Length > 2)
        {
            return null;
        }

        if ((address & Mask(prefix)) != address)
        {
            problem = PrivateNetworkProblem.HostBitsSet;
            return null;
        }

        if (prefix is < MinPrefix or > MaxPrefix)
        {
            problem = PrivateNetworkProblem.PrefixOutOfRange;
            return null;
        }

        if (ReservedBlocks.Any(block => Overlaps(address, prefix, block.Network, block.Prefix)))
        {
            problem = PrivateNetworkProblem.Reserved;
            return null;
        }

        return new PrivateNetwork(address, prefix);
    }

    /// <summary>
    /// The address a service named <paramref name="name"/> gets when none is pinned: the first 8 bytes of the sha256
    /// of its name, modulo the service addresses. The same name in the same network always gets the same address.
    /// </summary>
    public string AddressFor(string name) => Text(FirstService + (uint)Offset(name));

    /// <summary>Where <paramref name="name"/> lands among the service addresses (a hash of it).</summary>
    private ulong Offset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return BinaryPrimitives.ReadUInt64BigEndian(hash) % ServiceCount;
    }

    /// <summary>
    /// The second address of the service named <paramref name="name"/>, where its new instance starts beside the old one
    /// in a replacement without interruption (docs/replacement.md): the address of its next instance's name,
    /// <c>NAME.portique-next</c>, computed as <see cref="AddressFor"/> does; when both names land on the same address
    /// (about one name in 190 on a /24), the next service address after it, so that a service never clashes with itself.
    /// </summary>
    public string ReplacementAddressFor(string name)
    {
        var next = Offset(name + ".portique-next");
        if (next == Offset(name) && ServiceCount > 1)
        {
            next = (next + 1) % ServiceCount;
        }

        return Text(FirstService + (uint)next);
    }

    /// <summary>Whether <paramref name="address"/> is one a service may have (in the network, not the gateway, not the pool).</summary>
    public bool IsServiceAddress(string? address) =>
        TryParseAddress(address, out var value) && value >= FirstService && value < PoolStart;

    /// <summary>Whether this network and <c>network/prefix</c> share an address.</summary>
    public bool Overlaps(uint network, int prefix) => Overlaps(Network, PrefixLength, network, prefix);

    /// <summary>
    /// The routes among <paramref name="routes"/> (destination as <c>ip route</c> prints it: <c>a.b.c.d/p</c>, a host
    /// address, or <c>default</c>) that share an address with this network and do not go through
    /// <paramref name="ownDevice"/>: another interface, engine or root already uses those addresses. Default routes
    /// never conflict. Each conflict is written <c>destination (device)</c>.
    /// </summary>
    public IReadOnlyList<string> OverlappingRoutes(IEnumerable<(string Destination, string Device)> routes, string ownDevice)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes
            .Where(route => route.Device != ownDevice && TryParseRoute(route.Destination, out var network, out var prefix)
                && prefix > 0 && Overlaps(network, prefix))
            .Select(route => route.Device.Length == 0 ? route.Destination : route.Destination + " (" + route.Device + ")")
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The bridge of the root at <paramref name="rootPath"/>: <c>ptq-</c> and 8 hex digits of the sha256 of the path
    /// (12 characters, under the kernel's 15); one name per root, the same on every run.
    /// </summary>
    public static string BridgeName(string rootPath) => "ptq-" + RootTag(rootPath);

    /// <summary>
    /// The root's second bridge, where swarm's tasks live (a swarm service cannot use the root's docker network nor a
    /// fixed address: docs/network.md): <c>ptqs</c> and the root's tag, made by dockerd from Portique's config-only network.
    /// </summary>
    public static string SwarmBridgeName(string rootPath) => "ptqs" + RootTag(rootPath);

    /// <summary>
    /// The MAC of a virtual machine's interface on the private network: QEMU's prefix <c>52:54:00</c> and 3 bytes of the
    /// sha256 of the service's name, so the same name always gets the same MAC and dnsmasq's DHCP reservation
    /// (<c>dhcp-host=MAC,ADDRESS</c>) gives the VM its address whatever instance runs.
    /// </summary>
    public static string GuestHardware(string serviceName)
    {
        ArgumentNullException.ThrowIfNull(serviceName);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(serviceName));
        return string.Create(CultureInfo.InvariantCulture, $"52:54:00:{hash[0]:x2}:{hash[1]:x2}:{hash[2]:x2}");
    }

    /// <summary>
    /// The tap device of a service's virtual machine: <c>ptqt</c> and 11 hex digits of the sha256 of the root's path and
    /// the service's name (15 characters, the kernel's limit): one per service and root, the same on every run.
    /// </summary>
    public static string TapName(string rootPath, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(rootPath);
        ArgumentNullException.ThrowIfNull(serviceName);
        return "ptqt" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rootPath + "\n" + serviceName)))[..11];
    }

    /// <summary>8 hex digits of the sha256 of the root's path: names the root's bridge, networks and rules.</summary>
    public static string RootTag(string rootPath)
    {
        ArgumentNullException.ThrowIfNull(rootPath);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rootPath)))[..8];
    }

    /// <summary>Reads a dotted IPv4 address (four decimal parts 0-255, no leading sign or blank).</summary>
    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        var parts = (text ?? "").Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            address = (address << 8) | value;
        }

        return true;
    }

    /// <summary>The dotted text of an address.</summary>
    public static string Text(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");

    private static bool TryParseRoute(string destination, out uint network, out int prefix)
    {
        var slash = destination.IndexOf('/', StringComparison.Ordinal);
        prefix = 32;
        return TryParseAddress(slash < 0 ? destination : destination[..slash], out network)
            && (slash < 0 || (int.TryParse(destination.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= 32));
    }

    private static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    private static bool Overlaps(uint a, int aPrefix, uint b, int bPrefix)
    {
        var mask = Mask(Math.Min(aPrefix, bPrefix));
        return (a & mask) == (b & mask);
    }
}
