using System.Net;
using System.Net.Sockets;

namespace Portique.TestSupport;

/// <summary>Host ports for tests: free when handed out, and never handed out twice by one test run.</summary>
public static class TestPorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>A port nothing listens on at 127.0.0.1 (the kernel picks it: bind to port 0, read it, release it).</summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
