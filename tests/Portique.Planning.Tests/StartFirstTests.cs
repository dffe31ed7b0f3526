namespace Portique.Planning.Tests;

/// <summary>Replacement without interruption (conteneurN_remplacement=sans_coupure): the lifecycle over a fake engine.</summary>
public class StartFirstTests
{
    private readonly FakeDriver _docker = new(TestTechnologies.Docker, TestTechnologies.DockerGit) { Beside = true };
    private readonly FakeHost _host = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<ReconcileEvent> _events = new();
    private readonly List<string> _switches = [];

    private Reconciler Reconciler => new([_docker], _host, new ReconcilerOptions
    {
        HealthTimeout = TimeSpan.FromSeconds(5),
        HealthPollInterval = TimeSpan.FromMilliseconds(1),
        DrainPeriod = TimeSpan.Zero,
        InstanceCreatedAsync = ForgetAsync,
    });

    /// <summary>What the host is told when an instance exists (PrivateBridge.ForgetNeighbourAsync in the real composition).</summary>
    private Task ForgetAsync(ServiceSpec spec, CancellationToken cancellationToken)
    {
        lock (_switches)
        {
            _docker.Calls.Add($"forget {spec.Address}");
        }

        return Task.CompletedTask;
    }

    /// <summary>A service on the private network, replaced without interruption between 10.231.0.10 and 10.231.0.20.</summary>
    private static ServiceSpec Web(string tag = "1.0") => Specs.Web(tag: tag) with
    {
        Volumes = [],
        Address = "10.231.0.10",
        AlternateAddress = "10.231.0.20",
        Network = "10.231.0.0/16",
    };

    private Task SwitchAsync(ServiceSpec target, CancellationToken cancellationToken)
    {
        lock (_switches)
        {
            _switches.Add($"{target.Name} → {target.Address}");
            _docker.Calls.Add($"switch {target.Name} to {target.Address}");
        }

        return Task.CompletedTask;
    }

    private async Task<ReconcileResult> ApplyAsync(ServiceSpec spec, IReadOnlyDictionary<string, string>? routed = null)
    {
        var desired = new DesiredState([spec]) { Routed = routed ?? new Dictionary<string, string>() };
        var (plan, problems, _) = await Reconciler.PlanAsync(desired, CancellationToken.None);
        Assert.Empty(problems);
        return await Reconciler.ApplyAsync(plan, refresh: false, SwitchAsync, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);
    }

    [Fact]
    public async Task The_new_instance_starts_at_the_other_address_and_the_old_one_goes_only_after_the_switch()
    {
        await ApplyAsync(Web());
        var old = Assert.Single(_docker.Instances);
        _docker.Calls.Clear();

        var result = await ApplyAsync(Web("2.0"));

        Assert.True(result.Succeeded, string.Join("\n", result.Outcomes.Select(o => o.Message)));
        Assert.Equal(
            ["fetch web", "create beside web at 10.231.0.20", "forget 10.231.0.20", "switch web to 10.231.0.20", "remove web", "take name web"],
            _docker.Calls);
        Assert.DoesNotContain("stop web", _docker.Calls);
        var now = Assert.Single(_docker.Instances);
        Assert.NotEqual(old.InstanceId, now.InstanceId);
        Assert.Equal("10.231.0.20", now.Address);
    }

    [Fact]
    public async Task The_old_instance_drains_for_the_service_own_period_when_it_has_one_else_for_the_default()
    {
        var time = new RecordingTime();
        var reconciler = new Reconciler([_docker], _host, new ReconcilerOptions
        {
            HealthTimeout = TimeSpan.FromSeconds(5),
            HealthPollInterval = TimeSpan.FromMilliseconds(1),
            DrainPeriod = TimeSpan.FromSeconds(7),
        }, time);

        async Task ReplaceAsync(ServiceSpec spec)
        {
            var (plan, problems, _) = await reconciler.PlanAsync(new DesiredState([spec]), CancellationToken.None);
            Assert.Empty(problems);
            var result = await reconciler.ApplyAsync(plan, refresh: false, SwitchAsync, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);
            Assert.True(result.Succeeded, string.Join("\n", result.Outcomes.Select(o => o.Message)));
        }

        await ReplaceAsync(Web());
        await ReplaceAsync(Web("2.0"));
        Assert.Contains(TimeSpan.FromSeconds(7), time.Delays);
        await ReplaceAsync(Web("3.0") with { DrainSeconds = 120 });
        Assert.Contains(TimeSpan.FromSeconds(120), time.Delays);
    }

    /// <summary>The system clock, except that every timer fires at once; records the delays asked for.</summary>
    private sealed class RecordingTime : TimeProvider
    {
        public System.Collections.Concurrent.ConcurrentBag<TimeSpan> Delays { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Delays.Add(dueTime);
            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }

    [Fact]
    public async Task An_instance_at_its_second_address_is_kept_and_the_next_replacement_goes_back_to_the_first()
    {
        await ApplyAsync(Web());
        await ApplyAsync(Web("2.0"));
        _docker.Calls.Clear();

        var kept = await ApplyAsync(Web("2.0"));
        Assert.Equal(ActionKind.Keep, Assert.Single(kept.Outcomes).Action);
        Assert.Equal(["fetch web"], _docker.Calls);

        _docker.Calls.Clear();
        await ApplyAsync(Web("3.0"));
        Assert.Contains("create beside web at 10.231.0.10", _docker.Calls);
        Assert.Equal("10.231.0.10", Assert.Single(_docker.Instances).Address);
    }

    [Fact]
    public async Task A_new_instance_that_crashes_is_removed_and_the_old_one_is_never_stopped_nor_switched_away_from()
    {
        await ApplyAsync(Web());
        var old = Assert.Single(_docker.Instances);
        _docker.CrashingTags.Add("bad");
        _docker.Calls.Clear();

        var result = await ApplyAsync(Web("bad"));

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("boom: exiting", outcome.LogTail);
        Assert.Empty(_switches);
        Assert.DoesNotContain(_docker.Calls, c => c.StartsWith("stop", StringComparison.Ordinal));
        Assert.Equal(old, Assert.Single(_docker.Instances));
    }

    [Fact]
    public async Task A_switch_that_fails_removes_the_new_instance_and_keeps_the_old_one_serving()
    {
        await ApplyAsync(Web());
        var old = Assert.Single(_docker.Instances);
        var desired = new DesiredState([Web("2.0")]);
        var (plan, _, _) = await Reconciler.PlanAsync(desired, CancellationToken.None);

        var result = await Reconciler.ApplyAsync(
            plan, refresh: false, (_, _) => throw new Core.RuntimeFailureException("nginx -t: broken"), new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("nginx -t: broken", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(old, Assert.Single(_docker.Instances));
    }

    [Fact]
    public async Task Two_live_instances_left_by_an_interrupted_run_keep_the_one_the_name_points_to()
    {
        await ApplyAsync(Web());
        var old = Assert.Single(_docker.Instances);
        // Interrupted after the new instance started: both live, the name still points to the old one.
        var orphan = await _docker.CreateBesideAsync(Web("2.0").AtAlternateAddress(), "sha256:aaaa", CancellationToken.None);
        _docker.Calls.Clear();

        var (plan, _, _) = await Reconciler.PlanAsync(new DesiredState([Web("2.0")]) { Routed = new Dictionary<string, string> { ["web"] = "10.231.0.10" } }, CancellationToken.None);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(old.InstanceId, action.Observed!.InstanceId);
        Assert.Equal(orphan.InstanceId, Assert.Single(action.Leftovers).InstanceId);
        Assert.Equal(ActionKind.Recreate, action.Kind);

        // Interrupted after the switch: the name points to the new one, which is kept; the old one is the leftover.
        var (switched, _, _) = await Reconciler.PlanAsync(new DesiredState([Web("2.0")]) { Routed = new Dictionary<string, string> { ["web"] = "10.231.0.20" } }, CancellationToken.None);
        var kept = Assert.Single(switched.Actions);
        Assert.Equal(orphan.InstanceId, kept.Observed!.InstanceId);
        Assert.Equal(ActionKind.Keep, kept.Kind);
        Assert.Equal("10.231.0.20", kept.Desired!.Address);
        Assert.Equal(old.InstanceId, Assert.Single(kept.Leftovers).InstanceId);
    }

    [Fact]
    public async Task Without_a_switch_or_an_engine_that_starts_beside_the_replacement_stops_first()
    {
        await ApplyAsync(Web());
        _docker.Calls.Clear();
        await Reconciler.ApplyAsync(new DesiredState([Web("2.0")]), refresh: false, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);
        Assert.Equal(["fetch web", "stop web", "aside web", "create web", "forget 10.231.0.10", "remove web"], _docker.Calls);

        _docker.Beside = false;
        _docker.Calls.Clear();
        await ApplyAsync(Web("3.0"));
        Assert.Contains("stop web", _docker.Calls);
        Assert.Empty(_switches);
    }

    [Fact]
    public void Plan_shows_the_order_of_each_replacement()
    {
        var running = Specs.Running(Web());
        var startFirst = new PlannedAction("web", ActionKind.Recreate, ["tag: 1.0 → 2.0"], Web("2.0"), running);
        Assert.Equal(ReplacementOrder.StartFirst, startFirst.Replacement);
        Assert.Equal(ReplacementOrder.StopFirst, (startFirst with { Desired = Web("2.0") with { AlternateAddress = null } }).Replacement);
        Assert.Equal(ReplacementOrder.StopFirst, (startFirst with { Observed = running with { State = InstanceState.Stopped } }).Replacement);
        Assert.Null((startFirst with { Kind = ActionKind.Keep }).Replacement);
        // An old instance off the bridge (a snap, a swarm service) publishes its own host ports: the new one's, published
        // by the frontend, could not bind beside it.
        var offBridge = Specs.Running(Web() with { Address = null, AlternateAddress = null, Network = null });
        Assert.Equal(ReplacementOrder.StopFirst, (startFirst with { Observed = offBridge }).Replacement);
    }

    [Fact]
    public async Task A_service_coming_onto_the_bridge_from_an_instance_that_published_its_own_ports_stops_that_one_first()
    {
        await ApplyAsync(Web() with { Address = null, AlternateAddress = null, Network = null });
        _docker.Calls.Clear();

        var result = await ApplyAsync(Web("2.0"));

        Assert.True(result.Succeeded, string.Join("\n", result.Outcomes.Select(o => o.Message)));
        Assert.Equal(["fetch web", "stop web", "aside web", "create web", "forget 10.231.0.10", "remove web"], _docker.Calls);
        Assert.Empty(_switches);
    }
}
