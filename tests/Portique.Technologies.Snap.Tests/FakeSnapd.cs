using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace Portique.Technologies.Snap.Tests;

/// <summary>A service (daemon) of a fake snap.</summary>
public sealed record FakeService(string Name)
{
    public bool Active { get; set; } = true;
}

/// <summary>An installed snap in <see cref="FakeSnapd"/>.</summary>
public sealed class FakeSnap
{
    public required string Name { get; init; }

    public required string Revision { get; set; }

    public string? TrackingChannel { get; set; }

    public required string Version { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>Revisions kept on disk, oldest first (what <c>revert</c> may go back to), the current one last.</summary>
    public List<string> Revisions { get; } = [];

    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    public List<FakeService> Services { get; } = [];

    /// <summary>For a sideloaded snap: the bytes of the file.</summary>
    public byte[]? File { get; set; }
}

/// <summary>
/// A small snapd written for the tests: HTTP/1.1 on a unix socket under a temporary folder, speaking snapd's documented
/// JSON (snapcraft.io/docs/snapd-api): sync answers, async answers naming a change, change polling
/// (<c>Doing</c> for <see cref="PollsBeforeReady"/> polls, then <c>Done</c> or <c>Error</c>), error answers with a
/// <c>kind</c> (<c>snap-not-found</c>, <c>snap-not-installed</c>, <c>snap-no-update-available</c>,
/// <c>snap-change-conflict</c>...), a store catalogue for <c>/v2/find</c> and installs, settings, services and logs
/// (JSON text sequences). Every request is recorded.
/// </summary>
public sealed class FakeSnapd : IAsyncDisposable, IDisposable
{
    private readonly Socket _listener;
    private readonly Task _accepting;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly Dictionary<string, Dictionary<string, (string Revision, string Version)>> _store = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeSnap> _installed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Change> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _logs = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private readonly List<Action> _logWaiters = [];
    private int _nextChange = 1;
    private int _nextLocal = 1;

    public FakeSnapd(string socketPath)
    {
        SocketPath = socketPath;
        File.Delete(socketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        _accepting = Task.Run(AcceptAsync);
    }

    public string SocketPath { get; }

    /// <summary>How many times a change answers <c>Doing</c> before it is ready.</summary>
    public int PollsBeforeReady { get; set; } = 1;

    /// <summary>Installs or refreshes to these channels start, then end in <c>Error</c> (the snap is left as it was).</summary>
    public HashSet<string> FailingChannels { get; } = new(StringComparer.Ordinal);

    /// <summary>The next N actions are refused with <c>snap-change-conflict</c> (409).</summary>
    public int ConflictsToAnswer { get; set; }

    /// <summary>While a snap tracks one of these channels, its services are reported inactive (a broken version).</summary>
    public HashSet<string> InactiveChannels { get; } = new(StringComparer.Ordinal);

    /// <summary>The services a snap gets when installed (by snap name).</summary>
    public Dictionary<string, string[]> ServicesOf { get; } = new(StringComparer.Ordinal);

    /// <summary>"METHOD PATH" of every request, in order (bodies in <see cref="Bodies"/>).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return _requests.ToArray();
            }
        }
    }

    public List<string> Bodies { get; } = [];

    /// <summary>Makes <paramref name="snap"/> available in the store on <paramref name="channel"/> at <paramref name="revision"/>.</summary>
    public void Publish(string snap, string channel, string revision, string version)
    {
        lock (_lock)
        {
            if (!_store.TryGetValue(snap, out var channels))
            {
                _store[snap] = channels = new(StringComparer.Ordinal);
            }

            channels[channel] = (revision, version);
        }
    }

    /// <summary>Installs a snap directly, as an administrator would have outside Portique.</summary>
    public void InstallOutsidePortique(string snap, string revision = "1")
    {
        lock (_lock)
        {
            _installed[snap] = new FakeSnap { Name = snap, Revision = revision, TrackingChannel = "latest/stable", Version = "0.1", Revisions = { revision } };
        }
    }

    public FakeSnap? Installed(string snap)
    {
        lock (_lock)
        {
            return _installed.GetValueOrDefault(snap);
        }
    }

    /// <summary>Appends a journal line for <paramref name="snap"/>'s first service.</summary>
    public void Log(string snap, string message)
    {
        Action[] waiters;
        lock (_lock)
        {
            if (!_logs.TryGetValue(snap, out var lines))
            {
                _logs[snap] = lines = [];
            }

            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["timestamp"] = "2026-01-02T03:04:05.000000Z",
                ["message"] = message,
                ["sid"] = snap + ".daemon",
                ["pid"] = "42",
            }));
            waiters = _logWaiters.ToArray();
        }

        foreach (var waiter in waiters)
        {
            waiter();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
        File.Delete(SocketPath);
    }

    // ---------------------------------------------------------------- HTTP

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            await using var stream = new NetworkStream(client, ownsSocket: false);
            var reader = new RequestReader(stream);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var request = await reader.ReadAsync(_stop.Token);
                    if (request is null)
                    {
                        return;
                    }

                    if (request.Path.StartsWith("/v2/logs", StringComparison.Ordinal))
                    {
                        await ServeLogsAsync(stream, request);
                        return;
                    }

                    var (status, body) = Handle(request);
                    var bytes = Encoding.UTF8.GetBytes(body);
                    var head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(bytes, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the fake stops.
            }
        }
    }

    private async Task ServeLogsAsync(Stream stream, Request request)
    {
        Record(request);
        var query = HttpUtility.ParseQueryString(request.Query);
        var snap = query["names"] ?? "";
        var count = int.TryParse(query["n"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 10;
        var follow = query["follow"] == "true";
        List<string> lines;
        lock (_lock)
        {
            if (!_installed.ContainsKey(snap))
            {
                lines = [];
            }
            else
            {
                lines = (_logs.GetValueOrDefault(snap) ?? []).ToList();
            }
        }

        if (!_installed.ContainsKey(snap))
        {
            var error = Error(404, "app-not-found", $"snap \"{snap}\" not found").Body;
            var bytes = Encoding.UTF8.GetBytes(error);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n"));
            await stream.WriteAsync(bytes);
            return;
        }

        // A body delimited by the end of the connection, as snapd streams logs.
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json-seq\r\nConnection: close\r\n\r\n"), _stop.Token);
        var sent = Math.Max(0, lines.Count - count);
        for (var i = sent; i < lines.Count; i++)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("\u001e" + lines[i] + "\n"), _stop.Token);
        }

        sent = lines.Count;
        if (!follow)
        {
            return;
        }

        var signal = new SemaphoreSlim(0);
        void Wake() => signal.Release();
        lock (_lock)
        {
            _logWaiters.Add(Wake);
        }

        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(200), _stop.Token);
                List<string> now;
                lock (_lock)
                {
                    now = (_logs.GetValueOrDefault(snap) ?? []).ToList();
                }

                for (; sent < now.Count; sent++)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes("\u001e" + now[sent] + "\n"), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _logWaiters.Remove(Wake);
            }
        }
    }

    private void Record(Request request)
    {
        lock (_lock)
        {
            _requests.Add(request.Method + " " + request.Path + (request.Query.Length > 0 ? "?" + request.Query : ""));
            Bodies.Add(request.ContentType?.StartsWith("multipart/", StringComparison.Ordinal) == true ? "(multipart)" : Encoding.UTF8.GetString(request.Body));
        }
    }

    private (int Status, string Body) Handle(Request request)
    {
        Record(request);
        lock (_lock)
        {
            var path = request.Path;
            var query = HttpUtility.ParseQueryString(request.Query);
            switch (request.Method)
            {
                case "GET" when path == "/v2/system-info":
                    return Sync(new JsonObject { ["series"] = "16", ["version"] = "2.63+fake", ["on-classic"] = true });
                case "GET" when path == "/v2/snaps":
                    return Sync(new JsonArray(_installed.Values
                        .Where(s => query["select"] == "all" || s.Active)
                        .OrderBy(s => s.Name, StringComparer.Ordinal)
                        .Select(SnapJson)
                        .ToArray<JsonNode?>()));
                case "GET" when path.StartsWith("/v2/snaps/", StringComparison.Ordinal):
                    {
                        var name = path["/v2/snaps/".Length..];
                        return _installed.TryGetValue(name, out var snap)
                            ? Sync(SnapJson(snap))
                            : Error(404, "snap-not-found", $"snap \"{name}\" not found");
                    }

                case "GET" when path == "/v2/find":
                    {
                        var name = query["name"] ?? "";
                        if (!_store.TryGetValue(name, out var channels))
                        {
                            return Error(404, "snap-not-found", "snap not found");
                        }

                        var listed = new JsonObject();
                        foreach (var (channel, (revision, version)) in channels)
                        {
                            listed[channel] = new JsonObject { ["revision"] = revision, ["version"] = version };
                        }

                        return Sync(new JsonArray(new JsonObject { ["name"] = name, ["channels"] = listed }));
                    }

                case "GET" when path == "/v2/apps":
                    {
                        var name = query["names"] ?? "";
                        if (!_installed.TryGetValue(name, out var snap) || snap.Services.Count == 0)
                        {
                            return Error(404, "app-not-found", $"snap \"{name}\" has no services");
                        }

                        return Sync(new JsonArray(snap.Services.Select(s => (JsonNode?)new JsonObject
                        {
                            ["snap"] = name,
                            ["name"] = s.Name,
                            ["daemon"] = "simple",
                            ["enabled"] = true,
                            ["active"] = snap.Active && s.Active && !InactiveChannels.Contains(snap.TrackingChannel ?? ""),
                        }).ToArray()));
                    }

                case "GET" when path.StartsWith("/v2/changes/", StringComparison.Ordinal):
                    {
                        var id = path["/v2/changes/".Length..];
                        if (!_changes.TryGetValue(id, out var change))
                        {
                            return Error(404, null, $"cannot find change with id \"{id}\"");
                        }

                        return Sync(change.Poll());
                    }

                case "POST" when path == "/v2/snaps" && request.ContentType?.StartsWith("multipart/form-data", StringComparison.Ordinal) == true:
                    return Sideload(request);
                case "POST" when path.StartsWith("/v2/snaps/", StringComparison.Ordinal):
                    return Act(path["/v2/snaps/".Length..], JsonNode.Parse(request.Body)!.AsObject());
                case "PUT" when path.StartsWith("/v2/snaps/", StringComparison.Ordinal) && path.EndsWith("/conf", StringComparison.Ordinal):
                    {
                        var name = path["/v2/snaps/".Length..^"/conf".Length];
                        if (!_installed.TryGetValue(name, out var snap))
                        {
                            return Error(404, "snap-not-found", $"snap \"{name}\" is not installed");
                        }

                        var settings = JsonNode.Parse(request.Body)!.AsObject();
                        return Async("Change configuration of \"" + name + "\" snap", () =>
                        {
                            foreach (var (key, value) in settings)
                            {
                                if (value is null)
                                {
                                    snap.Settings.Remove(key);
                                }
                                else
                                {
                                    snap.Settings[key] = value.GetValue<string>();
                                }
                            }

                            return null;
                        });
                    }

                default:
                    return Error(405, null, "method not allowed");
            }
        }
    }

    private (int, string) Act(string name, JsonObject body)
    {
        var action = body["action"]?.GetValue<string>();
        var channel = body["channel"]?.GetValue<string>();
        var revision = body["revision"]?.GetValue<string>();
        if (ConflictsToAnswer > 0)
        {
            ConflictsToAnswer--;
            return Error(409, "snap-change-conflict", $"snap \"{name}\" has \"install-snap\" change in progress");
        }

        _installed.TryGetValue(name, out var snap);
        switch (action)
        {
            case "install":
                {
                    if (snap is not null)
                    {
                        return Error(400, "snap-already-installed", $"snap \"{name}\" is already installed");
                    }

                    if (!_store.TryGetValue(name, out var channels))
                    {
                        return Error(404, "snap-not-found", "snap not found");
                    }

                    var wanted = channel ?? "latest/stable";
                    if (revision is null && !channels.ContainsKey(wanted))
                    {
                        return Error(404, "snap-channel-not-available", $"no snap revision on channel \"{wanted}\"");
                    }

                    var (rev, version) = revision is null ? channels[wanted] : (revision, "rev" + revision);
                    return Async($"Install \"{name}\" snap", () =>
                    {
                        if (FailingChannels.Contains(wanted))
                        {
                            return $"cannot install snap \"{name}\": fake failure on {wanted}";
                        }

                        var installed = new FakeSnap { Name = name, Revision = rev, TrackingChannel = wanted, Version = version, Revisions = { rev } };
                        installed.Services.AddRange((ServicesOf.GetValueOrDefault(name) ?? []).Select(s => new FakeService(s)));
                        _installed[name] = installed;
                        return null;
                    });
                }

            case "refresh":
                {
                    if (snap is null)
                    {
                        return Error(404, "snap-not-installed", $"snap \"{name}\" is not installed");
                    }

                    if (!snap.Active)
                    {
                        return Error(400, null, $"snap \"{name}\" is disabled");
                    }

                    var wanted = channel ?? snap.TrackingChannel ?? "latest/stable";
                    if (!_store.TryGetValue(name, out var channels) || (revision is null && !channels.ContainsKey(wanted)))
                    {
                        return Error(404, "snap-channel-not-available", $"no snap revision on channel \"{wanted}\"");
                    }

                    var (rev, version) = revision is null ? channels[wanted] : (revision, "rev" + revision);
                    if (rev == snap.Revision)
                    {
                        return Error(400, "snap-no-update-available", $"snap \"{name}\" has no updates available");
                    }

                    return Async($"Refresh \"{name}\" snap from \"{wanted}\" channel", () =>
                    {
                        if (FailingChannels.Contains(wanted))
                        {
                            return $"cannot refresh \"{name}\": fake failure on {wanted}";
                        }

                        snap.Revision = rev;
                        snap.Version = version;
                        snap.TrackingChannel = wanted;
                        snap.Revisions.Remove(rev);
                        snap.Revisions.Add(rev);
                        return null;
                    });
                }

            case "switch":
                return snap is null
                    ? Error(404, "snap-not-installed", $"snap \"{name}\" is not installed")
                    : Async($"Switch \"{name}\" snap to {channel}", () =>
                    {
                        snap.TrackingChannel = channel;
                        return null;
                    });
            case "revert":
                if (snap is null)
                {
                    return Error(404, "snap-not-installed", $"snap \"{name}\" is not installed");
                }

                if (revision is null || !snap.Revisions.Contains(revision) || revision == snap.Revision)
                {
                    return Error(400, null, $"cannot revert snap \"{name}\" to revision {revision}");
                }

                return Async($"Revert \"{name}\" snap", () =>
                {
                    snap.Revision = revision;
                    snap.Version = "reverted-" + revision;
                    return null;
                });
            case "remove":
                return snap is null
                    ? Error(404, "snap-not-installed", $"snap \"{name}\" is not installed")
                    : Async($"Remove \"{name}\" snap", () =>
                    {
                        _installed.Remove(name);
                        return null;
                    });
            case "enable" or "disable":
                if (snap is null)
                {
                    return Error(404, "snap-not-installed", $"snap \"{name}\" is not installed");
                }

                if (snap.Active == (action == "enable"))
                {
                    return Error(400, null, $"snap \"{name}\" already {action}d");
                }

                return Async($"{action} \"{name}\" snap", () =>
                {
                    snap.Active = action == "enable";
                    return null;
                });
            default:
                return Error(400, null, $"unknown action \"{action}\"");
        }
    }

    private (int, string) Sideload(Request request)
    {
        var (fields, files) = Multipart(request);
        if (fields.GetValueOrDefault("dangerous") != "true")
        {
            return Error(400, "signature-required", "cannot find signatures with metadata for snap");
        }

        if (!files.TryGetValue("snap", out var file))
        {
            return Error(400, null, "cannot find \"snap\" form field");
        }

        // Real snapd reads the name inside the squashfs; the fake trusts the file name (NAME.snap or NAME_VERSION_ARCH.snap).
        var name = Path.GetFileNameWithoutExtension(file.FileName).Split('_')[0];
        var revision = "x" + (_nextLocal++).ToString(CultureInfo.InvariantCulture);
        return Async($"Install \"{name}\" snap from file \"{file.FileName}\"", () =>
        {
            if (_installed.TryGetValue(name, out var snap))
            {
                if (!snap.Active)
                {
                    return $"snap \"{name}\" is disabled";
                }

                snap.Revision = revision;
                snap.Revisions.Add(revision);
                snap.File = file.Content;
                snap.Version = Encoding.UTF8.GetString(file.Content).Trim();
                snap.TrackingChannel = null;
                return null;
            }

            var installed = new FakeSnap { Name = name, Revision = revision, Version = Encoding.UTF8.GetString(file.Content).Trim(), File = file.Content, Revisions = { revision } };
            installed.Services.AddRange((ServicesOf.GetValueOrDefault(name) ?? []).Select(s => new FakeService(s)));
            _installed[name] = installed;
            return null;
        });
    }

    private (int, string) Async(string summary, Func<string?> apply)
    {
        var id = (_nextChange++).ToString(CultureInfo.InvariantCulture);
        _changes[id] = new Change(id, summary, PollsBeforeReady, apply, _lock);
        return (202, new JsonObject { ["type"] = "async", ["status-code"] = 202, ["status"] = "Accepted", ["result"] = null, ["change"] = id }.ToJsonString());
    }

    private static (int, string) Sync(JsonNode result) =>
        (200, new JsonObject { ["type"] = "sync", ["status-code"] = 200, ["status"] = "OK", ["result"] = result }.ToJsonString());

    private static (int Status, string Body) Error(int status, string? kind, string message)
    {
        var result = new JsonObject { ["message"] = message };
        if (kind is not null)
        {
            result["kind"] = kind;
        }

        return (status, new JsonObject { ["type"] = "error", ["status-code"] = status, ["status"] = Reason(status), ["result"] = result }.ToJsonString());
    }

    private static JsonObject SnapJson(FakeSnap snap) => new()
    {
        ["name"] = snap.Name,
        ["status"] = snap.Active ? "active" : "installed",
        ["revision"] = snap.Revision,
        ["tracking-channel"] = snap.TrackingChannel,
        ["version"] = snap.Version,
        ["type"] = "app",
    };

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Error",
    };

    private static (Dictionary<string, string> Fields, Dictionary<string, (string FileName, byte[] Content)> Files) Multipart(Request request)
    {
        var boundary = request.ContentType!.Split("boundary=", 2)[1].Trim('"');
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        var body = request.Body;
        var positions = new List<int>();
        for (var i = body.AsSpan().IndexOf(delimiter); i >= 0;)
        {
            positions.Add(i);
            var next = body.AsSpan(i + delimiter.Length).IndexOf(delimiter);
            i = next < 0 ? -1 : i + delimiter.Length + next;
        }

        for (var p = 0; p + 1 < positions.Count; p++)
        {
            var start = positions[p] + delimiter.Length + 2;
            var end = positions[p + 1] - 2;
            var part = body.AsSpan(start, end - start);
            var split = part.IndexOf("\r\n\r\n"u8);
            var headers = Encoding.UTF8.GetString(part[..split]);
            var content = part[(split + 4)..].ToArray();
            var disposition = headers.Split("\r\n").First(h => h.StartsWith("Content-Disposition", StringComparison.OrdinalIgnoreCase));
            string? Parameter(string key) =>
                disposition.Split(';').Select(x => x.Trim()).FirstOrDefault(x => x.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..].Trim('"');
            var name = Parameter("name")!;
            var fileName = Parameter("filename");
            if (fileName is null)
            {
                fields[name] = Encoding.UTF8.GetString(content);
            }
            else
            {
                files[name] = (fileName, content);
            }
        }

        return (fields, files);
    }

    private sealed class Change(string id, string summary, int pollsBeforeReady, Func<string?> apply, object gate)
    {
        private int _polls;
        private string _status = "Doing";
        private string? _error;

        public JsonObject Poll()
        {
            lock (gate)
            {
                if (_status == "Doing" && _polls++ >= pollsBeforeReady)
                {
                    _error = apply();
                    _status = _error is null ? "Done" : "Error";
                }

                var change = new JsonObject
                {
                    ["id"] = id,
                    ["kind"] = "fake",
                    ["summary"] = summary,
                    ["status"] = _status,
                    ["ready"] = _status != "Doing",
                    ["spawn-time"] = "2026-01-02T03:04:05Z",
                };
                if (_error is not null)
                {
                    change["err"] = "cannot perform the following tasks:\n- " + _error;
                }

                return change;
            }
        }
    }

    private sealed record Request(string Method, string Path, string Query, string? ContentType, byte[] Body);

    /// <summary>Reads HTTP/1.1 requests (Content-Length or chunked bodies) off a stream, one after the other.</summary>
    private sealed class RequestReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<Request?> ReadAsync(CancellationToken cancellationToken)
        {
            var requestLine = await ReadLineAsync(cancellationToken);
            if (requestLine is null)
            {
                return null;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            byte[] body;
            if (headers.TryGetValue("Content-Length", out var length))
            {
                body = await ReadBytesAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
            }
            else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                using var collected = new MemoryStream();
                while (true)
                {
                    var size = int.Parse((await ReadLineAsync(cancellationToken))!.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (size == 0)
                    {
                        await ReadLineAsync(cancellationToken);
                        break;
                    }

                    collected.Write(await ReadBytesAsync(size, cancellationToken));
                    await ReadLineAsync(cancellationToken);
                }

                body = collected.ToArray();
            }
            else
            {
                body = [];
            }

            var parts = requestLine.Split(' ');
            var target = parts[1];
            var question = target.IndexOf('?', StringComparison.Ordinal);
            return new Request(
                parts[0],
                question < 0 ? target : target[..question],
                question < 0 ? "" : target[(question + 1)..],
                headers.GetValueOrDefault("Content-Type"),
                body);
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read;
            return read > 0;
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (index >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, index);
                    _start += index + 2;
                    return line;
                }

                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        private async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException("connection closed in a body");
                }

                var take = Math.Min(count - copied, _end - _start);
                Array.Copy(_buffer, _start, result, copied, take);
                _start += take;
                copied += take;
            }

            return result;
        }
    }
}

/// <summary>A unix socket that accepts connections and never answers: a hung snapd.</summary>
public sealed class SilentSocket : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _held = [];
    private readonly Task _accepting;

    public SilentSocket(string path)
    {
        Path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(4);
        _accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptAsync();
                    lock (_held)
                    {
                        _held.Add(client);
                    }
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public string Path { get; }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }
        }

        _accepting.Wait(TimeSpan.FromSeconds(5));
        File.Delete(Path);
    }
}
