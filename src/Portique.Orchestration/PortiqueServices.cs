using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Lxc;
using Portique.Technologies.Podman;
using Portique.Technologies.Qemu;
using Portique.Technologies.Snap;
using Portique.Technologies.Swarm;
using Portique.Technologies.Vagrant;

namespace Portique.Orchestration;

/// <summary>The composition root: the real engines, nginx and hooks for one Portique root.</summary>
public sealed class PortiqueServices : IDisposable
{
    private readonly IReadOnlyList<IDisposable> disposables;

    /// <param name="reconcilerOptions">Defaults; <c>status</c> asks for unused engines that do not answer to be reported.</param>
    /// <param name="readOnly">
    /// For the verbs that only look (<c>plan</c>, <c>status</c>, <c>logs</c>): nothing is written under the root, neither
    /// the engine ledger nor podman's configuration files (those go to a private folder outside the root).
    /// </param>
    public PortiqueServices(PortiqueRoot root, string? shippedDirectory = null, ReconcilerOptions? reconcilerOptions = null, bool readOnly = false)
    {
        Root = root;
        Workspace = new Workspace(root, shippedDirectory ?? Workspace.DefaultShippedDirectory);
        IServiceDriver[] drivers =
        [
            new DockerDriver(root),
            new PodmanDriver(root, readOnly ? new PodmanDriverOptions { ConfigurationDirectory = ReadOnlyPodmanDirectory(root) } : null),
            new SwarmDriver(root),
            new LxcDriver(root),
            new VagrantDriver(root),
            new QemuDriver(root),
            new SnapDriver(root),
            new SnapcraftDriver(root),
        ];
        Drivers = drivers;
        disposables = drivers.OfType<IDisposable>().ToArray();
        Reconciler = new Reconciler(
            Drivers,
            new SocketHostProbe(),
            (reconcilerOptions ?? new ReconcilerOptions()) with { Ledger = new FileEngineLedger(root) { ReadOnly = readOnly } });
        Frontend = new NginxFrontend(root);
        Runner = new ReconfigureRunner(Workspace, Reconciler, Frontend, new HookRunner(root));
    }

    public PortiqueRoot Root { get; }

    /// <summary>A folder of the temporary directory, private to this user and root, for podman's files when only looking.</summary>
    private static string ReadOnlyPodmanDirectory(PortiqueRoot root)
    {
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(root.Directory)))[..16];
        return Path.Join(Path.GetTempPath(), $"portique-podman-{Environment.UserName}-{key}");
    }

    public Workspace Workspace { get; }

    public IReadOnlyList<IServiceDriver> Drivers { get; }

    public Reconciler Reconciler { get; }

    public NginxFrontend Frontend { get; }

    public ReconfigureRunner Runner { get; }

    public void Dispose()
    {
        foreach (var disposable in disposables)
        {
            disposable.Dispose();
        }
    }
}
