using System.Net;
using System.Net.Sockets;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>
/// The whole life of a qemu service through the real <see cref="Reconciler"/>: create, replace by a new version, a failed
/// replacement rolled back, set aside and restore by hand, removal keeping host data. Real VMs: about five boots.
/// </summary>
[Collection(QemuVmCollection.Name)]
public sealed class QemuLifecycleTests : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new("portique-qemu-life-");
    private readonly ImageServer _server = new();
    private readonly int _port = TestPorts.FreePort();
    private QemuDriver _driver = null!;
    private Reconciler _reconciler = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string Data => _root.PathOf("srv", "app");

    public async Task InitializeAsync()
    {
        var images = await GuestImages.GetAsync();
        _server.ServeFile("/images/guest.img", images.V1Raw);
        _server.ServeFile("/images-v2/guest.img", images.V2Raw);
        _server.ServeFile("/images-broken/guest.img", images.BrokenRaw);
        _driver = new QemuDriver(_root.Root, QemuTestOptions.Default);
        _reconciler = new Reconciler([_driver], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(60) });
    }

    public async Task DisposeAsync() => await QemuCleanup.StopEverythingAsync(_driver);

    public void Dispose()
    {
        _driver.Dispose();
        _server.Dispose();
        _root.Dispose();
    }

    private ServiceSpec App(string tag, string folder) => QemuTestOptions.Spec(
        "app", "guest.img", tag, _server.BaseUrl(folder), ports: [new PortMapping(_port, 8080)], volumes: [new VolumeMapping(Data, "/srv/app")]);

    private async Task<ReconcileResult> ApplyAsync(params ServiceSpec[] services)
    {
        var events = new List<ReconcileEvent>();
        var result = await _reconciler.ApplyAsync(new DesiredState(services), refresh: false, new SynchronousProgress(events), Ct);
        return result;
    }

    [Fact]
    public async Task Create_replace_roll_back_set_aside_restore_and_remove()
    {
        // Create.
        var created = await ApplyAsync(App("v1", "images"));
        Assert.True(created.Succeeded, Describe(created));
        Assert.Equal(ActionKind.Create, Assert.Single(created.Outcomes).Action);
        Assert.Equal(TestImages.IndexPage("v1"), await HttpProbe.GetLocalAsync(_port));
        Assert.Equal("v1\n", await File.ReadAllTextAsync(Path.Join(Data, "written-by-guest.txt")));

        // Same configuration again: nothing to do, nothing downloaded.
        var again = await ApplyAsync(App("v1", "images"));
        Assert.Equal(ActionKind.Keep, Assert.Single(again.Outcomes).Action);
        Assert.Equal(1, _server.RequestCount("/images/guest.img"));

        // A new version replaces it; the old one is set aside until the new one answers, then removed.
        var replaced = await ApplyAsync(App("v2", "images-v2"));
        Assert.True(replaced.Succeeded, Describe(replaced));
        Assert.Equal(ActionKind.Recreate, Assert.Single(replaced.Outcomes).Action);
        Assert.Equal(TestImages.IndexPage("v2"), await HttpProbe.GetLocalAsync(_port));
        var v2 = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal(("guest.img:v2", false), (v2.Version, v2.IsAside));
        Assert.False(Directory.Exists(_driver.StateDirectory("app", aside: true)));

        // A version whose guest powers off at once: rolled back, the previous VM serves again.
        var failed = await ApplyAsync(App("broken", "images-broken"));
        var outcome = Assert.Single(failed.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        Assert.Contains(outcome.LogTail, line => line.Contains("powering off at once"));
        Assert.Equal(TestImages.IndexPage("v2"), await HttpProbe.GetLocalAsync(_port, timeout: TimeSpan.FromMinutes(3)));
        var restored = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((v2.InstanceId, InstanceState.Running, false), (restored.InstanceId, restored.State, restored.IsAside));

        // By hand: set aside stops the VM and renames its folder; restore starts it again under its name.
        var aside = await _driver.SetAsideAsync(restored, Ct);
        Assert.True(aside.IsAside);
        Assert.False(File.Exists(_driver.PidFile("app")));
        Assert.False(await ConnectsAsync(_port));
        Assert.True(Directory.Exists(_driver.StateDirectory("app", aside: true)));
        Assert.False(Directory.Exists(_driver.StateDirectory("app")));
        var listedAside = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((true, InstanceState.Stopped), (listedAside.IsAside, listedAside.State));
        Assert.Contains(await _driver.ReadLogsAsync("app", 200, Ct), line => line.Contains("power button, shutting down"));
        Assert.Equal(EngineHealth.NotRunning, await _driver.CheckHealthAsync(aside, Ct));

        var back = await _driver.RestoreAsync(aside, Ct);
        Assert.Equal((v2.InstanceId, false), (back.InstanceId, back.IsAside));
        Assert.Equal(EngineHealth.Healthy, await _driver.WaitForHealthAsync(back, Ct));
        Assert.Equal(TestImages.IndexPage("v2"), await HttpProbe.GetLocalAsync(_port));

        // No longer configured: removed, host data kept.
        var removed = await ApplyAsync();
        Assert.True(removed.Succeeded, Describe(removed));
        Assert.Equal(ActionKind.Remove, Assert.Single(removed.Outcomes).Action);
        Assert.Empty(await _driver.ListOwnedAsync(Ct));
        Assert.False(Directory.Exists(_driver.StateDirectory("app")));
        Assert.False(File.Exists(_driver.PidFile("app")));
        Assert.False(await ConnectsAsync(_port));
        Assert.Equal("v2\n", await File.ReadAllTextAsync(Path.Join(Data, "written-by-guest.txt")));
        Assert.Equal(1, _server.RequestCount("/images/guest.img"));
        Assert.Equal(1, _server.RequestCount("/images-v2/guest.img"));
    }

    private static async Task<bool> ConnectsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static string Describe(ReconcileResult result) =>
        string.Join("\n", result.Outcomes.Select(o => $"{o.Name}: {o.Action} {o.Succeeded} {o.Message}\n  {string.Join("\n  ", o.LogTail)}"));

    private sealed class SynchronousProgress(List<ReconcileEvent> events) : IProgress<ReconcileEvent>
    {
        public void Report(ReconcileEvent value)
        {
            lock (events)
            {
                events.Add(value);
            }
        }
    }
}
