using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Planning;

namespace Portique.Orchestration;

/// <summary>The composition root: the real engines, nginx and hooks for one Portique root.</summary>
public sealed class PortiqueServices : IDisposable
{
    private readonly IReadOnlyList<IDisposable> _disposables;

    /// <param name="reconcilerOptions">Defaults; <c>status</c> asks for unused engines that do not answer to be reported.</param>
    /// <param name="readOnly">
    /// For the verbs that only look (<c>plan</c>, <c>status</c>, <c>logs</c>): nothing is written under the root, neither
    /// the engine ledger nor podman's configuration files (those go to a private folder outside the root).
    /// </param>
    public PortiqueServices(PortiqueRoot root, string? shippedDirectory = null, ReconcilerOptions? reconcilerOptions = null, bool readOnly = false)
    {
        Root = root;
        Workspace = new Workspace(root, shippedDirectory ?? Workspace.DefaultShippedDirectory);
        var drivers = TechnologyModules.All.Select(m => m.CreateDriver(new DriverContext(root, readOnly))).ToArray();
        Drivers = drivers;
        _disposables = drivers.OfType<IDisposable>().ToArray();
        Reconciler = new Reconciler(
            Drivers,
            new SocketHostProbe(),
            (reconcilerOptions ?? new ReconcilerOptions()) with { Ledger = new FileEngineLedger(root) { ReadOnly = readOnly } });
        Frontend = new NginxFrontend(root);
        Runner = new ReconfigureRunner(Workspace, Reconciler, Frontend, new HookRunner(root), new PrivateBridge(root));
    }

    public PortiqueRoot Root { get; }

    public Workspace Workspace { get; }

    public IReadOnlyList<IServiceDriver> Drivers { get; }

    public Reconciler Reconciler { get; }

    public NginxFrontend Frontend { get; }

    public ReconfigureRunner Runner { get; }

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }
}
