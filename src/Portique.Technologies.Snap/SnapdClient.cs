using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Portique.Core;

namespace Portique.Technologies.Snap;

/// <summary>One snapd answer: <c>{"type": "sync"|"async", "status-code": N, "result": ..., "change": "ID"}</c>.</summary>
internal sealed record SnapdResponse(string Type, int StatusCode, JsonElement Result, string? Change);

/// <summary>snapd answered <c>{"type": "error", "result": {"message": ..., "kind": ...}}</c>.</summary>
internal sealed class SnapdErrorException(int statusCode, string? kind, string message) : RuntimeFailureException(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>snapd's error kind (<c>snap-not-found</c>, <c>snap-change-conflict</c>...), when it gave one.</summary>
    public string? Kind { get; } = kind;
}

/// <summary>snapd could not be reached at all (no socket, refused, timed out, not HTTP).</summary>
internal sealed class SnapdUnreachableException(string message, Exception? inner = null) : RuntimeFailureException(message, inner);

/// <summary>A snapd change that ended in another status than Done.</summary>
internal sealed class SnapdChangeFailedException(string message) : RuntimeFailureException(message);

/// <summary>
/// snapd's REST API (snapcraft.io/docs/snapd-api) over its unix socket: HttpClient with a connect callback to a
/// <see cref="UnixDomainSocketEndPoint"/>. Synchronous answers come back as they are; asynchronous ones name a change,
/// polled at <c>/v2/changes/ID</c> until it is ready.
/// </summary>
internal sealed class SnapdClient : IDisposable
{
    private readonly HttpClient _http;

    public SnapdClient(string socketPath, TimeSpan requestTimeout)
    {
        SocketPath = socketPath;
        RequestTimeout = requestTimeout;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://localhost/"), Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("portique/1");
    }

    public string SocketPath { get; }

    public TimeSpan RequestTimeout { get; }

    public Task<SnapdResponse> GetAsync(string path, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken, timeout);

    public Task<SnapdResponse> PostAsync(string path, Dictionary<string, string?> body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, Json(body), cancellationToken);

    public Task<SnapdResponse> PutAsync(string path, Dictionary<string, string?> body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, Json(body), cancellationToken);

    /// <summary><c>POST /v2/snaps</c> with a snap file (multipart: form fields, then the file as part <c>snap</c>).</summary>
    public async Task<SnapdResponse> PostSnapFileAsync(string file, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent("portique-" + Guid.NewGuid().ToString("N"));
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value, Encoding.UTF8), name);
        }

        await using var stream = File.OpenRead(file);
        var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "snap", Path.GetFileName(file));

        // Uploading a large snap takes longer than a request: the change timeout bounds it.
        return await SendAsync(HttpMethod.Post, "/v2/snaps", form, cancellationToken, TimeSpan.FromMinutes(30));
    }

    /// <summary>A streaming GET (logs): the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var type = response.Content.Headers.ContentType?.MediaType;
            if (type == "application/json")
            {
                // An error (or an unexpected envelope) instead of the stream.
                using (response)
                {
                    Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
                }

                throw new SnapdErrorException((int)response.StatusCode, null, Messages.FormatUnexpectedAnswer(path));
            }

            return response;
        }
        catch (Exception exception) when (IsTransportFailure(exception, cancellationToken))
        {
            throw Unreachable(exception);
        }
    }

    /// <summary>
    /// Polls change <paramref name="changeId"/> until snapd says it is ready; throws <see cref="SnapdChangeFailedException"/>
    /// with snapd's own error text unless it ended Done.
    /// </summary>
    public async Task<JsonElement> WaitForChangeAsync(string changeId, TimeSpan timeout, TimeSpan poll, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var response = await GetAsync("/v2/changes/" + Uri.EscapeDataString(changeId), cancellationToken);
            var change = response.Result;
            var ready = change.TryGetProperty("ready", out var r) && r.ValueKind == JsonValueKind.True;
            var status = change.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (ready)
            {
                if (status == "Done")
                {
                    return change;
                }

                var summary = change.TryGetProperty("summary", out var m) ? m.GetString() : null;
                var error = change.TryGetProperty("err", out var e) ? e.GetString() : null;
                throw new SnapdChangeFailedException(Messages.FormatChangeFailed(changeId, summary ?? "?", status ?? "?", error ?? status ?? "?"));
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new SnapdChangeFailedException(Messages.FormatChangeTimedOut(changeId, timeout.TotalSeconds, status ?? "?"));
            }

            await Task.Delay(poll, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<SnapdResponse> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token);
            var body = await response.Content.ReadAsStringAsync(limit.Token);
            return Parse((int)response.StatusCode, body);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SnapdUnreachableException(
                Messages.FormatSnapdNotAnswering(SocketPath, Messages.FormatTimedOut((timeout ?? RequestTimeout).TotalSeconds)), exception);
        }
        catch (Exception exception) when (IsTransportFailure(exception, cancellationToken))
        {
            throw Unreachable(exception);
        }
    }

    private static SnapdResponse Parse(int statusCode, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            var excerpt = body.Length > 200 ? body[..200] : body;
            throw new SnapdErrorException(statusCode, null, Messages.FormatNotSnapd(string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode}: {excerpt.Trim()}")));
        }

        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            var result = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result", out var r) ? r.Clone() : default;
            var code = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status-code", out var c) && c.TryGetInt32(out var parsed) ? parsed : statusCode;
            if (type == "error" || (type is null && statusCode >= 400))
            {
                var message = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("message", out var m) ? m.GetString() : null;
                var kind = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("kind", out var k) ? k.GetString() : null;
                throw new SnapdErrorException(code, kind, message ?? string.Create(CultureInfo.InvariantCulture, $"HTTP {code}"));
            }

            if (type is not ("sync" or "async"))
            {
                throw new SnapdErrorException(code, null, Messages.FormatNotSnapd(string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode}, type '{type}'")));
            }

            var change = root.TryGetProperty("change", out var id) ? id.GetString() : null;
            if (type == "async" && string.IsNullOrEmpty(change))
            {
                throw new SnapdErrorException(code, null, Messages.FormatNotSnapd("async answer without a change id"));
            }

            return new SnapdResponse(type, code, result, change);
        }
    }

    private static StringContent Json(Dictionary<string, string?> body) =>
        new(JsonSerializer.Serialize(body, SnapdJsonContext.Default.DictionaryStringString), Encoding.UTF8, "application/json");

    private SnapdUnreachableException Unreachable(Exception exception) =>
        new(Messages.FormatSnapdNotAnswering(SocketPath, Describe(exception)), exception);

    private static bool IsTransportFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or SocketException or IOException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    internal static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(current.Message) && !messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(": ", messages);
    }
}
