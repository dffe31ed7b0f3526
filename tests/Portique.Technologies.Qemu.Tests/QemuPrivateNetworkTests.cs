using CliWrap;
using CliWrap.Buffered;
using Portique.Orchestration;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>
/// A qemu service on the root's private network (docs/network.md), against the real kernel, bridge and dnsmasq: a tap on
/// the bridge instead of user-mode networking, the address by DHCP from the root's dnsmasq (reserved for the MAC the
/// service's name gives), health and traffic on that address, the tap gone once the VM is.
/// </summary>
[Collection(QemuVmCollection.Name)]
public sealed class QemuPrivateNetworkTests : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new("portique-qemu-net-");
    private readonly ImageServer _server = new();
    private readonly Core.PrivateNetwork _network = TestNetworks.Free();
    private PrivateBridge _bridge = null!;
    private QemuDriver _driver = null!;
    private Reconciler _reconciler = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        var images = await GuestImages.GetAsync();
        _server.ServeFile("/images/guest.img", images.V1Raw);
        _server.ServeFile("/images2/guest.img", images.V2Raw);
        _bridge = new PrivateBridge(_root.Root);
        _driver = new QemuDriver(_root.Root, QemuTestOptions.Default);
        _reconciler = new Reconciler([_driver], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(90) });
    }

    public async Task DisposeAsync()
    {
        await QemuCleanup.StopEverythingAsync(_driver);
        await _bridge.RemoveAsync(Ct);
    }

    public void Dispose()
    {
        _driver.Dispose();
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public async Task A_VM_on_the_private_network_takes_its_reserved_address_by_DHCP_answers_there_and_leaves_no_tap()
    {
        var address = _network.AddressFor("vm");
        await _bridge.EnsureAsync(_network, [("vm", address)], [(Core.PrivateNetwork.GuestHardware("vm"), address)], Ct);
        var spec = QemuTestOptions.Spec("vm", "guest.img", "v1", _server.BaseUrl("images")) with
        {
            Address = address,
            Network = _network.Cidr,
            InternalPorts = [8080],
        };

        var created = await _reconciler.ApplyAsync(new DesiredState([spec]), refresh: false, new Progress<ReconcileEvent>(), Ct);

        var outcome = Assert.Single(created.Outcomes);
        Assert.True(outcome.Succeeded, $"{outcome.Message}\n  {string.Join("\n  ", outcome.LogTail)}");
        // Healthy means the driver found the guest's page at the reserved address: DHCP gave it, nothing else could.
        Assert.Equal(TestImages.IndexPage("v1"), await HttpProbe.GetStringAsync($"http://{address}:8080/index.html", TimeSpan.FromSeconds(10)));
        Assert.Contains(await _driver.ReadLogsAsync("vm", 200, Ct), line => line.Contains($"address {address}", StringComparison.Ordinal));
        var tap = Core.PrivateNetwork.TapName(_root.Directory, "vm");
        Assert.Contains($"master {_bridge.Name}", await RunAsync("ip", "-o", "link", "show", "dev", tap), StringComparison.Ordinal);
        Assert.Contains(Core.PrivateNetwork.GuestHardware("vm"), await RunAsync("ip", "neigh", "show", address), StringComparison.Ordinal);
        // user-mode networking is gone: no hostfwd, nothing of the host listens for it.
        Assert.Empty(spec.Ports);

        var removed = await _reconciler.ApplyAsync(new DesiredState([]), refresh: false, new Progress<ReconcileEvent>(), Ct);
        Assert.True(Assert.Single(removed.Outcomes).Succeeded);
        Assert.False(Directory.Exists("/sys/class/net/" + tap), $"the tap {tap} outlived its VM");
    }

    [Fact]
    public async Task A_VM_replaced_without_interruption_starts_beside_as_the_next_name_at_the_second_address_and_the_old_one_served_until_the_switch()
    {
        var first = _network.AddressFor("vm");
        var second = _network.AddressFor("vm.portique-next");
        var desired = new DesiredState([Vm("v1", "images")]);
        await _bridge.EnsureAsync(_network, [("vm", first)], ReconfigureRunner.DhcpHosts(desired), Ct);
        var switches = new List<string>();

        // At the switch both VMs answer, each at its own address: the old one was never stopped.
        async Task SwitchAsync(ServiceSpec target, CancellationToken cancellationToken)
        {
            switches.Add(target.Address!);
            Assert.Equal(TestImages.IndexPage("v1"), await HttpProbe.GetStringAsync($"http://{first}:8080/index.html", TimeSpan.FromSeconds(10), cancellationToken));
            Assert.Equal(TestImages.IndexPage("v2"), await HttpProbe.GetStringAsync($"http://{second}:8080/index.html", TimeSpan.FromSeconds(10), cancellationToken));

            // Each VM's console is read under its own instance name (what a failed switch's rollback reports).
            Assert.Contains(await _driver.ReadLogsAsync("vm.portique-next", 200, cancellationToken), line => line.Contains($"address {second}", StringComparison.Ordinal));
            Assert.DoesNotContain(await _driver.ReadLogsAsync("vm", 200, cancellationToken), line => line.Contains($"address {second}", StringComparison.Ordinal));
        }

        await ApplyAsync(desired, SwitchAsync);
        await ApplyAsync(new DesiredState([Vm("v2", "images2")]), SwitchAsync);

        Assert.Equal([second], switches);
        var next = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal(("vm.portique-next", second, InstanceState.Running), (next.InstanceName, next.Address, next.State));
        Assert.Contains(await _driver.ReadLogsAsync("vm", 200, Ct), line => line.Contains($"address {second}", StringComparison.Ordinal));
        Assert.False(Directory.Exists("/sys/class/net/" + Core.PrivateNetwork.TapName(_root.Directory, "vm")), "the old VM's tap outlived it");

        // The next replacement goes back to the service's own name and first address.
        await ApplyAsync(new DesiredState([Vm("v1", "images")]), SwitchAsync);
        Assert.Equal([second, first], switches);
        var back = Assert.Single(await _driver.ListOwnedAsync(Ct));
        Assert.Equal((null, first), (back.InstanceName, back.Address));
        Assert.Equal(TestImages.IndexPage("v1"), await HttpProbe.GetStringAsync($"http://{first}:8080/index.html", TimeSpan.FromSeconds(10)));
    }

    /// <summary>The service <c>vm</c> on the network with its second address: replaced without interruption.</summary>
    private ServiceSpec Vm(string tag, string folder) => QemuTestOptions.Spec("vm", "guest.img", tag, _server.BaseUrl(folder)) with
    {
        Address = _network.AddressFor("vm"),
        AlternateAddress = _network.AddressFor("vm.portique-next"),
        Network = _network.Cidr,
        InternalPorts = [8080],
    };

    private async Task ApplyAsync(DesiredState desired, Func<ServiceSpec, CancellationToken, Task> switchAsync)
    {
        var (plan, problems, _) = await _reconciler.PlanAsync(desired, Ct);
        Assert.Empty(problems);
        var result = await _reconciler.ApplyAsync(plan, refresh: false, switchAsync, new Progress<ReconcileEvent>(), Ct);
        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Succeeded, $"{outcome.Message}\n  {string.Join("\n  ", outcome.LogTail)}");
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var result = await Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return result.StandardOutput + result.StandardError;
    }
}
