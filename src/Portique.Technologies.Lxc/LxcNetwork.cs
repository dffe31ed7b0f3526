using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Portique.Core;

namespace Portique.Technologies.Lxc;

/// <summary>The bridge the containers hang on: its address is their gateway, its subnet holds the pool.</summary>
internal sealed record BridgeInfo(string Name, IPAddress Address, int PrefixLength);

/// <summary>
/// The containers' network: the bridge (created by lxc-net when missing) and static IPv4 addresses from a pool.
/// A root records each container's address in its <see cref="LxcRecord"/>; since every root shares the bridge, a
/// candidate that answers a ping is skipped too, and a host-wide lock keeps two processes from choosing at once.
/// </summary>
internal sealed class LxcNetwork(LxcDriverOptions options)
{
    /// <summary>The bridge's IPv4 address and prefix, or null when the bridge or its address is missing.</summary>
    public BridgeInfo? FindBridge() => FindBridge(options.Bridge);

    /// <summary>
    /// The root's private network bridge (docs/network.md) when <paramref name="spec"/> has an address, else null. Portique
    /// made it before reconciling: missing, or without the network's gateway, it is a failure naming it.
    /// </summary>
    public static BridgeInfo? PrivateBridge(Planning.ServiceSpec spec, string rootDirectory)
    {
        if (spec.Address is null || Core.PrivateNetwork.TryParse(spec.Network, out _) is not { } network)
        {
            return null;
        }

        var name = Core.PrivateNetwork.BridgeName(rootDirectory);
        return FindBridge(name) is { } bridge && bridge.Address.ToString() == network.Gateway && bridge.PrefixLength == network.PrefixLength
            ? bridge
            : throw new RuntimeFailureException(Messages.FormatPrivateBridgeMissing(name, network.Gateway + "/" + network.PrefixLength));
    }

    private static BridgeInfo? FindBridge(string name)
    {
        var bridge = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.Name == name);
        var address = bridge?.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork);
        return address is null ? null : new BridgeInfo(name, address.Address, address.PrefixLength);
    }

    /// <summary>The bridge, started with <c>lxc-net start</c> when it is missing.</summary>
    public async Task<BridgeInfo> EnsureBridgeAsync(CancellationToken cancellationToken)
    {
        if (FindBridge() is { } bridge)
        {
            return bridge;
        }

        var start = await Tool.RunAsync(options.LxcNetScript, ["start"], options.CommandTimeout, LxcDriver.ToolMessages, cancellationToken);
        return FindBridge() ?? throw new RuntimeFailureException(Messages.FormatBridgeMissing(
            options.Bridge, Tool.Display(options.LxcNetScript, ["start"]), start.Succeeded ? Messages.NoDetail : start.Detail));
    }

    /// <summary>The pool's addresses, in order, checked against the bridge's subnet.</summary>
    public IReadOnlyList<IPAddress> Pool(BridgeInfo bridge)
    {
        if (!IPAddress.TryParse(options.AddressPoolFirst, out var first) || !IPAddress.TryParse(options.AddressPoolLast, out var last)
            || first.AddressFamily != AddressFamily.InterNetwork || last.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new RuntimeFailureException(Messages.FormatPoolInvalid(options.AddressPoolFirst, options.AddressPoolLast, Subnet(bridge)));
        }

        var from = ToUInt(first);
        var to = ToUInt(last);
        if (from > to || !InSubnet(first, bridge) || !InSubnet(last, bridge))
        {
            throw new RuntimeFailureException(Messages.FormatPoolInvalid(options.AddressPoolFirst, options.AddressPoolLast, Subnet(bridge)));
        }

        var pool = new List<IPAddress>();
        for (var value = from; value <= to && value >= from; value++)
        {
            var address = FromUInt(value);
            if (!address.Equals(bridge.Address))
            {
                pool.Add(address);
            }
        }

        return pool;
    }

    /// <summary>The first pool address not recorded in <paramref name="taken"/> and not answering on the bridge.</summary>
    public async Task<IPAddress> AllocateAsync(BridgeInfo bridge, IReadOnlySet<string> taken, string service, CancellationToken cancellationToken)
    {
        foreach (var candidate in Pool(bridge).Where(a => !taken.Contains(a.ToString())))
        {
            if (!await AnswersAsync(candidate, cancellationToken))
            {
                return candidate;
            }
        }

        throw new RuntimeFailureException(Messages.FormatPoolExhausted(service, options.AddressPoolFirst, options.AddressPoolLast, options.Bridge));
    }

    /// <summary>True when something on the bridge already answers at <paramref name="address"/>.</summary>
    public async Task<bool> AnswersAsync(IPAddress address, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        try
        {
            var reply = await ping.SendPingAsync(address, options.AddressProbeTimeout, null, null, cancellationToken);
            return reply.Status == IPStatus.Success;
        }
        catch (PingException)
        {
            return false;
        }
    }

    /// <summary>The host-wide address lock, waited for at most <paramref name="timeout"/>.</summary>
    public async Task<IDisposable> LockAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = options.Time.GetUtcNow() + timeout;
        Directory.CreateDirectory(Path.GetDirectoryName(options.AddressLockFile)!);
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux: released by the kernel if this process dies.
                return new FileStream(options.AddressLockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (options.Time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), options.Time, cancellationToken);
            }
            catch (IOException exception)
            {
                throw new RuntimeFailureException(Messages.FormatAddressLockBusy(options.AddressLockFile, Tool.Seconds(timeout)), exception);
            }
        }
    }

    private static bool InSubnet(IPAddress address, BridgeInfo bridge)
    {
        var mask = bridge.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - bridge.PrefixLength);
        return (ToUInt(address) & mask) == (ToUInt(bridge.Address) & mask);
    }

    private static string Subnet(BridgeInfo bridge) => bridge.Address + "/" + bridge.PrefixLength;

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }

    private static IPAddress FromUInt(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
