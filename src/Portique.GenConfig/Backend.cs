using Portique.Orchestration;
using Portique.Planning;

namespace Portique.GenConfig;

/// <summary>
/// What genconfig asks of Portique beyond the configuration itself: the plan, the reconfigure, the status and logs.
/// <see cref="PortiqueBackend"/> is the real one; tests give fakes so pages are tested without engines.
/// </summary>
public interface IGenConfigBackend
{
    /// <summary>The root's dictionaries and config.eol (the engine the CLI's <c>set</c> uses).</summary>
    Workspace Workspace { get; }

    /// <summary><c>portique plan</c>: throws what <see cref="ReconfigureRunner.PlanAsync"/> throws.</summary>
    Task<PlanReport> PlanAsync(CancellationToken cancellationToken);

    /// <summary><c>portique reconfigure</c>, progress reported as it happens; takes the root's reconfigure lock.</summary>
    Task<ReconfigureReport> ApplyAsync(ReconfigureOptions options, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken);

    /// <summary><c>portique status</c>.</summary>
    Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadStatusAsync(CancellationToken cancellationToken);

    /// <summary><c>portique status --updates</c> when <paramref name="updates"/>; a backend without registries ignores it.</summary>
    Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadStatusAsync(bool updates, CancellationToken cancellationToken) =>
        ReadStatusAsync(cancellationToken);

    /// <summary>The last <paramref name="tail"/> log lines of a service's instance; empty when it has none.</summary>
    Task<IReadOnlyList<string>> ReadLogsAsync(ServiceStatus service, int tail, CancellationToken cancellationToken);

    /// <summary><c>portique snapshots</c>: every service's snapshots, newest first.</summary>
    IReadOnlyList<SnapshotManifest> ListSnapshots();

    /// <summary><c>portique rollback NAME SNAPSHOT [--with-data]</c>, progress reported as it happens; takes the reconfigure lock.</summary>
    Task<ReconfigureReport> RollbackAsync(string name, string snapshotId, bool withData, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken);
}

/// <summary>The real engines, nginx and hooks of one root, through <see cref="PortiqueServices"/>.</summary>
internal sealed class PortiqueBackend : IGenConfigBackend, IDisposable
{
    private readonly PortiqueServices _services;

    public PortiqueBackend(PortiqueServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        this._services = services;
    }

    public Workspace Workspace => _services.Workspace;

    public Task<PlanReport> PlanAsync(CancellationToken cancellationToken) => _services.Runner.PlanAsync(cancellationToken);

    public Task<ReconfigureReport> ApplyAsync(ReconfigureOptions options, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken) =>
        _services.Runner.RunAsync(ReconfigureMode.Reconfigure, options, progress, cancellationToken);

    public Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadStatusAsync(CancellationToken cancellationToken) =>
        ReadStatusAsync(updates: false, cancellationToken);

    public Task<(IReadOnlyList<ServiceStatus> Services, IReadOnlyList<string> Warnings)> ReadStatusAsync(bool updates, CancellationToken cancellationToken) =>
        new StatusReader(_services.Workspace, _services.Reconciler).ReadAsync(cancellationToken, updates);

    public async Task<IReadOnlyList<string>> ReadLogsAsync(ServiceStatus service, int tail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!TechnologyModules.Technologies.TryParse(service.Technology, out var technology) || _services.Reconciler.DriverFor(technology) is not { } driver)
        {
            return [];
        }

        return await driver.ReadLogsAsync(service.Name, tail, cancellationToken);
    }

    public IReadOnlyList<SnapshotManifest> ListSnapshots() => _services.Snapshots.List();

    public async Task<ReconfigureReport> RollbackAsync(
        string name, string snapshotId, bool withData, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken) =>
        (await _services.RollbackAsync(name, snapshotId, withData, progress, cancellationToken)).Report;

    public void Dispose() => _services.Dispose();
}
