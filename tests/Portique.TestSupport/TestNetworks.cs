using System.Net;
using System.Net.Sockets;
using Portique.Core;

namespace Portique.TestSupport;

/// <summary>Private networks for tests on this machine's real kernel, and a one-question DNS client to check their names.</summary>
public static class TestNetworks
{
    /// <summary>Where each test process marks the networks it took (one file per third octet).</summary>
    private static readonly string Reservations = Path.Join(Path.GetTempPath(), "portique-test-networks");

    /// <summary>How long a network taken by a test stays out of reach of the others.</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(20);

    /// <summary>
    /// A /24 in 10.252.0.0/16 that no route of this host uses and no other test took in the last 20 minutes: tests
    /// run in parallel, in this process and in the end-to-end lane's, and a network picked but not made yet has no
    /// route (two tests once drew the same one: "dnsmasq: Address already in use"). The mark is a file made with
    /// CreateNew, so two processes cannot both take it.
    /// </summary>
    public static PrivateNetwork Free()
    {
        Directory.CreateDirectory(Reservations);
        var routes = File.ReadAllText("/proc/net/route");
        for (var attempt = 0; attempt < 4096; attempt++)
        {
            var third = Random.Shared.Next(0, 256);
            // /proc/net/route writes destinations in little-endian hex: 10.252.X.0 is 00XXFC0A.
            if (routes.Contains($"00{third:X2}FC0A", StringComparison.Ordinal) || !TryReserve(third))
            {
                continue;
            }

            return PrivateNetwork.TryParse($"10.252.{third}.0/24", out _)!;
        }

        throw new InvalidOperationException("no free /24 left in 10.252.0.0/16 for a test network (see " + Reservations + ")");
    }

    /// <summary>
    /// A random six-hex-digit suffix with which the services named PREFIX + suffix get distinct addresses and
    /// replacement addresses in any /24 <see cref="Free"/> gives. Two names can hash to one address, which Portique
    /// refuses by design (docs/network.md, "pin another address"): a test must not fail on that about one run in 250.
    /// </summary>
    public static string SuffixWithDistinctAddresses(params string[] prefixes)
    {
        var sample = PrivateNetwork.TryParse("10.252.0.0/24", out _)!;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var addresses = prefixes.SelectMany(p => new[] { sample.AddressFor(p + suffix), sample.ReplacementAddressFor(p + suffix) }).ToList();
            if (addresses.Distinct(StringComparer.Ordinal).Count() == addresses.Count)
            {
                return suffix;
            }
        }

        throw new InvalidOperationException($"no suffix gives {prefixes.Length} services distinct addresses in a /24");
    }

    private static bool TryReserve(int third)
    {
        var mark = Path.Join(Reservations, third.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            if (File.Exists(mark))
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(mark) < ReservationLifetime)
                {
                    return false;
                }

                File.Delete(mark);
            }

            using var created = new FileStream(mark, FileMode.CreateNew, FileAccess.Write);
            return true;
        }
        catch (IOException)
        {
            // Another process took it between the two calls.
            return false;
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
