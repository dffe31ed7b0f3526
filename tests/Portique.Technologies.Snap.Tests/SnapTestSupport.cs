using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Snap.Tests;

/// <summary>A temporary root with a fake snapd listening on a unix socket inside it, and fast driver options.</summary>
public sealed class SnapTestContext : IAsyncDisposable, IDisposable
{
    public SnapTestContext()
    {
        Root = new TempRoot("portique-snap-");
        InitName = Root.PathOf("pid1-comm");
        File.WriteAllText(InitName, "systemd\n");
        Snapd = new FakeSnapd(Root.PathOf("snapd.socket"));
        Options = Fast(Snapd.SocketPath, InitName);
    }

    public TempRoot Root { get; }

    public FakeSnapd Snapd { get; }

    /// <summary>The file standing for /proc/1/comm (says <c>systemd</c> unless a test rewrites it).</summary>
    public string InitName { get; }

    public SnapDriverOptions Options { get; }

    public static SnapDriverOptions Fast(string socket, string initName) => new()
    {
        SocketPath = socket,
        InitProcessNamePath = initName,
        RequestTimeout = TimeSpan.FromSeconds(10),
        AvailabilityTimeout = TimeSpan.FromSeconds(1),
        ChangeTimeout = TimeSpan.FromSeconds(10),
        ChangePollInterval = TimeSpan.FromMilliseconds(20),
        ConflictRetryTimeout = TimeSpan.FromSeconds(5),
        HealthTimeout = TimeSpan.FromSeconds(3),
        StartupGrace = TimeSpan.FromMilliseconds(200),
        HealthPollInterval = TimeSpan.FromMilliseconds(50),
    };

    public string RecordPath(string name, bool aside = false) =>
        Root.PathOf("var", "lib", "portique", "snap", name + (aside ? ".portique-aside" : "") + ".json");

    public async ValueTask DisposeAsync()
    {
        await Snapd.DisposeAsync();
        Root.Dispose();
    }

    public void Dispose()
    {
        Snapd.Dispose();
        Root.Dispose();
    }

    public static ServiceSpec Spec(string name, string snap, string channel, IReadOnlyList<PortMapping>? ports = null, IReadOnlyList<string>? environment = null) =>
        TestSpecs.Create(name, SnapModule.Snap, snap, channel, ports: ports, environment: environment);
}

/// <summary>Progress events collected on the reporting thread.</summary>
public sealed class EventLog : IProgress<ReconcileEvent>
{
    private readonly List<ReconcileEvent> _events = [];

    public IReadOnlyList<ReconcileEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public void Report(ReconcileEvent value)
    {
        lock (_events)
        {
            _events.Add(value);
        }
    }
}

/// <summary>The host probe of a snap test: every port is free and answers (snaps bind their own ports; the fake binds none).</summary>
public sealed class AnsweringProbe : IHostProbe
{
    public bool IsPortFree(string address, int port, PortProtocol protocol = PortProtocol.Tcp) => true;

    public Task<bool> AcceptsConnectionsAsync(string address, int port, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(true);
}
