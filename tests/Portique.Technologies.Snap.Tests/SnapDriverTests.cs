using System.Text.Json;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Snap.Tests;

/// <summary>
/// The snap driver against <see cref="FakeSnapd"/>: the REST exchange at the HTTP level (paths, JSON bodies, change
/// polling, errors). No real snapd runs on this machine (no systemd): see the README.
/// </summary>
public sealed class SnapDriverTests : IAsyncLifetime, IDisposable
{
    private readonly SnapTestContext _context = new();
    private SnapDriver _driver = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private FakeSnapd Snapd => _context.Snapd;

    public Task InitializeAsync()
    {
        Snapd.Publish("hello", "latest/stable", "10", "1.0");
        Snapd.Publish("hello", "latest/edge", "12", "1.2-dev");
        Snapd.Publish("hello", "latest/beta", "11", "1.1-beta");
        Snapd.Publish("hello", "latest/candidate", "13", "1.3-rc");
        Snapd.ServicesOf["hello"] = ["daemon"];
        _driver = new SnapDriver(_context.Root.Root, _context.Options);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _driver?.Dispose();
        _context.Dispose();
    }

    private async Task<ObservedService> DeployAsync(ServiceSpec spec)
    {
        var artifact = await _driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        return await _driver.CreateAsync(spec, artifact, Ct);
    }

    private Reconciler Reconciler() =>
        new([_driver], new AnsweringProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(5), HealthPollInterval = TimeSpan.FromMilliseconds(50) });

    [Fact]
    public async Task Install_posts_the_action_with_the_channel_polls_the_change_and_records_the_snap()
    {
        var spec = SnapTestContext.Spec("web", "hello", "latest/stable", ports: [new PortMapping(8765, 8765)]);

        var artifact = await _driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var created = await _driver.CreateAsync(spec, artifact, Ct);

        Assert.Equal("snap:hello@latest/stable", artifact);
        Assert.Contains("GET /v2/find?name=hello", Snapd.Requests);
        var install = Snapd.Requests.ToList().IndexOf("POST /v2/snaps/hello");
        Assert.True(install >= 0);
        using (var body = JsonDocument.Parse(Snapd.Bodies[install]))
        {
            Assert.Equal("install", body.RootElement.GetProperty("action").GetString());
            Assert.Equal("latest/stable", body.RootElement.GetProperty("channel").GetString());
        }

        Assert.True(Snapd.Requests.Count(r => r == "GET /v2/changes/1") >= 2, "the change is polled until ready");
        var snap = Snapd.Installed("hello")!;
        Assert.Equal(("10", "latest/stable", true), (snap.Revision, snap.TrackingChannel, snap.Active));

        Assert.Equal(("web", SnapModule.Snap, InstanceState.Running, false), (created.Name, created.Technology, created.State, created.IsAside));
        Assert.Equal(spec.SpecHash(), created.SpecHash);
        Assert.Equal([new PortMapping(8765, 8765)], created.Ports);
        Assert.Contains("revision 10", created.Version);
        Assert.Equal(EngineHealth.Running, await _driver.WaitForHealthAsync(created, Ct));

        var record = _context.RecordPath("web");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(record));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(record));
        Assert.Equal("hello", json.RootElement.GetProperty("snap").GetString());
        Assert.Equal(_context.Root.Directory, json.RootElement.GetProperty("root").GetString());

        var listed = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((created.InstanceId, InstanceState.Running), (listed.InstanceId, listed.State));
        Assert.Contains("GET /v2/snaps?select=all", Snapd.Requests);
    }

    [Fact]
    public async Task A_revision_tag_installs_that_revision()
    {
        await DeployAsync(SnapTestContext.Spec("web", "hello", "42"));

        var install = Snapd.Requests.ToList().IndexOf("POST /v2/snaps/hello");
        using var body = JsonDocument.Parse(Snapd.Bodies[install]);
        Assert.Equal("42", body.RootElement.GetProperty("revision").GetString());
        Assert.False(body.RootElement.TryGetProperty("channel", out _));
        Assert.Equal("42", Snapd.Installed("hello")!.Revision);
    }

    [Fact]
    public async Task A_snap_the_store_does_not_know_fails_the_fetch_before_anything_changes()
    {
        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.FetchAsync(SnapTestContext.Spec("web", "no-such-snap", "latest/stable"), false, new RecordingProgress(), Ct));

        Assert.Contains("no-such-snap", failure.Message);
        Assert.DoesNotContain(Snapd.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snapd_errors_are_reported_with_snapds_own_words()
    {
        var unknownChannel = await Assert.ThrowsAsync<SnapdErrorException>(
            () => _driver.CreateAsync(SnapTestContext.Spec("web", "hello", "9.9/stable"), "snap:hello@9.9/stable", Ct));
        Assert.Equal("snap-channel-not-available", unknownChannel.Kind);
        Assert.Contains("9.9/stable", unknownChannel.Message);

        Snapd.FailingChannels.Add("latest/beta");
        var failedChange = await Assert.ThrowsAsync<SnapdChangeFailedException>(
            () => _driver.CreateAsync(SnapTestContext.Spec("web", "hello", "latest/beta"), "snap:hello@latest/beta", Ct));
        Assert.Contains("fake failure on latest/beta", failedChange.Message);
        Assert.Contains("Error", failedChange.Message);

        Assert.Null(Snapd.Installed("hello"));
        Assert.False(File.Exists(_context.RecordPath("web")));
        Assert.Empty(await _driver.ListOwnedAsync(Ct));
    }

    [Fact]
    public async Task A_change_refused_for_a_conflict_is_retried()
    {
        Snapd.ConflictsToAnswer = 2;

        await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable"));

        Assert.Equal(3, Snapd.Requests.Count(r => r == "POST /v2/snaps/hello"));
        Assert.NotNull(Snapd.Installed("hello"));
    }

    [Fact]
    public async Task A_snap_installed_outside_portique_is_never_taken_over()
    {
        Snapd.InstallOutsidePortique("hello", "7");

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable")));

        Assert.Contains("hello", failure.Message);
        Assert.DoesNotContain(Snapd.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
        Assert.Equal("7", Snapd.Installed("hello")!.Revision);
        Assert.Empty(await _driver.ListOwnedAsync(Ct));
    }

    [Fact]
    public async Task One_snap_serves_one_service()
    {
        await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable"));

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => _driver.CreateAsync(SnapTestContext.Spec("other", "hello", "latest/stable"), "snap:hello@latest/stable", Ct));

        Assert.Contains("web", failure.Message);
    }

    [Fact]
    public async Task Host_folders_and_environment_keys_snapd_would_refuse_are_rejected_before_any_request()
    {
        var withVolume = TestSpecs.Create("web", SnapModule.Snap, "hello", "latest/stable", volumes: [new VolumeMapping("/srv/x", "/data")]);
        var upperKey = SnapTestContext.Spec("web", "hello", "latest/stable", environment: ["PORT=8080"]);

        await Assert.ThrowsAsync<InvalidInputException>(() => _driver.CreateAsync(withVolume, "snap:hello@latest/stable", Ct));
        var key = await Assert.ThrowsAsync<InvalidInputException>(() => _driver.CreateAsync(upperKey, "snap:hello@latest/stable", Ct));
        await Assert.ThrowsAsync<InvalidInputException>(() => _driver.FetchAsync(withVolume, false, new RecordingProgress(), Ct));

        Assert.Contains("PORT", key.Message);
        Assert.DoesNotContain("8080", key.Message);
        Assert.Empty(Snapd.Requests);
    }

    [Fact]
    public async Task The_environment_becomes_the_snaps_settings()
    {
        await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable", environment: ["listen-port=8765", "greeting.text=bonjour"]));

        var snap = Snapd.Installed("hello")!;
        Assert.Equal("8765", snap.Settings["listen-port"]);
        Assert.Equal("bonjour", snap.Settings["greeting.text"]);
        Assert.Contains("PUT /v2/snaps/hello/conf", Snapd.Requests);
    }

    [Fact]
    public async Task Set_aside_disables_the_snap_and_restore_enables_it()
    {
        var created = await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable"));

        var aside = await _driver.SetAsideAsync(created, Ct);

        Assert.True(aside.IsAside);
        Assert.Equal(InstanceState.Stopped, aside.State);
        Assert.False(Snapd.Installed("hello")!.Active);
        Assert.True(File.Exists(_context.RecordPath("web", aside: true)));
        Assert.False(File.Exists(_context.RecordPath("web")));
        var listed = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((true, InstanceState.Stopped), (listed.IsAside, listed.State));
        Assert.Equal(EngineHealth.NotRunning, await _driver.CheckHealthAsync(aside, Ct));

        var restored = await _driver.RestoreAsync(aside, Ct);

        Assert.False(restored.IsAside);
        Assert.Equal(created.InstanceId, restored.InstanceId);
        Assert.True(Snapd.Installed("hello")!.Active);
        Assert.True(File.Exists(_context.RecordPath("web")));
        Assert.False(File.Exists(_context.RecordPath("web", aside: true)));
        Assert.Equal(EngineHealth.Running, await _driver.CheckHealthAsync(restored, Ct));
    }

    [Fact]
    public async Task The_reconciler_refreshes_to_another_channel_then_removes_the_snap()
    {
        var reconciler = Reconciler();
        var created = await reconciler.ApplyAsync(new DesiredState([SnapTestContext.Spec("web", "hello", "latest/stable")]), false, new EventLog(), Ct);
        Assert.True(created.Succeeded, string.Join("; ", created.Outcomes.Select(o => o.Message)));
        var first = Assert.Single(await _driver.ListOwnedAsync(Ct));

        var refreshed = await reconciler.ApplyAsync(new DesiredState([SnapTestContext.Spec("web", "hello", "latest/edge")]), false, new EventLog(), Ct);

        var outcome = Assert.Single(refreshed.Outcomes);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        var snap = Snapd.Installed("hello")!;
        Assert.Equal(("12", "latest/edge", true), (snap.Revision, snap.TrackingChannel, snap.Active));
        var now = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.NotEqual(first.InstanceId, now.InstanceId);
        Assert.False(File.Exists(_context.RecordPath("web", aside: true)));
        var posts = Snapd.Requests.Where(r => r.StartsWith("POST", StringComparison.Ordinal)).ToList();
        var actions = Snapd.Bodies.Where((_, i) => Snapd.Requests[i] == "POST /v2/snaps/hello")
            .Select(b => JsonDocument.Parse(b).RootElement.GetProperty("action").GetString()).ToList();
        Assert.Equal(["install", "disable", "enable", "refresh"], actions);
        Assert.Equal(4, posts.Count);

        var removed = await reconciler.ApplyAsync(new DesiredState([]), false, new EventLog(), Ct);

        Assert.True(removed.Succeeded);
        Assert.Equal(ActionKind.Remove, Assert.Single(removed.Outcomes).Action);
        Assert.Null(Snapd.Installed("hello"));
        Assert.False(File.Exists(_context.RecordPath("web")));
        Assert.Empty(await _driver.ListOwnedAsync(Ct));
    }

    [Fact]
    public async Task A_refresh_snapd_cannot_do_leaves_the_previous_revision_serving()
    {
        var reconciler = Reconciler();
        await reconciler.ApplyAsync(new DesiredState([SnapTestContext.Spec("web", "hello", "latest/stable")]), false, new EventLog(), Ct);
        var before = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Snapd.FailingChannels.Add("latest/beta");

        var result = await reconciler.ApplyAsync(new DesiredState([SnapTestContext.Spec("web", "hello", "latest/beta")]), false, new EventLog(), Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("fake failure on latest/beta", outcome.Message);
        var snap = Snapd.Installed("hello")!;
        Assert.Equal(("10", "latest/stable", true), (snap.Revision, snap.TrackingChannel, snap.Active));
        var after = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((before.InstanceId, false, InstanceState.Running), (after.InstanceId, after.IsAside, after.State));
    }

    [Fact]
    public async Task An_unhealthy_new_revision_is_reverted_with_its_channel_and_settings()
    {
        var reconciler = Reconciler();
        await reconciler.ApplyAsync(
            new DesiredState([SnapTestContext.Spec("web", "hello", "latest/stable", environment: ["mode=old", "colour=blue"])]), false, new EventLog(), Ct);
        var before = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Snapd.InactiveChannels.Add("latest/candidate");

        var result = await reconciler.ApplyAsync(
            new DesiredState([SnapTestContext.Spec("web", "hello", "latest/candidate", environment: ["mode=new", "extra=1"])]), false, new EventLog(), Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        var snap = Snapd.Installed("hello")!;
        Assert.Equal(("10", "latest/stable", true), (snap.Revision, snap.TrackingChannel, snap.Active));
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "old", ["colour"] = "blue" }, snap.Settings);
        var after = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((before.InstanceId, false), (after.InstanceId, after.IsAside));
        Assert.Contains(Snapd.Bodies, b => b.Contains("\"revert\"", StringComparison.Ordinal) && b.Contains("\"10\"", StringComparison.Ordinal));
        Assert.False(File.Exists(_context.RecordPath("web", aside: true)));
    }

    [Fact]
    public async Task A_snap_removed_behind_portiques_back_is_no_longer_owned_and_can_be_installed_again()
    {
        await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable"));

        // An administrator runs "snap remove hello": the record alone proves nothing.
        using (var administrator = new SnapdClient(Snapd.SocketPath, TimeSpan.FromSeconds(5)))
        {
            var response = await administrator.PostAsync("/v2/snaps/hello", new Dictionary<string, string?> { ["action"] = "remove" }, Ct);
            await administrator.WaitForChangeAsync(response.Change!, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20), Ct);
        }

        Assert.Empty(await _driver.ListOwnedAsync(Ct));
        var again = await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable"));
        Assert.Equal(InstanceState.Running, again.State);
        Assert.Single(await _driver.ListOwnedAsync(Ct));
    }

    [Fact]
    public async Task Logs_come_from_snapds_journal_and_can_be_followed()
    {
        await DeployAsync(SnapTestContext.Spec("web", "hello", "latest/stable"));
        Snapd.Log("hello", "starting");
        Snapd.Log("hello", "listening on 8765");

        var lines = await _driver.ReadLogsAsync("web", 10, Ct);

        Assert.Equal(
            ["2026-01-02T03:04:05.000000Z hello.daemon[42]: starting", "2026-01-02T03:04:05.000000Z hello.daemon[42]: listening on 8765"],
            lines);
        Assert.Contains("GET /v2/logs?names=hello&n=10", Snapd.Requests);
        Assert.Single(await _driver.ReadLogsAsync("web", 1, Ct));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var followed = new List<string>();
        var follow = Task.Run(async () =>
        {
            await foreach (var line in _driver.FollowLogsAsync("web", cancel.Token))
            {
                followed.Add(line);
                if (line.EndsWith("new line", StringComparison.Ordinal))
                {
                    return;
                }
            }
        });
        // Write the new line once the follower is connected (its request reached snapd), not after a guessed delay.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!Snapd.Requests.Any(r => r.Contains("follow=true", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the follower never asked snapd to follow");
            await Task.Delay(10);
        }

        Snapd.Log("hello", "new line");
        await follow;

        Assert.Equal(3, followed.Count);
        Assert.Contains(Snapd.Requests, r => r.Contains("follow=true", StringComparison.Ordinal));
        await Assert.ThrowsAsync<InstanceMissingException>(() => _driver.ReadLogsAsync("nobody", 10, Ct));
    }
}
