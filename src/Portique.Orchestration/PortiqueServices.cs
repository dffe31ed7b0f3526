using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>The composition root: the real engines, nginx and hooks for one Portique root.</summary>
public sealed class PortiqueServices : IDisposable
{
    private readonly IReadOnlyList<IDisposable> _disposables;
    private readonly PrivateBridge _bridge;

    /// <param name="reconcilerOptions">Defaults; <c>status</c> asks for unused engines that do not answer to be reported.</param>
    /// <param name="readOnly">
    /// For the verbs that only look (<c>plan</c>, <c>status</c>, <c>logs</c>): nothing is written under the root, neither
    /// the engine ledger nor podman's configuration files (those go to a private folder outside the root).
    /// </param>
    public PortiqueServices(PortiqueRoot root, string? shippedDirectory = null, ReconcilerOptions? reconcilerOptions = null, bool readOnly = false)
    {
        Root = root;
        _bridge = new PrivateBridge(root);
        Workspace = new Workspace(root, shippedDirectory ?? Workspace.DefaultShippedDirectory);
        var drivers = TechnologyModules.All.Select(m => m.CreateDriver(new DriverContext(root, readOnly))).ToArray();
        Drivers = drivers;
        _disposables = drivers.OfType<IDisposable>().ToArray();
        // nombre_instantanes is read only when a snapshot is taken: plan and status do not pay for an evaluation.
        Snapshots = new SnapshotStore(root, () => SnapshotRetention(Workspace));
        Reconciler = new Reconciler(
            Drivers,
            new SocketHostProbe(),
            (reconcilerOptions ?? new ReconcilerOptions()) with
            {
                Ledger = new FileEngineLedger(root) { ReadOnly = readOnly },
                BeforeReplaceAsync = readOnly ? null : SnapshotBeforeReplaceAsync,
                InstanceCreatedAsync = readOnly ? null : ForgetPreviousNeighbourAsync,
            });
        Frontend = new NginxFrontend(root);
        Runner = new ReconfigureRunner(Workspace, Reconciler, Frontend, new HookRunner(root), _bridge);
    }

    public PortiqueRoot Root { get; }

    /// <summary><c>nombre_instantanes</c>, or the default when the configuration cannot say (yet).</summary>
    private static int SnapshotRetention(Workspace workspace)
    {
        try
        {
            return int.TryParse(workspace.Evaluate().Find("nombre_instantanes")?.Values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var keep) && keep >= 1
                ? keep
                : SnapshotStore.DefaultKeep;
        }
        catch (PortiqueException)
        {
            return SnapshotStore.DefaultKeep;
        }
    }

    public Workspace Workspace { get; }

    public IReadOnlyList<IServiceDriver> Drivers { get; }

    public Reconciler Reconciler { get; }

    /// <summary>The snapshots taken before replacements and rollbacks (docs/snapshots.md).</summary>
    public SnapshotStore Snapshots { get; }

    /// <summary>False during a rollback, which took its own snapshot of the state it leaves.</summary>
    public bool SnapshotBeforeReplace { get; set; } = true;

    public NginxFrontend Frontend { get; }

    public ReconfigureRunner Runner { get; }

    /// <summary>
    /// The host volumes of the instance about to be replaced (from its own spec; the new spec's when unreadable) and
    /// that spec, into the store. The reconciler calls it once the old instance is stopped and set aside, so the copy is
    /// consistent; a failure stops the replacement and the old instance is restored. Nothing to keep (no volume, no
    /// readable spec): no snapshot.
    /// </summary>
    public async Task SnapshotBeforeReplaceAsync(PlannedAction action, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!SnapshotBeforeReplace)
        {
            return;
        }

        var old = action.Observed;
        var volumes = SpecSchema.TryParse(old?.SpecJson, action.Name, 0)?.Volumes ?? action.Desired?.Volumes ?? [];
        if (volumes.Count == 0 && old?.SpecJson is null)
        {
            return;
        }

        var reason = Orchestration.Resources.Messages.FormatSnapshotReasonReplace(string.Join("; ", action.Reasons));
        var taken = await Snapshots.TakeAsync(action.Name, reason, old?.ArtifactId, old?.SpecJson, volumes.Select(v => v.HostPath).ToArray(), progress, cancellationToken);
        progress.Report(Orchestration.Resources.Messages.FormatSnapshotTaken(taken.Id, reason));
    }

    /// <summary>
    /// A new instance on the private network: the host forgets its address's previous MAC (<see cref="PrivateBridge.ForgetNeighbourAsync"/>).
    /// A failure only makes the wait for its port longer, as before: nothing to stop for.
    /// </summary>
    private async Task ForgetPreviousNeighbourAsync(ServiceSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Address is null)
        {
            return;
        }

        try
        {
            await _bridge.ForgetNeighbourAsync(spec.Address, cancellationToken);
        }
        catch (PortiqueException)
        {
            // The entry goes stale on its own.
        }
    }

    /// <summary><c>portique rollback</c> (<see cref="Rollback.RunAsync"/>): exit 2 for an unknown service or snapshot, 1 on a runtime failure.</summary>
    public Task<(SnapshotManifest Restored, SnapshotManifest Saved, ReconfigureReport Report)> RollbackAsync(
        string name, string? snapshotId, bool withData, IProgress<ReconcileEvent> progress, CancellationToken cancellationToken) =>
        Rollback.RunAsync(this, name, snapshotId, withData, progress, cancellationToken);

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }
}
