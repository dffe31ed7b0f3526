using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Orchestration;
using Portique.Planning;

namespace Portique.GenConfig.Tests;

/// <summary>The real configuration engine on a temporary root; plan, apply, status and logs scripted by the test.</summary>
public sealed class FakeBackend(Workspace workspace) : IGenConfigBackend
{
    private int _applyCalls;

    public Workspace Workspace { get; } = workspace;

    public Func<CancellationToken, Task<PlanReport>> Plan { get; set; } =
        _ => Task.FromResult(new PlanReport(new Plan([]), new FrontendChange([], [], []), [], []));

    public Func<IProgress<ReconcileEvent>, CancellationToken, Task<ReconfigureReport>> Apply { get; set; } =
        (progress, _) =>
        {
            progress.Report(new ReconcileEvent(EventKind.Step, null, "validating the configuration"));
            return Task.FromResult(Report(true));
        };

    public Func<IReadOnlyList<ServiceStatus>> Statuses { get; set; } = () => [];

    public Dictionary<string, IReadOnlyList<string>> Logs { get; } = new(StringComparer.Ordinal);

    public int ApplyCalls => Volatile.Read(ref _applyCalls);

    public Task<PlanReport> PlanAsync(CancellationToken cancellationToken) => Plan(cancellationToken);

    public Task<ReconfigureReport> ApplyAsync(ReconfigureOptions options, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _applyCalls);
        return Apply(progress, cancellationToken);
    }

    public Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadStatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<ServiceStatus>, IReadOnlyList<string>)>((Statuses(), []));

    /// <summary>What the last status read asked for <c>--updates</c>.</summary>
    public bool? UpdatesAsked { get; private set; }

    public Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadStatusAsync(bool updates, CancellationToken cancellationToken)
    {
        UpdatesAsked = updates;
        return ReadStatusAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> ReadLogsAsync(ServiceStatus service, int tail, CancellationToken cancellationToken) =>
        Logs.TryGetValue(service.Name, out var lines) ? Task.FromResult(lines) : throw new RuntimeFailureException("no such container");

    public List<SnapshotManifest> Snapshots { get; } = [];

    /// <summary>Each rollback asked, in order.</summary>
    public List<Apply.RollbackRequest> Rollbacks { get; } = [];

    public Func<IProgress<ReconcileEvent>, CancellationToken, Task<ReconfigureReport>> Rollback { get; set; } =
        (progress, _) =>
        {
            progress.Report(new ReconcileEvent(EventKind.Step, null, "restoring the data"));
            return Task.FromResult(Report(true));
        };

    public IReadOnlyList<SnapshotManifest> ListSnapshots() => Snapshots;

    public Task<ReconfigureReport> RollbackAsync(string name, string snapshotId, bool withData, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken)
    {
        lock (Rollbacks)
        {
            Rollbacks.Add(new Apply.RollbackRequest(name, snapshotId, withData));
        }

        return Rollback(progress, cancellationToken);
    }

    public static ReconfigureReport Report(bool succeeded, params ServiceOutcome[] outcomes) =>
        new(new ReconcileResult(outcomes.Length > 0 ? outcomes : [new ServiceOutcome("web", ActionKind.Create, succeeded, succeeded ? "created" : "did not become healthy", ["not deployed yet"], succeeded ? [] : ["boom"])]),
            [],
            new FrontendResult(new FrontendChange([], [], []), FrontendAction.Reloaded),
            []);
}
