namespace Portique.Planning.Tests;

public class ReconcilerTests
{
    private readonly FakeDriver _docker = new(TestTechnologies.Docker, TestTechnologies.DockerGit);
    private readonly FakeDriver _podman = new(TestTechnologies.Podman);
    private readonly FakeHost _host = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<ReconcileEvent> _events = new();

    private Reconciler Reconciler => new([_docker, _podman], _host, new ReconcilerOptions
    {
        HealthTimeout = TimeSpan.FromSeconds(5),
        HealthPollInterval = TimeSpan.FromMilliseconds(1),
    });

    private Task<ReconcileResult> ApplyAsync(params ServiceSpec[] specs) =>
        Reconciler.ApplyAsync(new DesiredState(specs), refresh: false, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);

    [Fact]
    public async Task A_new_service_is_fetched_created_and_reported()
    {
        var result = await ApplyAsync(Specs.Web());
        Assert.True(result.Succeeded);
        Assert.Equal(["fetch web", "create web"], _docker.Calls);
        Assert.Contains(_events, e => e is { Kind: EventKind.Done, Service: "web" });
    }

    /// <summary>A grace period no test sits through: within the wait, only a port that answers makes a first run ready.</summary>
    private static readonly LifecycleOptions GraceNeverReached = new()
    {
        StartupGrace = TimeSpan.FromHours(1),
        HealthTimeout = TimeSpan.FromSeconds(2),
        HealthPollInterval = TimeSpan.FromMilliseconds(5),
    };

    [Fact]
    public async Task A_created_service_whose_port_answers_is_ready_without_sitting_through_the_grace_period()
    {
        _docker.Lifecycle = GraceNeverReached;

        var result = await ApplyAsync(Specs.Web());

        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains(8081, _host.Probed);
        Assert.Single(_docker.Instances);
    }

    [Fact]
    public async Task A_services_start_deadline_bounds_the_wait_for_its_port_instead_of_the_default()
    {
        _docker.Lifecycle = new LifecycleOptions { StartupGrace = TimeSpan.Zero, HealthTimeout = TimeSpan.FromHours(1), HealthPollInterval = TimeSpan.FromMilliseconds(5) };
        _host.SilentPorts.Add(8081);
        var reconciler = new Reconciler([_docker], _host, new ReconcilerOptions { HealthTimeout = TimeSpan.FromHours(1), HealthPollInterval = TimeSpan.FromMilliseconds(5) });

        // An hour everywhere else: only conteneurN_delai_demarrage can end this wait within the test's bound.
        var result = await reconciler.ApplyAsync(
            new DesiredState([Specs.Web() with { StartSeconds = 1 }]), refresh: false, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("8081", outcome.Message, StringComparison.Ordinal);
        Assert.Contains(" 1 s", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_docker.Instances);
    }

    [Fact]
    public async Task A_created_service_whose_port_stays_silent_is_never_ready_before_the_grace_period()
    {
        _docker.Lifecycle = GraceNeverReached;
        _host.SilentPorts.Add(8081);

        var result = await ApplyAsync(Specs.Web());

        Assert.False(Assert.Single(result.Outcomes).Succeeded);
        Assert.Empty(_docker.Instances);
    }

    [Fact]
    public async Task A_replacement_sits_through_the_grace_period_even_when_its_port_answers()
    {
        await ApplyAsync(Specs.Web());
        _docker.Lifecycle = GraceNeverReached;

        var result = await ApplyAsync(Specs.Web(tag: "2.0"));

        // The previous version is what a replacement protects: the new one never proved itself, the old one is back.
        Assert.False(Assert.Single(result.Outcomes).Succeeded);
        Assert.Equal(Specs.Web().SpecHash(), Assert.Single(_docker.Instances).SpecHash);
    }

    [Fact]
    public async Task An_engine_that_updates_in_place_replaces_the_service_itself_without_setting_it_aside()
    {
        await ApplyAsync(Specs.Web());
        _docker.InPlace = true;
        var (plan, _, _) = await Reconciler.PlanAsync(new DesiredState([Specs.Web(tag: "2.0")]), CancellationToken.None);
        Assert.Equal(ReplacementOrder.Rolling, Assert.Single(plan.Actions).Replacement);
        _docker.Calls.Clear();

        var result = await ApplyAsync(Specs.Web(tag: "2.0"));

        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        Assert.Equal(["fetch web", "update web in place"], _docker.Calls);
        Assert.Equal(Specs.Web(tag: "2.0").SpecHash(), Assert.Single(_docker.Instances).SpecHash);
    }

    [Fact]
    public async Task An_update_in_place_the_engine_rolled_back_fails_and_leaves_the_previous_instance()
    {
        await ApplyAsync(Specs.Web());
        var before = Assert.Single(_docker.Instances);
        _docker.InPlace = true;
        _docker.CrashingTags.Add("bad");
        _docker.Calls.Clear();

        var result = await ApplyAsync(Specs.Web(tag: "bad"));

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("rolled web back", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_docker.Calls, c => c.StartsWith("aside", StringComparison.Ordinal) || c.StartsWith("remove", StringComparison.Ordinal));
        Assert.Equal(before, Assert.Single(_docker.Instances));
    }

    [Fact]
    public async Task A_second_run_over_the_same_configuration_changes_nothing()
    {
        await ApplyAsync(Specs.Web());
        _docker.Calls.Clear();
        var result = await ApplyAsync(Specs.Web());
        Assert.Equal(ActionKind.Keep, Assert.Single(result.Outcomes).Action);
        Assert.False(result.ChangedSomething);
        Assert.Equal(["fetch web"], _docker.Calls);
    }

    [Fact]
    public async Task A_second_run_whose_engine_lists_its_images_fetches_nothing_and_asks_once_for_all_services()
    {
        _docker.ListsLocalArtifacts = true;
        await ApplyAsync(Specs.Web(), Specs.Web("api", hostPort: 8082));
        _docker.Calls.Clear();
        var result = await ApplyAsync(Specs.Web(), Specs.Web("api", hostPort: 8082));
        Assert.All(result.Outcomes, o => Assert.Equal(ActionKind.Keep, o.Action));
        Assert.False(result.ChangedSomething);
        Assert.Equal(["list artifacts web,api"], _docker.Calls);
    }

    [Fact]
    public async Task A_kept_service_whose_tag_now_names_another_image_is_fetched_and_replaced()
    {
        _docker.ListsLocalArtifacts = true;
        await ApplyAsync(Specs.Web());
        _docker.Artifacts["1.0"] = "sha256:bbbb";
        var result = await ApplyAsync(Specs.Web());
        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Succeeded);
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        Assert.Contains("fetch web", _docker.Calls);
    }

    [Fact]
    public async Task A_failed_fetch_leaves_the_running_instance_untouched()
    {
        await ApplyAsync(Specs.Web());
        _docker.FailingFetches.Add("2.0");
        var result = await ApplyAsync(Specs.Web(tag: "2.0"));
        Assert.False(result.Succeeded);
        var instance = Assert.Single(_docker.Instances);
        Assert.Equal(("new1", InstanceState.Running, false), (instance.InstanceId, instance.State, instance.IsAside));
        Assert.Contains("2.0", Assert.Single(result.Outcomes).Message);
    }

    [Fact]
    public async Task A_new_version_that_crashes_is_removed_and_the_old_one_restored()
    {
        await ApplyAsync(Specs.Web());
        _docker.CrashingTags.Add("2.0");
        var result = await ApplyAsync(Specs.Web(tag: "2.0"));
        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Equal(["boom: exiting"], outcome.LogTail);
        var instance = Assert.Single(_docker.Instances);
        Assert.Equal(("new1", InstanceState.Running, false), (instance.InstanceId, instance.State, instance.IsAside));
        Assert.Contains("web", result.Serving);
    }

    [Fact]
    public async Task A_new_version_that_runs_but_never_accepts_on_its_first_port_is_removed_and_the_old_one_restored()
    {
        await ApplyAsync(Specs.Web());
        _docker.Calls.Clear();
        _host.SilentPorts.Add(8081);
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions
        {
            HealthTimeout = TimeSpan.FromMilliseconds(200),
            HealthPollInterval = TimeSpan.FromMilliseconds(1),
        });

        var result = await reconciler.ApplyAsync(new DesiredState([Specs.Web(tag: "2.0")]), refresh: false, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("8081", outcome.Message);
        Assert.Contains(8081, _host.Probed);
        Assert.Equal(["fetch web", "stop web", "aside web", "create web", "remove web", "restore web", "start web"], _docker.Calls);
        var instance = Assert.Single(_docker.Instances);
        Assert.Equal(("new1", InstanceState.Running, false), (instance.InstanceId, instance.State, instance.IsAside));
    }

    [Fact]
    public async Task A_replacement_cancelled_mid_way_is_rolled_back_before_the_cancellation_goes_on()
    {
        await ApplyAsync(Specs.Web());
        using var interrupt = new CancellationTokenSource();
        _docker.WhileWaitingForHealth = interrupt.Cancel;
        _docker.Calls.Clear();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Reconciler.ApplyAsync(
            new DesiredState([Specs.Web(tag: "2.0")]), refresh: false, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), interrupt.Token));

        Assert.Equal(["fetch web", "stop web", "aside web", "create web", "remove web", "restore web", "start web"], _docker.Calls);
        var instance = Assert.Single(_docker.Instances);
        Assert.Equal(("new1", InstanceState.Running, false), (instance.InstanceId, instance.State, instance.IsAside));
    }

    [Fact]
    public async Task A_new_service_that_never_accepts_on_its_first_port_is_removed()
    {
        _host.SilentPorts.Add(8081);
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions
        {
            HealthTimeout = TimeSpan.FromMilliseconds(200),
            HealthPollInterval = TimeSpan.FromMilliseconds(1),
        });

        var result = await reconciler.ApplyAsync(new DesiredState([Specs.Web()]), refresh: false, new SynchronousProgress<ReconcileEvent>(_events.Enqueue), CancellationToken.None);

        Assert.False(Assert.Single(result.Outcomes).Succeeded);
        Assert.Empty(_docker.Instances);
    }

    [Fact]
    public async Task A_replaced_instance_is_set_aside_before_its_successor_starts_and_removed_after()
    {
        await ApplyAsync(Specs.Web());
        _docker.Calls.Clear();
        var result = await ApplyAsync(Specs.Web(tag: "2.0"));
        Assert.True(result.Succeeded);
        Assert.Equal(["fetch web", "stop web", "aside web", "create web", "remove web"], _docker.Calls);
        Assert.Equal("new2", Assert.Single(_docker.Instances).InstanceId);
    }

    [Fact]
    public async Task A_new_image_behind_the_same_tag_recreates_with_the_image_as_reason()
    {
        await ApplyAsync(Specs.Web());
        _docker.Artifacts["1.0"] = "sha256:bbbb";
        var outcome = Assert.Single((await ApplyAsync(Specs.Web())).Outcomes);
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        Assert.Contains(outcome.Reasons, r => r.StartsWith("image:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_technology_switch_moves_the_service_to_the_other_engine()
    {
        await ApplyAsync(Specs.Web());
        var result = await ApplyAsync(Specs.Web(technology: TestTechnologies.Podman));
        Assert.True(result.Succeeded);
        Assert.Empty(_docker.Instances);
        Assert.Equal(TestTechnologies.Podman, Assert.Single(_podman.Instances).Technology);
    }

    [Fact]
    public async Task A_service_no_longer_configured_is_removed()
    {
        await ApplyAsync(Specs.Web("a", hostPort: 8001), Specs.Web("b", hostPort: 8002));
        var result = await ApplyAsync(Specs.Web("a", hostPort: 8001));
        Assert.Contains(result.Outcomes, o => o is { Name: "b", Action: ActionKind.Remove, Succeeded: true });
        Assert.Equal("a", Assert.Single(_docker.Instances).Name);
    }

    [Fact]
    public async Task A_host_port_held_by_another_program_stops_everything_before_any_change()
    {
        _host.BusyPorts.Add(8082);
        var error = await Assert.ThrowsAsync<PreflightException>(() => ApplyAsync(Specs.Web("a", hostPort: 8081), Specs.Web("b", hostPort: 8082)));
        Assert.Contains("8082", error.Message);
        Assert.Empty(_docker.Calls);
    }

    [Fact]
    public async Task A_port_held_by_our_own_instance_is_not_a_conflict()
    {
        await ApplyAsync(Specs.Web());
        _host.BusyPorts.Add(8081);
        Assert.True((await ApplyAsync(Specs.Web(tag: "2.0"))).Succeeded);
    }

    [Fact]
    public async Task A_name_held_by_a_foreign_container_stops_everything_before_any_change()
    {
        _docker.ForeignHolder = "container 1234 (nginx:latest)";
        var error = await Assert.ThrowsAsync<PreflightException>(() => ApplyAsync(Specs.Web()));
        Assert.Contains("1234", error.Message);
        Assert.Empty(_docker.Calls);
    }

    [Fact]
    public async Task An_engine_that_does_not_answer_is_reported_for_the_services_that_need_it()
    {
        _podman.Unavailable = "podman is not installed";
        var error = await Assert.ThrowsAsync<PreflightException>(() => ApplyAsync(Specs.Web(technology: TestTechnologies.Podman)));
        Assert.Equal("web", Assert.Single(error.Problems).Subject);
    }

    [Fact]
    public async Task An_engine_nobody_needs_may_be_missing_without_a_warning_on_every_run()
    {
        _podman.Unavailable = "podman is not installed";
        Assert.True((await ApplyAsync(Specs.Web())).Succeeded);
        Assert.DoesNotContain(_events, e => e.Kind == EventKind.Warning);
    }

    [Fact]
    public async Task An_engine_the_root_never_used_and_nothing_needs_is_not_asked()
    {
        var ledger = new MemoryLedger();
        _podman.Unavailable = "podman would take a second to say so";
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions { Ledger = ledger, HealthPollInterval = TimeSpan.FromMilliseconds(1) });

        var result = await reconciler.ApplyAsync(new DesiredState([Specs.Web()]), refresh: false, new SynchronousProgress<ReconcileEvent>(_ => { }), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal([TestTechnologies.Docker], ledger.Used);
        Assert.Equal(0, _podman.AvailabilityChecks);
    }

    [Fact]
    public async Task Engines_are_asked_at_once_not_one_after_the_other()
    {
        // Docker answers only once podman has been asked: one engine after the other would never get there.
        _docker.BeforeAvailability = token => _podman.AvailabilityAsked.Task.WaitAsync(TimeSpan.FromSeconds(10), token);

        var (observed, problems, _) = await Reconciler.ObserveAsync(new DesiredState([Specs.Web()]), CancellationToken.None);

        Assert.Empty(problems);
        Assert.Empty(observed);
        Assert.Equal(1, _docker.AvailabilityChecks);
        Assert.Equal(1, _podman.AvailabilityChecks);
    }

    [Fact]
    public async Task Engines_asked_at_once_report_the_first_engines_failure_and_problems_in_the_drivers_order()
    {
        _docker.FailingList = "docker cannot list";
        _podman.FailingList = "podman cannot list";
        // Podman fails first in time; docker comes first in the drivers' order, and its failure is the one reported.
        _docker.BeforeAvailability = token => Task.Delay(TimeSpan.FromMilliseconds(50), token);
        var failure = await Assert.ThrowsAsync<Core.RuntimeFailureException>(() => Reconciler.ObserveAsync(new DesiredState([Specs.Web()]), CancellationToken.None));
        Assert.Equal("docker cannot list", failure.Message);

        _docker.FailingList = _podman.FailingList = null;
        _docker.Unavailable = "dockerd is not answering";
        _podman.Unavailable = "podman is not installed";
        var (_, problems, _) = await Reconciler.ObserveAsync(
            new DesiredState([Specs.Web("pod", technology: TestTechnologies.Podman), Specs.Web("web", hostPort: 9001)]), CancellationToken.None);
        Assert.Equal(["web: dockerd is not answering", "pod: podman is not installed"], problems.Select(p => $"{p.Subject}: {p.Message}"));
    }

    [Fact]
    public async Task Each_engine_changes_no_more_services_at_once_than_it_takes()
    {
        _docker.ConcurrentChanges = 5;
        _podman.ConcurrentChanges = 1;
        _docker.FetchDuration = _podman.FetchDuration = TimeSpan.FromMilliseconds(100);
        var services = Enumerable.Range(1, 12).Select(n => Specs.Web($"web{n}", hostPort: 9000 + n))
            .Concat(Enumerable.Range(1, 3).Select(n => Specs.Web($"pod{n}", hostPort: 9100 + n, technology: TestTechnologies.Podman)))
            .ToArray();
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions { HealthPollInterval = TimeSpan.FromMilliseconds(1) });

        var result = await reconciler.ApplyAsync(new DesiredState(services), refresh: false, new SynchronousProgress<ReconcileEvent>(_ => { }), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(5, _docker.MostFetchesAtOnce);
        Assert.Equal(1, _podman.MostFetchesAtOnce);
    }

    [Fact]
    public async Task Only_the_engines_the_root_used_connect_ahead_of_observation()
    {
        var ledger = new MemoryLedger();
        ledger.MarkUsed(TestTechnologies.Docker);
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions { Ledger = ledger });

        reconciler.ConnectAhead(CancellationToken.None);

        await _docker.ConnectedAhead.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        Assert.False(_podman.ConnectedAhead.Task.IsCompleted);
        Assert.Equal(0, _podman.AvailabilityChecks);
    }

    [Fact]
    public async Task A_root_whose_engines_are_unknown_connects_nothing_ahead()
    {
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions { Ledger = new MemoryLedger { Known = false } });

        reconciler.ConnectAhead(CancellationToken.None);

        await Task.Delay(200);
        Assert.False(_docker.ConnectedAhead.Task.IsCompleted);
    }

    [Fact]
    public async Task A_root_older_than_the_ledger_records_only_the_engines_that_answered_as_used()
    {
        var ledger = new MemoryLedger { Known = false };
        _podman.Unavailable = "podman is not installed";
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions { Ledger = ledger });

        await reconciler.ObserveAsync(new DesiredState([]), CancellationToken.None);
        await ApplyAsync(Specs.Web());
        var ledgerAfterApply = new MemoryLedger { Known = false };
        await new Reconciler([_docker, _podman], _host, new ReconcilerOptions { Ledger = ledgerAfterApply }).ObserveAsync(new DesiredState([]), CancellationToken.None);

        Assert.Empty(ledger.Used);
        Assert.Equal([TestTechnologies.Docker], ledgerAfterApply.Used);
    }

    [Fact]
    public async Task Status_mentions_an_engine_that_does_not_answer()
    {
        _podman.Unavailable = "podman is not installed";
        var reconciler = new Reconciler([_docker, _podman], _host, new ReconcilerOptions { ReportUnusedEngines = true });
        var (_, _, warnings) = await reconciler.ObserveAsync(new DesiredState([Specs.Web()]), CancellationToken.None);
        Assert.Equal("podman is not installed", Assert.Single(warnings));
    }

    [Fact]
    public async Task Removals_run_before_creations_so_a_freed_port_can_be_reused()
    {
        await ApplyAsync(Specs.Web("old", hostPort: 8081));
        _docker.Calls.Clear();
        await ApplyAsync(Specs.Web("new", hostPort: 8081));
        Assert.Equal(["remove old", "fetch new", "create new"], _docker.Calls);
    }

    [Fact]
    public async Task Many_services_are_all_created_and_reported_in_plan_order()
    {
        var specs = Enumerable.Range(1, 12).Select(i => Specs.Web($"s{i:00}", hostPort: 9000 + i)).ToArray();
        var result = await ApplyAsync(specs);
        Assert.True(result.Succeeded);
        Assert.Equal(specs.Select(s => s.Name), result.Outcomes.Select(o => o.Name));
        Assert.Equal(12, _docker.Instances.Count);
    }

    [Fact]
    public async Task A_stopped_instance_is_started_again()
    {
        await ApplyAsync(Specs.Web());
        _docker.Instances[0] = _docker.Instances[0] with { State = InstanceState.Stopped };
        var outcome = Assert.Single((await ApplyAsync(Specs.Web())).Outcomes);
        Assert.Equal((ActionKind.Start, true), (outcome.Action, outcome.Succeeded));
    }

    [Fact]
    public async Task An_interrupted_replacement_converges_on_the_next_run()
    {
        await ApplyAsync(Specs.Web());
        _docker.Instances[0] = _docker.Instances[0] with { IsAside = true, State = InstanceState.Stopped };
        var result = await ApplyAsync(Specs.Web(tag: "2.0"));
        Assert.True(result.Succeeded);
        var instance = Assert.Single(_docker.Instances);
        Assert.False(instance.IsAside);
    }
}

internal sealed class MemoryLedger : IEngineLedger
{
    public HashSet<Technology> Used { get; } = [];

    /// <summary>False: a root older than the ledger, until <see cref="Initialize"/>.</summary>
    public bool Known { get; set; } = true;

    public IReadOnlySet<Technology>? UsedTechnologies() => Known ? Used : null;

    public void MarkUsed(Technology technology) => Used.Add(technology);

    public void Initialize(IEnumerable<Technology> owned)
    {
        Known = true;
        Used.UnionWith(owned);
    }
}
