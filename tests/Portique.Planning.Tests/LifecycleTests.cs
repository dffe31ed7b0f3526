using Microsoft.Extensions.Time.Testing;
using Portique.Core;

namespace Portique.Planning.Tests;

/// <summary>The lifecycle kernel on a scripted engine and a fake clock: no test waits for real time.</summary>
public class LifecycleTests
{
    private static readonly LifecycleOptions Timings = new()
    {
        HealthTimeout = TimeSpan.FromSeconds(60),
        StartupGrace = TimeSpan.FromSeconds(2),
        HealthPollInterval = TimeSpan.FromMilliseconds(250),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_instance_that_crashes_at_once_is_not_running_at_the_first_look()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.NotRunning));

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.NotRunning, health);
        Assert.Equal(TimeSpan.Zero, waited);
        Assert.Equal(1, engine.Looks);
    }

    [Fact]
    public async Task An_instance_that_stays_up_through_the_grace_period_is_running()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Running) { StartedAt = "t0" });

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.Running, health);
        Assert.InRange(waited, Timings.StartupGrace, Timings.StartupGrace + Timings.HealthPollInterval);
    }

    [Fact]
    public async Task An_instance_restarted_during_every_grace_period_is_never_called_running()
    {
        // The engine restarts it every second: it always looks up, never for two seconds in a row.
        var engine = new ScriptedEngine(_time, elapsed => new InstanceObservation(EngineHealth.Running)
        {
            StartedAt = "t" + (int)elapsed.TotalSeconds,
        });

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.Starting, health);
        Assert.True(waited >= Timings.HealthTimeout, $"gave up after {waited}");
    }

    [Fact]
    public async Task A_restart_counted_by_the_engine_resets_the_grace_period_even_with_the_same_start_time()
    {
        var engine = new ScriptedEngine(_time, elapsed => new InstanceObservation(EngineHealth.Running)
        {
            StartedAt = "t0",
            RestartCount = (long)elapsed.TotalSeconds,
        });

        var (health, _) = await WaitAsync(engine);

        Assert.NotEqual(EngineHealth.Running, health);
    }

    [Fact]
    public async Task A_first_run_whose_port_answers_is_ready_before_the_grace_period_ends()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Running) { StartedAt = "t0" });

        var (readiness, waited) = await WaitUntilReadyAsync(engine, elapsed => elapsed >= TimeSpan.FromMilliseconds(500));

        Assert.Equal(new Readiness(EngineHealth.Running, Answered: true), readiness);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(750));
    }

    [Fact]
    public async Task A_port_that_answers_after_a_restart_waits_for_the_whole_grace_period()
    {
        // Restarted once by its engine: it crashed, so only staying up through the grace period says it runs.
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Running) { StartedAt = "t1", RestartCount = 1 });

        var (readiness, waited) = await WaitUntilReadyAsync(engine, _ => true);

        Assert.Equal(new Readiness(EngineHealth.Running, Answered: false), readiness);
        Assert.InRange(waited, Timings.StartupGrace, Timings.StartupGrace + Timings.HealthPollInterval);
    }

    [Fact]
    public async Task A_run_that_answered_but_is_found_restarted_at_the_second_look_is_not_ready_early()
    {
        // Every look sees another run: what answered is gone by the time the engine is asked again.
        var looks = 0;
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Running) { StartedAt = "run" + looks++ });

        var (readiness, _) = await WaitUntilReadyAsync(engine, _ => true);

        Assert.Equal(new Readiness(EngineHealth.Starting, Answered: false), readiness);
    }

    [Fact]
    public async Task A_crash_is_reported_even_when_a_port_would_answer()
    {
        var engine = new ScriptedEngine(_time, elapsed => new InstanceObservation(
            elapsed < TimeSpan.FromSeconds(1) ? EngineHealth.Starting : EngineHealth.NotRunning));

        var (readiness, _) = await WaitUntilReadyAsync(engine, _ => true);

        Assert.Equal(new Readiness(EngineHealth.NotRunning, Answered: false), readiness);
    }

    [Fact]
    public async Task A_health_check_in_the_image_is_waited_for_even_when_the_port_answers()
    {
        var engine = new ScriptedEngine(_time, elapsed => new InstanceObservation(
            elapsed < TimeSpan.FromSeconds(3) ? EngineHealth.Starting : EngineHealth.Healthy));

        var (readiness, waited) = await WaitUntilReadyAsync(engine, _ => true);

        Assert.Equal(new Readiness(EngineHealth.Healthy, Answered: false), readiness);
        Assert.True(waited >= TimeSpan.FromSeconds(3), $"ready after {waited}");
    }

    [Fact]
    public async Task A_health_check_still_starting_at_the_deadline_is_a_timeout()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Starting) { StartedAt = "t0" });

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.Starting, health);
        Assert.InRange(waited, Timings.HealthTimeout, Timings.HealthTimeout + Timings.HealthPollInterval);
    }

    [Fact]
    public async Task A_services_own_start_deadline_ends_the_wait_instead_of_the_engines()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Starting) { StartedAt = "t0" });

        var (readiness, waited) = await WaitUntilReadyAsync(engine, answers: null, limit: TimeSpan.FromSeconds(7));

        Assert.Equal(EngineHealth.Starting, readiness.Health);
        Assert.True(TimeSpan.FromSeconds(7) < Timings.HealthTimeout);
        Assert.InRange(waited, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7) + Timings.HealthPollInterval);
    }

    [Fact]
    public async Task A_health_check_that_passes_is_healthy_as_soon_as_seen()
    {
        var engine = new ScriptedEngine(_time, elapsed => new InstanceObservation(
            elapsed < TimeSpan.FromSeconds(5) ? EngineHealth.Starting : EngineHealth.Healthy));

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.Healthy, health);
        Assert.InRange(waited, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5) + Timings.HealthPollInterval);
    }

    [Fact]
    public async Task A_health_check_that_fails_is_unhealthy_as_soon_as_seen()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Unhealthy));

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.Unhealthy, health);
        Assert.Equal(TimeSpan.Zero, waited);
    }

    [Fact]
    public async Task Healthy_replicas_wait_until_every_wanted_replica_runs()
    {
        var engine = new ScriptedEngine(_time, elapsed => new InstanceObservation(EngineHealth.Healthy)
        {
            Complete = elapsed >= TimeSpan.FromSeconds(3),
        });

        var (health, waited) = await WaitAsync(engine);

        Assert.Equal(EngineHealth.Healthy, health);
        Assert.True(waited >= TimeSpan.FromSeconds(3), $"settled after {waited}");
    }

    [Fact]
    public async Task A_missing_instance_is_not_running_and_its_health_now_too()
    {
        var engine = new ScriptedEngine(_time, _ => null);
        var instance = Specs.Running(Specs.Web());

        Assert.Equal(EngineHealth.NotRunning, (await WaitAsync(engine)).Health);
        Assert.Equal(EngineHealth.NotRunning, await engine.CheckHealthAsync(instance, CancellationToken.None));
    }

    [Fact]
    public async Task An_aside_instance_is_not_running_without_asking_the_engine()
    {
        var engine = new ScriptedEngine(_time, _ => new InstanceObservation(EngineHealth.Healthy));
        var aside = Specs.Running(Specs.Web()) with { IsAside = true };

        Assert.Equal(EngineHealth.NotRunning, await engine.WaitForHealthAsync(aside, _time, CancellationToken.None));
        Assert.Equal(EngineHealth.NotRunning, await engine.CheckHealthAsync(aside, CancellationToken.None));
        Assert.Equal(0, engine.Looks);
    }

    [Fact]
    public async Task Set_aside_stops_then_renames_and_restore_gives_the_name_back_and_starts_it()
    {
        var driver = new FakeDriver(TestTechnologies.Docker);
        var instance = Specs.Running(Specs.Web());
        driver.Instances.Add(instance);

        var aside = await driver.SetAsideAsync(instance, CancellationToken.None);

        Assert.True(aside.IsAside);
        Assert.Equal(InstanceState.Stopped, aside.State);
        Assert.Equal(["stop web", "aside web"], driver.Calls);

        driver.Calls.Clear();
        var restored = await driver.RestoreAsync(aside, CancellationToken.None);

        Assert.False(restored.IsAside);
        Assert.Equal(InstanceState.Running, restored.State);
        Assert.Equal(["restore web", "start web"], driver.Calls);
        var now = Assert.Single(driver.Instances);
        Assert.Equal((false, InstanceState.Running, "c1"), (now.IsAside, now.State, now.InstanceId));
    }

    [Fact]
    public async Task A_failed_rename_starts_the_instance_again_and_reports_the_failure()
    {
        var driver = new FakeDriver(TestTechnologies.Docker) { FailingRename = "NAME.portique-aside exists" };
        var instance = Specs.Running(Specs.Web());
        driver.Instances.Add(instance);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.SetAsideAsync(instance, CancellationToken.None));

        Assert.Equal("NAME.portique-aside exists", failure.Message);
        Assert.Equal(["stop web", "aside web", "start web"], driver.Calls);
        Assert.Equal(InstanceState.Running, Assert.Single(driver.Instances).State);
    }

    [Fact]
    public async Task Restoring_a_missing_instance_is_the_one_missing_error()
    {
        var driver = new FakeDriver(TestTechnologies.Docker);
        var gone = Specs.Running(Specs.Web()) with { IsAside = true };

        await Assert.ThrowsAsync<InstanceMissingException>(() => driver.RestoreAsync(gone, CancellationToken.None));
    }

    [Fact]
    public void The_aside_name_rule_is_one_suffix_both_ways()
    {
        Assert.Equal("web.portique-aside", ServiceLifecycle.AsideName("web"));
        Assert.True(ServiceLifecycle.IsAsideName("web.portique-aside", out var name));
        Assert.Equal("web", name);
        Assert.False(ServiceLifecycle.IsAsideName("web", out name));
        Assert.Equal("web", name);
    }

    /// <summary>Runs the wait, moving the fake clock one poll at a time until it answers.</summary>
    private async Task<(EngineHealth Health, TimeSpan Waited)> WaitAsync(ScriptedEngine engine)
    {
        var (readiness, waited) = await WaitUntilReadyAsync(engine, answers: null);
        Assert.False(readiness.Answered);
        return (readiness.Health, waited);
    }

    /// <summary>
    /// The readiness wait, the port answering as <paramref name="answers"/> says at each moment of the fake clock (null: no
    /// port to ask), the clock moved one poll at a time until it ends.
    /// </summary>
    private async Task<(Readiness Readiness, TimeSpan Waited)> WaitUntilReadyAsync(ScriptedEngine engine, Func<TimeSpan, bool>? answers, TimeSpan? limit = null)
    {
        var started = _time.GetUtcNow();
        var clock = new TimerCountingClock(_time);
        Func<CancellationToken, Task<bool>>? probe = answers is null ? null : _ => Task.FromResult(answers(_time.GetUtcNow() - started));
        // Off xUnit's synchronisation context, so that the wait's continuations never queue behind this loop.
        var waiting = Task.Run(() => engine.WaitUntilReadyAsync(Specs.Running(Specs.Web()), clock, probe, limit, CancellationToken.None));
        for (var steps = 0; steps < 10_000; steps++)
        {
            // The clock moves only once the wait sleeps: moving it earlier would skip a poll under a loaded machine.
            var sleeping = SpinWait.SpinUntil(() => waiting.IsCompleted || clock.TimersCreated > steps, TimeSpan.FromSeconds(30));
            Assert.True(sleeping, "the wait neither ended nor slept");
            if (waiting.IsCompleted)
            {
                break;
            }

            _time.Advance(Timings.HealthPollInterval);
        }

        Assert.True(waiting.IsCompleted, "the wait never ended");
        return (await waiting, _time.GetUtcNow() - started);
    }

    /// <summary>The fake clock, counting the timers the code under test starts (one per poll).</summary>
    private sealed class TimerCountingClock(FakeTimeProvider time) : TimeProvider
    {
        private int _timersCreated;

        public int TimersCreated => Volatile.Read(ref _timersCreated);

        public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

        public override long GetTimestamp() => time.GetTimestamp();

        public override long TimestampFrequency => time.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = time.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timersCreated);
            return timer;
        }
    }

    /// <summary>An engine whose one instance looks, at each moment of the fake clock, as the script says (null: gone).</summary>
    private sealed class ScriptedEngine(FakeTimeProvider time, Func<TimeSpan, InstanceObservation?> script) : DriverStub
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public int Looks { get; private set; }

        public override LifecycleOptions Lifecycle => Timings;

        public override Task<InstanceObservation> ObserveAsync(ObservedService instance, CancellationToken cancellationToken)
        {
            Looks++;
            return Task.FromResult(script(time.GetUtcNow() - _start) ?? throw new InstanceMissingException($"{instance.Name}: gone"));
        }
    }
}
