using System.Net;
using System.Net.Sockets;
using Portique.Core;

namespace Portique.TestSupport;

/// <summary>Private networks for tests on this machine's real kernel, and a one-question DNS client to check their names.</summary>
public static class TestNetworks
{
    /// <summary>A /24 in 10.252.0.0/16 that no route of this host uses (tests run in parallel, each takes its own).</summary>
    public static PrivateNetwork Free()
    {
        var routes = File.ReadAllText("/proc/net/route");
        while (true)
        {
            var third = Random.Shared.Next(0, 256);
            // /proc/net/route writes destinations in little-endian hex: 10.252.X.0 is 00XXFC0A.
            if (!routes.Contains($"00{third:X2}FC0A", StringComparison.Ordinal))
            {
                return PrivateNetwork.TryParse($"10.252.{third}.0/24", out _)!;
            }
        }
    }

    /// <summary>One A query for <paramref name="name"/> to the DNS server at <paramref name="server"/>:53; the first address answered, or null.</summary>
    public static async Task<string?> ResolveAsync(string server, string name)
    {
        using var udp = new UdpClient();
        var query = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte)name.Length };
        query.AddRange(System.Text.Encoding.ASCII.GetBytes(name));
        query.AddRange([0, 0, 1, 0, 1]);
        await udp.SendAsync(query.ToArray(), new IPEndPoint(IPAddress.Parse(server), 53));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = (await udp.ReceiveAsync(timeout.Token)).Buffer;
        var count = (answer[6] << 8) | answer[7];
        return count == 0 ? null : new IPAddress(answer[^4..]).ToString();
    }
}
