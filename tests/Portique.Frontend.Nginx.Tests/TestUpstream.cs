using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>What the upstream received: the request target as sent by nginx, and headers (names lower-cased).</summary>
public sealed record UpstreamRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>A reply other than the default 200: a status and, for redirects, a Location.</summary>
public sealed record UpstreamReply(int Status, string? Location = null);

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 standing in for a service: it records every request, answers 200 (or what
/// <see cref="Reply"/> says), and for an <c>Upgrade: websocket</c> request answers 101 then echoes every byte.
/// </summary>
public sealed class TestUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public TestUpstream(string name)
    {
        Name = name;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public string Name { get; }

    public int Port { get; }

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();

    public Func<UpstreamRequest, UpstreamReply?>? Reply { get; set; }

    public UpstreamRequest Last => Requests.Last();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream, _stopping.Token);
                if (head is null)
                {
                    return;
                }

                var request = Parse(head);
                Requests.Enqueue(request);
                if (string.Equals(request.Header("upgrade"), "websocket", StringComparison.OrdinalIgnoreCase))
                {
                    await WriteAsync(stream, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
                    var buffer = new byte[4096];
                    int read;
                    while ((read = await stream.ReadAsync(buffer, _stopping.Token)) > 0)
                    {
                        await stream.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
                    }

                    return;
                }

                var reply = Reply?.Invoke(request) ?? new UpstreamReply(200);
                var body = $"{Name} {request.Target}\n";
                var text = new StringBuilder()
                    .Append($"HTTP/1.1 {reply.Status} {(reply.Status == 200 ? "OK" : "Other")}\r\n")
                    .Append("Content-Type: text/plain\r\n")
                    .Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n")
                    .Append("Connection: close\r\n");
                if (reply.Location is not null)
                {
                    text.Append($"Location: {reply.Location}\r\n");
                }

                text.Append("\r\n").Append(body);
                await WriteAsync(stream, text.ToString());
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task WriteAsync(NetworkStream stream, string text) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stopping.Token);

    /// <summary>Reads up to the blank line ending the request head (byte by byte: nothing after it is consumed).</summary>
    internal static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken) == 1)
        {
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
            {
                return Encoding.ASCII.GetString(bytes.ToArray());
            }
        }

        return null;
    }

    private static UpstreamRequest Parse(string head)
    {
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var previous) ? previous + ", " + value : value;
        }

        return new UpstreamRequest(requestLine[0], requestLine[1], headers);
    }
}
