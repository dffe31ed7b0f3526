using System.Net.Sockets;
using System.Text;

namespace Portique.Technologies.Swarm.Tests;

/// <summary>
/// A stand-in dockerd on a unix socket that answers <c>GET /version</c> and <c>GET /info</c> with fixed JSON: lets a
/// test show what the driver says about a daemon that is not a swarm manager, without leaving the real swarm.
/// </summary>
public sealed class FakeDockerd : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _info;

    public FakeDockerd(string directory, string swarmJson)
    {
        SocketPath = Path.Join(directory, "fake-docker.sock");
        _info = "{\"ID\":\"fake\",\"ServerVersion\":\"20.10.24\",\"Swarm\":" + swarmJson + "}";
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(8);
        _loop = Task.Run(AcceptAsync);
    }

    public string SocketPath { get; }

    /// <summary>The answer to <c>GET /nodes</c> (a JSON array); may be changed between calls.</summary>
    public string NodesJson { get; set; } = "[]";

    public Uri Endpoint => new("unix://" + SocketPath);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = await _listener.AcceptAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                var buffer = new byte[8192];
                var received = new StringBuilder();
                while (true)
                {
                    // One request at a time: answer each complete header block (the requests carry no body).
                    var text = received.ToString();
                    var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0)
                    {
                        var read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        continue;
                    }

                    received.Remove(0, end + 4);
                    var path = text.Split(' ')[1];
                    var body = path.EndsWith("/version", StringComparison.Ordinal)
                        ? "{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}"
                        : path.EndsWith("/info", StringComparison.Ordinal) ? _info
                        : path.EndsWith("/nodes", StringComparison.Ordinal) ? NodesJson
                        : "OK";
                    var bytes = Encoding.UTF8.GetBytes(body);
                    var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: {bytes.Length}\r\n\r\n";
                    await connection.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, _stop.Token);
                    await connection.SendAsync(bytes, SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
