using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// A UDP host port through the CLI, with a real engine: on the private network the frontend (nginx stream) publishes
/// <c>conteneurN_port_proto=udp</c> and relays datagrams both ways to the service's address; a replacement leaves
/// the port bound while the instance behind it changes. The service is the host's <c>socat</c> in a busybox image
/// (busybox has no UDP server).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UdpPortTests : IAsyncLifetime
{
    private const int ServicePort = 5353;

    private readonly Deployment _deployment = new();
    private readonly int _udpPort = TestPorts.FreePort();
    private readonly string _name = "echo-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_udp_port_is_published_by_the_frontend_and_answers_across_a_replacement()
    {
        var network = TestNetworks.Free();
        var image = _deployment.Images.Name("udpecho");
        var echo = new TestImageOptions
        {
            // Each datagram to 5353 is answered with its own bytes, to the address it came from (nginx's relay).
            Command = ["/usr/bin/socat", "-T", "2", $"UDP4-RECVFROM:{ServicePort},fork", "EXEC:/bin/cat"],
            HostFiles = await TestImages.ProgramWithLibrariesAsync("/usr/bin/socat", CancellationToken.None),
        };
        await _deployment.Images.PublishAsync(image, "1.0", "udp echo 1", echo);
        await _deployment.Images.PublishAsync(image, "2.0", "udp echo 2", echo);
        await _deployment.ConfigureAsync(
            "nombre_conteneur=1", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            $"conteneur1_name={_name}", "conteneur1_type=docker", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_route_web=non",
            $"conteneur1_port_in={ServicePort}", $"conteneur1_port_out={_udpPort}", "conteneur1_port_proto=udp");
        await _deployment.SucceedAsync("instance");

        Assert.Equal("ping 1", await EchoAsync("ping 1"));
        // What holds the host port is nginx, in UDP; the engine publishes nothing.
        var holders = await CliWrap.Cli.Wrap("ss").WithArguments(["-lunpH", "sport", "=", ":" + _udpPort.ToString(CultureInfo.InvariantCulture)])
            .ExecuteBufferedAsync();
        Assert.Contains("\"nginx\"", holders.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("docker-proxy", holders.StandardOutput, StringComparison.Ordinal);
        var container = Assert.Single(await _deployment.ContainersAsync());
        Assert.DoesNotContain(container.Ports, p => p.PublicPort is > 0);

        // A new tag: the new instance starts beside the old one and the port keeps answering once it serves.
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        Assert.Contains("tag: 1.0 → 2.0", (await _deployment.RunAsync("plan")).StandardOutput, StringComparison.Ordinal);
        await _deployment.SucceedAsync("reconfigure");

        Assert.Equal("ping 2", await EchoAsync("ping 2"));
        Assert.NotEqual(container.ID, Assert.Single(await _deployment.ContainersAsync()).ID);
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
    }

    /// <summary>Sends <paramref name="message"/> to the UDP host port until an answer comes (5 tries of 2 s); the answer's text.</summary>
    private async Task<string> EchoAsync(string message)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Loopback, _udpPort);
        var bytes = Encoding.ASCII.GetBytes(message);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await client.SendAsync(bytes, target);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var answer = await client.ReceiveAsync(timeout.Token);
                return Encoding.ASCII.GetString(answer.Buffer);
            }
            catch (OperationCanceledException)
            {
                // A datagram may be lost (UDP): send it again.
            }
        }

        return "(no answer to " + message + ")";
    }
}
