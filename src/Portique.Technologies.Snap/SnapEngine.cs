using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Snap;

/// <summary>Where a snap comes from: the store (a channel or a revision) or a local file (a snapcraft build).</summary>
internal sealed record SnapSource(string? Channel, string? Revision, string? File)
{
    public static SnapSource FromTag(string tag) =>
        tag.All(char.IsAsciiDigit) ? new SnapSource(null, tag, null) : new SnapSource(tag, null, null);
}

/// <summary>An installed snap as <c>GET /v2/snaps</c> describes it.</summary>
internal sealed record SnapInfo(string Name, string Status, string? Revision, string? TrackingChannel, string? Version)
{
    /// <summary>Enabled: snapd says <c>active</c>; a disabled snap is <c>installed</c>.</summary>
    public bool Active => Status == "active";

    public static SnapInfo From(JsonElement snap) => new(
        Text(snap, "name") ?? "?",
        Text(snap, "status") ?? "?",
        Text(snap, "revision"),
        Text(snap, "tracking-channel") ?? Text(snap, "channel"),
        Text(snap, "version"));

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}

/// <summary>
/// What <see cref="SnapDriver"/> and <see cref="SnapcraftDriver"/> share: the records, snapd, and the rules of ownership.
/// <list type="bullet">
/// <item>A snap is owned when a record of this root names it AND snapd still lists it. A snap installed by someone
/// else is never adopted, changed or removed: creating a service on it is refused.</item>
/// <item>Set aside = <c>disable</c> (services stopped, commands gone, data kept) and the record renamed aside, with the
/// revision and channel it ran. Restore = <c>revert</c> to that revision if it moved, then <c>enable</c>.</item>
/// <item>A replacement on the same snap (channel, revision, settings or a new build) enables it again and refreshes it:
/// snapd keeps the previous revision on disk. When the new one is not healthy, removing it hands the snap back: revert
/// to the aside revision and channel, put back its settings, disable; the restore then enables it. Removing the aside
/// record after a successful replacement only forgets it.</item>
/// <item>Remove uninstalls without purging: snapd keeps its automatic snapshot of the snap's data (<c>snap saved</c>).</item>
/// </list>
/// </summary>
internal sealed partial class SnapEngine : IDisposable
{
    private readonly SnapDriverOptions _options;

    /// <summary>One change at a time per snap: the reconciler works on several services at once.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public SnapEngine(PortiqueRoot root, SnapDriverOptions options)
    {
        Root = root;
        _options = options;
        Records = new SnapRecordStore(root);
        Client = new SnapdClient(options.SocketPath, options.RequestTimeout);
    }

    public PortiqueRoot Root { get; }

    public LifecycleOptions Lifecycle => _options;

    public SnapRecordStore Records { get; }

    public SnapdClient Client { get; }

    public void Dispose() => Client.Dispose();

    // ---------------------------------------------------------------- availability

    /// <summary>Null when snapd answers; else what is missing: the socket, an answer, and systemd when PID 1 is not systemd.</summary>
    public async Task<string?> CheckSnapdAsync(CancellationToken cancellationToken)
    {
        var init = InitProcessName();
        var systemd = init is not null and not "systemd" ? " " + Messages.FormatNoSystemd(init) : "";
        if (!File.Exists(_options.SocketPath))
        {
            return Messages.FormatNoSocket(_options.SocketPath) + systemd;
        }

        try
        {
            await Client.GetAsync("/v2/system-info", cancellationToken, _options.AvailabilityTimeout);
            return null;
        }
        catch (RuntimeFailureException exception)
        {
            return exception.Message + systemd;
        }
    }

    private string? InitProcessName()
    {
        try
        {
            return ProcFs.ReadValue(_options.InitProcessNamePath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // ---------------------------------------------------------------- observation

    public async Task<IReadOnlyList<ObservedService>> ListOwnedAsync(Technology technology, CancellationToken cancellationToken)
    {
        var records = Records.ReadAll().Where(r => r.Record.Technology == technology.Name).ToList();
        if (records.Count == 0)
        {
            return [];
        }

        var installed = await InstalledAsync(cancellationToken);
        return records
            .Where(r => installed.ContainsKey(r.Record.Snap))
            .Select(r => ToObserved(r.Record, r.Aside, installed[r.Record.Snap]))
            .ToList();
    }

    public string? FindForeignHolder(string name) =>
        SnapRecordStore.IsServiceName(name) && Records.HasForeignFile(name) ? Messages.FormatForeignRecord(Records.PathOf(name, aside: false)) : null;

    /// <summary>Every installed snap, disabled ones included.</summary>
    public async Task<Dictionary<string, SnapInfo>> InstalledAsync(CancellationToken cancellationToken)
    {
        var response = await Client.GetAsync("/v2/snaps?select=all", cancellationToken);
        var installed = new Dictionary<string, SnapInfo>(StringComparer.Ordinal);
        if (response.Result.ValueKind == JsonValueKind.Array)
        {
            foreach (var snap in response.Result.EnumerateArray())
            {
                var info = SnapInfo.From(snap);
                installed[info.Name] = info;
            }
        }

        return installed;
    }

    /// <summary>The installed snap <paramref name="snap"/>, or null when snapd does not have it.</summary>
    public async Task<SnapInfo?> FindInstalledAsync(string snap, CancellationToken cancellationToken)
    {
        try
        {
            return SnapInfo.From((await Client.GetAsync("/v2/snaps/" + snap, cancellationToken)).Result);
        }
        catch (SnapdErrorException exception) when (exception.StatusCode == 404)
        {
            return null;
        }
    }

    // ---------------------------------------------------------------- changes

    /// <summary>
    /// Installs (or, taking over its own aside snap, refreshes) the snap for <paramref name="spec"/>, applies its
    /// settings, records it. Anything it changed is undone when a later step fails.
    /// </summary>
    public async Task<ObservedService> CreateAsync(ServiceSpec spec, string artifactId, SnapSource source, CancellationToken cancellationToken)
    {
        Validate(spec);
        var snap = spec.Url;
        using var gate = await LockAsync(snap, cancellationToken);
        if (Records.Read(spec.Name, aside: false) is { } existing)
        {
            if (await FindInstalledAsync(existing.Snap, cancellationToken) is not null)
            {
                throw new RuntimeFailureException(Messages.FormatNameTaken(spec.Name, existing.Snap));
            }

            Records.Delete(spec.Name, aside: false);
        }

        var info = await FindInstalledAsync(snap, cancellationToken);
        var installed = info is null ? [] : await InstalledAsync(cancellationToken);
        foreach (var (record, _) in Records.ReadAll())
        {
            if (record.Snap == snap && record.Name != spec.Name && installed.ContainsKey(snap))
            {
                throw new RuntimeFailureException(Messages.FormatSnapHeldByService(snap, record.Name));
            }
        }

        var aside = Records.Read(spec.Name, aside: true);
        var takeOver = aside is not null && aside.Snap == snap;
        if (info is not null && !takeOver)
        {
            throw new RuntimeFailureException(Messages.FormatSnapNotOwned(snap));
        }

        if (info is { Active: false })
        {
            await ActAsync(snap, Action("enable"), cancellationToken);
        }

        await InstallAsync(snap, source, refreshing: info is not null, cancellationToken);
        var now = await FindInstalledAsync(snap, cancellationToken) ?? throw new RuntimeFailureException(Messages.FormatSnapMissing(snap));
        var created = new SnapRecord
        {
            Root = Root.Directory,
            Name = spec.Name,
            Index = spec.Index,
            Technology = spec.Technology.Name,
            Snap = snap,
            InstanceId = Guid.NewGuid().ToString("N"),
            SpecHash = spec.SpecHash(),
            Spec = spec.CanonicalJson(),
            ArtifactId = artifactId,
            Revision = now.Revision,
            TrackingChannel = now.TrackingChannel,
            Version = now.Version,
            Ports = spec.Ports.Select(p => new[] { p.HostPort, p.ContainerPort }).ToArray(),
            InstalledAt = DateTimeOffset.UtcNow,
        };

        // Recorded at once: from here on the snap is ours to clean up.
        Records.Write(created, aside: false);
        try
        {
            await ConfigureAsync(snap, spec.Environment, takeOver ? aside!.Environment() : [], cancellationToken);
        }
        catch (PortiqueException)
        {
            await RemoveRecordAsync(created, aside: false, CancellationToken.None);
            throw;
        }

        return ToObserved(created, aside: false, now);
    }

    public async Task StartAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        var (record, aside) = Resolve(instance);
        if (aside)
        {
            throw new RuntimeFailureException(Messages.FormatIsAside(record.Name));
        }

        using var gate = await LockAsync(record.Snap, cancellationToken);

        var info = await FindInstalledAsync(record.Snap, cancellationToken) ?? throw new RuntimeFailureException(Messages.FormatSnapMissing(record.Snap));
        if (!info.Active)
        {
            await ActAsync(record.Snap, Action("enable"), cancellationToken);
        }
    }

    /// <summary>Disables the snap: its services stop, its data stays (an aside snap is disabled already).</summary>
    public async Task StopAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        var (record, aside) = Resolve(instance);
        if (aside)
        {
            return;
        }

        using var gate = await LockAsync(record.Snap, cancellationToken);
        var info = await FindInstalledAsync(record.Snap, cancellationToken) ?? throw new RuntimeFailureException(Messages.FormatSnapMissing(record.Snap));
        if (info.Active)
        {
            await ActAsync(record.Snap, Action("disable"), cancellationToken);
        }
    }

    /// <summary>
    /// A snap keeps its name: its record moves. Aside: recorded aside with the revision it runs (what a restore must bring
    /// back). Back: reverted to that revision when it moved, and recorded live again.
    /// </summary>
    public async Task<ObservedService> RenameAsync(ObservedService instance, bool aside, CancellationToken cancellationToken)
    {
        var (record, isAside) = Resolve(instance);
        using var gate = await LockAsync(record.Snap, cancellationToken);
        if (!aside && isAside && Records.Read(record.Name, aside: false) is { } live && live.InstanceId != record.InstanceId)
        {
            throw new RuntimeFailureException(Messages.FormatNameTaken(record.Name, live.Snap));
        }

        var info = await FindInstalledAsync(record.Snap, cancellationToken) ?? throw new RuntimeFailureException(Messages.FormatSnapMissing(record.Snap));
        if (aside)
        {
            if (isAside)
            {
                return ToObserved(record, aside: true, info);
            }

            if (Records.Read(record.Name, aside: true) is not null)
            {
                throw new RuntimeFailureException(Messages.FormatAsideExists(record.Name, Records.PathOf(record.Name, aside: true)));
            }

            var kept = record with { Revision = info.Revision, TrackingChannel = info.TrackingChannel, Version = info.Version };
            Records.Write(kept, aside: true);
            Records.Delete(record.Name, aside: false);
            return ToObserved(kept, aside: true, info);
        }

        if (record.Revision is { } revision && info.Revision != revision)
        {
            await RevertAsync(record, cancellationToken);
        }

        if (isAside)
        {
            Records.Write(record, aside: false);
            Records.Delete(record.Name, aside: true);
        }

        return ToObserved(record, aside: false, await FindInstalledAsync(record.Snap, cancellationToken) ?? info);
    }

    public async Task RemoveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        SnapRecord record;
        bool aside;
        try
        {
            (record, aside) = Resolve(instance);
        }
        catch (InstanceMissingException)
        {
            return;
        }

        using var gate = await LockAsync(record.Snap, cancellationToken);
        await RemoveRecordAsync(record, aside, cancellationToken);
    }

    private async Task<Releaser> LockAsync(string snap, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(snap, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    private async Task RemoveRecordAsync(SnapRecord record, bool aside, CancellationToken cancellationToken)
    {
        var other = Records.Read(record.Name, !aside);
        if (other is not null && other.Snap == record.Snap && other.InstanceId != record.InstanceId)
        {
            if (!aside)
            {
                // A failed replacement on the snap of its predecessor: hand the snap back as it was set aside.
                await HandBackAsync(record, other, cancellationToken);
            }

            // Removing the aside record of a snap that now serves the live one: only forget it.
            Records.Delete(record.Name, aside);
            return;
        }

        try
        {
            await ActAsync(record.Snap, Action("remove"), cancellationToken);
        }
        catch (SnapdErrorException exception) when (exception.StatusCode == 404 || exception.Kind is "snap-not-installed" or "snap-not-found")
        {
            // Already gone: what was asked is true.
        }

        Records.Delete(record.Name, aside);
    }

    private async Task HandBackAsync(SnapRecord failed, SnapRecord aside, CancellationToken cancellationToken)
    {
        var info = await FindInstalledAsync(aside.Snap, cancellationToken);
        if (info is null)
        {
            return;
        }

        if (aside.Revision is { } revision && info.Revision != revision)
        {
            await RevertAsync(aside, cancellationToken);
        }

        await ConfigureAsync(aside.Snap, aside.Environment(), failed.Environment(), cancellationToken);
        if ((await FindInstalledAsync(aside.Snap, cancellationToken))?.Active == true)
        {
            await ActAsync(aside.Snap, Action("disable"), cancellationToken);
        }
    }

    /// <summary>Back to the recorded revision; for a store snap, back on the recorded channel too.</summary>
    private async Task RevertAsync(SnapRecord record, CancellationToken cancellationToken)
    {
        await ActAsync(record.Snap, Action("revert", ("revision", record.Revision)), cancellationToken);
        if (record.TrackingChannel is { Length: > 0 } channel && record.Technology == SnapModule.Snap.Name)
        {
            await ActAsync(record.Snap, Action("switch", ("channel", channel)), cancellationToken);
        }
    }

    private async Task InstallAsync(string snap, SnapSource source, bool refreshing, CancellationToken cancellationToken)
    {
        if (source.File is { } file)
        {
            // A local build: "dangerous" (no store signature). Over an installed snap, snapd makes it a new revision.
            await ChangeAsync(
                () => Client.PostSnapFileAsync(file, new Dictionary<string, string> { ["action"] = "install", ["dangerous"] = "true" }, cancellationToken),
                cancellationToken);
            return;
        }

        var body = Action(refreshing ? "refresh" : "install");
        if (source.Revision is { } revision)
        {
            body["revision"] = revision;
        }
        else if (source.Channel is { } channel)
        {
            body["channel"] = channel;
        }

        try
        {
            await ActAsync(snap, body, cancellationToken);
        }
        catch (SnapdErrorException exception) when (refreshing && exception.Kind == "snap-no-update-available")
        {
            // Already the newest revision of that channel: only the tracked channel may differ.
            if (source.Channel is { } channel)
            {
                await ActAsync(snap, Action("switch", ("channel", channel)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The service's <c>KEY=VALUE</c> entries as snap settings (<c>snap set</c>); keys only in <paramref name="previous"/>
    /// are unset. Nothing is sent when there is nothing to set or unset.
    /// </summary>
    private async Task ConfigureAsync(string snap, IReadOnlyList<string> entries, IReadOnlyList<string> previous, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var entry in previous)
        {
            settings[entry[..entry.IndexOf('=', StringComparison.Ordinal)]] = null;
        }

        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            settings[entry[..equals]] = entry[(equals + 1)..];
        }

        if (settings.Count > 0)
        {
            await ChangeAsync(() => Client.PutAsync("/v2/snaps/" + snap + "/conf", settings, cancellationToken), cancellationToken);
        }
    }

    /// <summary>A snapd action's body: <c>{"action": ..., name: value...}</c>.</summary>
    private static Dictionary<string, string?> Action(string action, params (string Name, string? Value)[] parameters)
    {
        var body = new Dictionary<string, string?>(StringComparer.Ordinal) { ["action"] = action };
        foreach (var (name, value) in parameters)
        {
            body[name] = value;
        }

        return body;
    }

    private Task<JsonElement> ActAsync(string snap, Dictionary<string, string?> body, CancellationToken cancellationToken) =>
        ChangeAsync(() => Client.PostAsync("/v2/snaps/" + snap, body, cancellationToken), cancellationToken);

    /// <summary>Starts a change and waits for it; a change refused because another one is running is retried for a while.</summary>
    private async Task<JsonElement> ChangeAsync(Func<Task<SnapdResponse>> start, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.ConflictRetryTimeout;
        while (true)
        {
            try
            {
                var response = await start();
                return response.Type == "sync"
                    ? response.Result
                    : await Client.WaitForChangeAsync(response.Change!, _options.ChangeTimeout, _options.ChangePollInterval, cancellationToken);
            }
            catch (SnapdErrorException exception) when (exception.Kind == "snap-change-conflict" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(_options.ChangePollInterval, cancellationToken);
            }
        }
    }

    // ---------------------------------------------------------------- health

    /// <summary>
    /// NotRunning when the snap is gone or disabled; Running when every enabled service of the snap is active (a snap
    /// without services: once enabled); Starting while one is not.
    /// </summary>
    public async Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
    {
        var (record, aside) = Resolve(instance);
        if (aside)
        {
            return new InstanceObservation(EngineHealth.NotRunning);
        }

        var (health, servicesActive) = await HealthAsync(record.Snap, cancellationToken);
        return new InstanceObservation(health == EngineHealth.NotRunning ? health : servicesActive ? EngineHealth.Running : EngineHealth.Starting);
    }

    /// <summary>(NotRunning, _) when missing or disabled; else (Running, whether every enabled service is active).</summary>
    private async Task<(EngineHealth Health, bool ServicesActive)> HealthAsync(string snap, CancellationToken cancellationToken)
    {
        var info = await FindInstalledAsync(snap, cancellationToken);
        if (info is not { Active: true })
        {
            return (EngineHealth.NotRunning, false);
        }

        SnapdResponse apps;
        try
        {
            apps = await Client.GetAsync("/v2/apps?names=" + snap + "&select=service", cancellationToken);
        }
        catch (SnapdErrorException exception) when (exception.StatusCode == 404)
        {
            // No service in this snap (snapd: app-not-found): enabled is all it can be.
            return (EngineHealth.Running, true);
        }

        var active = true;
        if (apps.Result.ValueKind == JsonValueKind.Array)
        {
            foreach (var app in apps.Result.EnumerateArray())
            {
                var enabled = !app.TryGetProperty("enabled", out var e) || e.ValueKind == JsonValueKind.True;
                var running = app.TryGetProperty("active", out var a) && a.ValueKind == JsonValueKind.True;
                active &= !enabled || running;
            }
        }

        return (EngineHealth.Running, active);
    }

    // ---------------------------------------------------------------- logs

    /// <summary>The snap's services' lines, from snapd's journal (<c>/v2/logs</c>, JSON text sequence).</summary>
    public async IAsyncEnumerable<LogLine> OpenLogAsync(string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var record = RecordForLogs(name);
        if (request.Tail == 0 && !request.Follow)
        {
            yield break;
        }

        HttpResponseMessage response;
        try
        {
            response = await Client.OpenAsync(
                "/v2/logs?names=" + record.Snap + "&n=" + request.Tail.ToString(CultureInfo.InvariantCulture) + (request.Follow ? "&follow=true" : ""),
                cancellationToken);
        }
        catch (RuntimeFailureException exception)
        {
            throw new RuntimeFailureException(Messages.FormatLogsFailed(name, exception.Message), exception);
        }

        using (response)
        {
            var entries = LogEntriesAsync(response, cancellationToken).TranslateFailuresAsync(
                exception => exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested
                    ? new RuntimeFailureException(Messages.FormatLogsFailed(name, SnapdClient.Describe(exception)), exception)
                    : null,
                cancellationToken);
            await foreach (var entry in entries)
            {
                yield return new LogLine(entry);
            }
        }
    }

    /// <summary>RFC 7464 records (<c>RS JSON LF</c>) as "TIMESTAMP SID[PID]: MESSAGE" lines.</summary>
    private static async IAsyncEnumerable<string> LogEntriesAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var json = line.TrimStart('\u001e').Trim();
            if (json.Length == 0)
            {
                continue;
            }

            string formatted;
            try
            {
                using var entry = JsonDocument.Parse(json);
                var root = entry.RootElement;
                string? Field(string field) => root.TryGetProperty(field, out var value) ? value.ToString() : null;
                formatted = $"{Field("timestamp")} {Field("sid")}[{Field("pid")}]: {Field("message")}";
            }
            catch (JsonException)
            {
                formatted = json;
            }

            yield return formatted;
        }
    }

    private SnapRecord RecordForLogs(string name)
    {
        if (!SnapRecordStore.IsServiceName(name))
        {
            throw new InvalidInputException(name ?? "", Messages.FormatInvalidServiceName(name));
        }

        return ServiceLogs.FindInstance(name, candidate => Records.Read(name, aside: candidate != name), () => Messages.FormatServiceNotFound(name, Root.Directory));
    }

    // ---------------------------------------------------------------- records and validation

    private (SnapRecord Record, bool Aside) Resolve(ObservedService instance)
    {
        if (SnapRecordStore.IsServiceName(instance.Name))
        {
            foreach (var aside in instance.IsAside ? new[] { true, false } : [false, true])
            {
                if (Records.Read(instance.Name, aside) is { } record && (instance.InstanceId is null || instance.InstanceId == record.InstanceId))
                {
                    return (record, aside);
                }
            }
        }

        throw new InstanceMissingException(Messages.FormatServiceNotFound(instance.InstanceId ?? instance.Name, Root.Directory));
    }

    private static ObservedService ToObserved(SnapRecord record, bool aside, SnapInfo info) => new()
    {
        Name = record.Name,
        Technology = Technology.TryFromName(record.Technology, out var technology) ? technology : SnapModule.Snap,
        State = !aside && info.Active ? InstanceState.Running : InstanceState.Stopped,
        SpecHash = record.SpecHash,
        SpecJson = record.Spec,
        IsAside = aside,
        Ports = record.Ports.Select(p => new PortMapping(p[0], p[1])).OrderBy(p => p.HostPort).ToArray(),
        InstanceId = record.InstanceId,
        ArtifactId = record.ArtifactId,
        Version = string.Create(CultureInfo.InvariantCulture, $"{record.Snap} {info.Version ?? "?"} (revision {info.Revision ?? "?"}{(info.TrackingChannel is { Length: > 0 } c ? ", " + c : "")})"),
    };

    /// <summary>Everything that reaches snapd's URLs and settings, checked before anything changes.</summary>
    public static void Validate(ServiceSpec spec)
    {
        if (!SnapRecordStore.IsServiceName(spec.Name))
        {
            throw new InvalidInputException(spec.Name ?? "", Messages.FormatInvalidServiceName(spec.Name));
        }

        if (!IsSnapName(spec.Url))
        {
            throw new InvalidInputException(spec.Name, Messages.FormatInvalidSnapName(spec.Url));
        }

        if (spec.Volumes.Count > 0)
        {
            throw new InvalidInputException(spec.Name, Messages.NoVolumes);
        }

        foreach (var port in spec.Ports)
        {
            if (port.HostPort is < 1 or > 65535 || port.ContainerPort is < 1 or > 65535)
            {
                throw new InvalidInputException(spec.Name, Messages.FormatInvalidPort(port.HostPort));
            }
        }

        foreach (var entry in spec.Environment)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? entry[..equals] : entry;
            if (equals <= 0 || !SettingKey().IsMatch(key) || entry.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidInputException(spec.Name, Messages.FormatInvalidSetting(key));
            }
        }
    }

    public static bool IsSnapName(string? name) => name is not null && SnapName().IsMatch(name);

    public static bool IsChannelOrRevision(string? tag) => tag is not null && Channel().IsMatch(tag);

    // snapd's rule: lower case letters, digits and single dashes, at most 40 characters.
    [GeneratedRegex(@"^(?=.{1,40}\z)[a-z0-9]+(?:-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SnapName();

    [GeneratedRegex(@"^(?:[0-9]+|[a-z0-9][a-z0-9.-]*(?:/[a-z0-9][a-z0-9.-]*){0,2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Channel();

    // snapd's configuration keys: lower-case words joined by single dashes, dotted for nesting.
    [GeneratedRegex(@"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SettingKey();
}
