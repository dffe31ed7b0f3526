using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Portique.Technologies.Qemu;

/// <summary>
/// One short QMP conversation on a VM's control socket: greeting, <c>qmp_capabilities</c>, one command. QMP speaks one
/// JSON object per line; asynchronous events interleave with replies and are skipped.
/// </summary>
internal static class QmpClient
{
    /// <summary>The <c>return</c> value of <paramref name="command"/>; throws <see cref="QmpException"/> when qemu answers an error.</summary>
    public static async Task<JsonElement> ExecuteAsync(string socketPath, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var token = limit.Token;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n", AutoFlush = true };

        using (var greeting = await ReadObjectAsync(reader, token))
        {
            if (!greeting.RootElement.TryGetProperty("QMP", out _))
            {
                throw new QmpException("no QMP greeting");
            }
        }

        await SendAsync(writer, reader, "qmp_capabilities", token);
        return await SendAsync(writer, reader, command, token);
    }

    private static async Task<JsonElement> SendAsync(StreamWriter writer, StreamReader reader, string command, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["execute"] = command }, QmpJsonContext.Default.DictionaryStringString).AsMemory(), cancellationToken);
        while (true)
        {
            using var reply = await ReadObjectAsync(reader, cancellationToken);
            var message = reply.RootElement;
            if (message.TryGetProperty("return", out var result))
            {
                return result.Clone();
            }

            if (message.TryGetProperty("error", out var error))
            {
                var description = error.TryGetProperty("desc", out var desc) ? desc.GetString() : error.GetRawText();
                throw new QmpException(description ?? command);
            }

            // An event ({"event": ...}): not the reply.
        }
    }

    private static async Task<JsonDocument> ReadObjectAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new QmpException("qemu closed the QMP connection");
            if (!string.IsNullOrWhiteSpace(line))
            {
                try
                {
                    return JsonDocument.Parse(line);
                }
                catch (JsonException exception)
                {
                    throw new QmpException("unreadable QMP message: " + exception.Message);
                }
            }
        }
    }
}

internal sealed class QmpException(string message) : Exception(message);
