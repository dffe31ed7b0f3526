using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Planning;
using Portique.Technologies.Docker;

namespace Portique.Orchestration;

/// <summary>The composition root: the real engines, nginx and hooks for one Portique root.</summary>
public sealed class PortiqueServices : IDisposable
{
    private readonly DockerDriver docker;

    public PortiqueServices(PortiqueRoot root, string? shippedDirectory = null, ReconcilerOptions? reconcilerOptions = null)
    {
        Root = root;
        Workspace = new Workspace(root, shippedDirectory ?? Workspace.DefaultShippedDirectory);
        docker = new DockerDriver(root);
        Drivers = [docker];
        Reconciler = new Reconciler(Drivers, new SocketHostProbe(), reconcilerOptions);
        Frontend = new NginxFrontend(root);
        Runner = new ReconfigureRunner(Workspace, Reconciler, Frontend, new HookRunner(root));
    }

    public PortiqueRoot Root { get; }

    public Workspace Workspace { get; }

    public IReadOnlyList<IServiceDriver> Drivers { get; }

    public Reconciler Reconciler { get; }

    public NginxFrontend Frontend { get; }

    public ReconfigureRunner Runner { get; }

    public void Dispose() => docker.Dispose();
}
