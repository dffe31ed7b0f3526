using System.Net;
using System.Net.Sockets;

namespace Portique.Planning;

/// <summary>The host's network as the reconciler needs it: is a port free, does a port answer.</summary>
public interface IHostProbe
{
    /// <summary>True when nothing listens on <paramref name="address"/>:<paramref name="port"/> (TCP, or UDP when asked).</summary>
    bool IsPortFree(string address, int port, PortProtocol protocol = PortProtocol.Tcp);

    /// <summary>True when a TCP connection to the port succeeds within the timeout.</summary>
    Task<bool> AcceptsConnectionsAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The real host, through sockets.</summary>
public sealed class SocketHostProbe : IHostProbe
{
    public bool IsPortFree(string address, int port, PortProtocol protocol = PortProtocol.Tcp)
    {
        try
        {
            if (protocol == PortProtocol.Udp)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
                return true;
            }

            using var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async Task<bool> AcceptsConnectionsAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // 0.0.0.0 means every address: the loopback one answers for all.
        var target = address == "0.0.0.0" ? IPAddress.Loopback : IPAddress.Parse(address);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target, port, timeoutSource.Token);
            return await StaysOpenAsync(client.Client, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// A proxy in front of the service (docker-proxy, rootlessport...) accepts the connection even when nothing listens
    /// behind it, then closes it at once. A listening service keeps it open (waiting for a request) or greets: either
    /// counts; an immediate end of stream or reset does not.
    /// </summary>
    private static async Task<bool> StaysOpenAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMilliseconds(300));
        try
        {
            var buffer = new byte[1];
            return await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token) > 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }
}
