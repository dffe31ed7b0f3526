using System.Net;
using System.Net.Sockets;

namespace Portique.Planning.Tests;

/// <summary>The real host probe against real sockets: a port is free or held per protocol.</summary>
public class SocketHostProbeTests
{
    [Fact]
    public void A_udp_port_held_by_a_socket_is_not_free_for_udp_and_its_release_frees_it()
    {
        var probe = new SocketHostProbe();
        int port;
        using (var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            port = ((IPEndPoint)holder.Client.LocalEndPoint!).Port;
            Assert.False(probe.IsPortFree("127.0.0.1", port, PortProtocol.Udp));
        }

        Assert.True(probe.IsPortFree("127.0.0.1", port, PortProtocol.Udp));
    }

    [Fact]
    public void A_tcp_listener_holds_its_port_for_tcp_only()
    {
        var probe = new SocketHostProbe();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Assert.False(probe.IsPortFree("127.0.0.1", port));
            Assert.True(probe.IsPortFree("127.0.0.1", port, PortProtocol.Udp));
        }
        finally
        {
            listener.Stop();
        }
    }
}
