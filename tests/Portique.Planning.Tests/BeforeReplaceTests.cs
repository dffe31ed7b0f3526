using Portique.Core;

namespace Portique.Planning.Tests;

/// <summary>
/// <see cref="ReconcilerOptions.BeforeReplaceAsync"/>, the hook the snapshot store hangs on (docs/snapshots.md): called for
/// every replacement and only then, once the old instance is stopped and aside; a failure there stops the replacement.
/// </summary>
public class BeforeReplaceTests
{
    private readonly FakeDriver _docker = new(TestTechnologies.Docker, TestTechnologies.DockerGit);
    private readonly FakeDriver _podman = new(TestTechnologies.Podman);
    private readonly FakeHost _host = new();
    private readonly List<PlannedAction> _snapshots = [];

    /// <summary>Set to make the hook fail as a snapshot that cannot be written does.</summary>
    private string? _failure;

    private Reconciler Reconciler => new([_docker, _podman], _host, new ReconcilerOptions
    {
        HealthTimeout = TimeSpan.FromSeconds(5),
        HealthPollInterval = TimeSpan.FromMilliseconds(1),
        BeforeReplaceAsync = (action, progress, _) =>
        {
            lock (_snapshots)
            {
                _snapshots.Add(action);
                _docker.Calls.Add($"snapshot {action.Name}");
            }

            progress.Report("snapshot taken");
            return _failure is { } failure ? Task.FromException(new RuntimeFailureException(failure)) : Task.CompletedTask;
        },
    });

    private Task<ReconcileResult> ApplyAsync(params ServiceSpec[] specs) =>
        Reconciler.ApplyAsync(new DesiredState(specs), refresh: false, new SynchronousProgress<ReconcileEvent>(_ => { }), CancellationToken.None);

    [Fact]
    public async Task No_snapshot_is_taken_when_a_service_is_created_kept_or_started()
    {
        await ApplyAsync(Specs.Web());
        await ApplyAsync(Specs.Web());
        var stopped = _docker.Instances[0];
        await _docker.StopAsync(stopped, CancellationToken.None);
        var result = await ApplyAsync(Specs.Web());

        Assert.Equal(ActionKind.Start, Assert.Single(result.Outcomes).Action);
        Assert.Empty(_snapshots);
    }

    [Fact]
    public async Task A_new_tag_takes_a_snapshot_once_the_old_instance_is_stopped_and_before_the_new_one_is_created()
    {
        await ApplyAsync(Specs.Web());
        _docker.Calls.Clear();

        var result = await ApplyAsync(Specs.Web(tag: "2.0"));

        Assert.True(result.Succeeded);
        Assert.Equal(["fetch web", "stop web", "aside web", "snapshot web", "create web", "remove web"], _docker.Calls);
        var action = Assert.Single(_snapshots);
        Assert.Equal(("web", "1.0"), (action.Observed!.Name, SpecSchema.TryParse(action.Observed.SpecJson, "web", 1)!.Tag));
        Assert.Contains("tag: 1.0 → 2.0", action.Reasons);
    }

    [Fact]
    public async Task A_new_technology_takes_a_snapshot_of_the_instance_in_the_old_engine()
    {
        await ApplyAsync(Specs.Web());

        var result = await ApplyAsync(Specs.Web(technology: TestTechnologies.Podman));

        Assert.True(result.Succeeded);
        var action = Assert.Single(_snapshots);
        Assert.Equal(TestTechnologies.Docker, action.Observed!.Technology);
        Assert.Single(_podman.Instances);
        Assert.Empty(_docker.Instances);
    }

    [Fact]
    public async Task A_new_environment_takes_a_snapshot()
    {
        await ApplyAsync(Specs.Web());

        var result = await ApplyAsync(Specs.Web() with { Environment = ["MODE=debug"] });

        Assert.Equal(ActionKind.Recreate, Assert.Single(result.Outcomes).Action);
        Assert.Single(_snapshots);
    }

    [Fact]
    public async Task A_failed_snapshot_stops_the_replacement_and_the_old_instance_serves_again()
    {
        await ApplyAsync(Specs.Web());
        _docker.Calls.Clear();
        _failure = "the snapshot of web failed (No space left on device): the previous version keeps serving";

        var result = await ApplyAsync(Specs.Web(tag: "2.0"));

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("No space left on device", outcome.Message);
        Assert.DoesNotContain("create web", _docker.Calls);
        var instance = Assert.Single(_docker.Instances);
        Assert.Equal(("new1", InstanceState.Running, false), (instance.InstanceId, instance.State, instance.IsAside));
        Assert.Equal("1.0", SpecSchema.TryParse(instance.SpecJson, "web", 1)!.Tag);
    }

    [Fact]
    public async Task An_instance_left_aside_by_a_killed_run_is_snapshotted_before_it_is_replaced()
    {
        await ApplyAsync(Specs.Web());
        await _docker.SetAsideAsync(_docker.Instances[0], CancellationToken.None);

        var result = await ApplyAsync(Specs.Web(tag: "2.0"));

        Assert.True(result.Succeeded);
        Assert.True(Assert.Single(_snapshots).Observed!.IsAside);
    }
}
