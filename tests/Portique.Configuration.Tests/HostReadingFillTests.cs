using Portique.Core;
using static Portique.Configuration.Tests.Dictionaries;

namespace Portique.Configuration.Tests;

/// <summary>
/// EOLE's fills that read the host (issue 11): <c>auto_eth</c>, <c>auto_netmask</c>, <c>auto_broadcast</c>,
/// <c>calc_or_auto_network</c>, <c>calc_or_auto_broadcast</c>, <c>auto_defaultgw_ip</c>, computed from the kernel's
/// <c>/proc/net/route</c> and <c>/proc/net/fib_trie</c> under the root (here a temporary root with such files).
/// </summary>
public sealed class HostReadingFillTests : IDisposable
{
    // eth0 is 192.168.10.25/24 (gateway 192.168.10.1), eth1 10.1.0.7/16, as the kernel writes them.
    private const string Route =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        + "eth0\t00000000\t010AA8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
        + "eth0\t000AA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
        + "eth1\t0000010A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

    private const string FibTrie = """
        Main:
          +-- 0.0.0.0/0 3 0 5
             |-- 0.0.0.0
                /0 universe UNICAST
             +-- 10.1.0.0/16 2 0 2
                |-- 10.1.0.0
                   /16 link UNICAST
                |-- 10.1.0.7
                   /32 host LOCAL
             +-- 127.0.0.0/8 2 0 2
                |-- 127.0.0.1
                   /32 host LOCAL
             +-- 192.168.10.0/24 2 0 2
                |-- 192.168.10.0
                   /24 link UNICAST
                |-- 192.168.10.25
                   /32 host LOCAL
        """;

    private const string Variables =
        "<family name='interface_0'><variable name='eth0_method'><value>dhcp</value></variable>"
        + "<variable name='adresse_ip_eth0' type='ip'/><variable name='adresse_netmask_eth0' type='netmask'/>"
        + "<variable name='adresse_broadcast_eth0' type='broadcast'/><variable name='adresse_network_eth0' type='network'/>"
        + "<variable name='adresse_ip_gw' type='ip'><value>10.9.9.9</value></variable></family>";

    private const string Fills =
        "<fill name='auto_eth' target='adresse_ip_eth0'><param>eth0</param><param name='condition'>dhcp</param><param type='eole' name='parametre'>eth0_method</param></fill>"
        + "<fill name='auto_netmask' target='adresse_netmask_eth0'><param>eth0</param><param name='condition'>dhcp</param><param type='eole' name='parametre'>eth0_method</param></fill>"
        + "<fill name='auto_broadcast' target='adresse_broadcast_eth0'><param>eth0</param><param name='condition'>dhcp</param><param type='eole' name='parametre'>eth0_method</param></fill>"
        + "<fill name='calc_or_auto_network' target='adresse_network_eth0'><param>eth0</param><param name='condition'>dhcp</param><param type='eole' name='parametre'>eth0_method</param>"
        + "<param type='eole' name='ip'>adresse_ip_eth0</param><param type='eole' name='netmask'>adresse_netmask_eth0</param></fill>"
        + "<fill name='auto_defaultgw_ip' target='adresse_ip_gw'><param type='eole'>eth0_method</param></fill>";

    private readonly TemporaryFolder _root = new();

    public HostReadingFillTests()
    {
        _root.Write("proc/net/route", Route);
        _root.Write("proc/net/fib_trie", FibTrie);
    }

    public void Dispose() => _root.Dispose();

    private EvaluatedConfiguration Evaluate(params (string Name, object Value)[] values) =>
        One(Variables, Fills).WithHost(new EoleHost(new PortiqueRoot(_root.Path))).Evaluate(values);

    [Fact]
    public void An_interface_configured_by_dhcp_takes_the_hosts_address_netmask_broadcast_network_and_gateway()
    {
        var configuration = Evaluate();

        Assert.Equal(["192.168.10.25"], configuration.Variable("adresse_ip_eth0").Values);
        Assert.Equal(["255.255.255.0"], configuration.Variable("adresse_netmask_eth0").Values);
        Assert.Equal(["192.168.10.255"], configuration.Variable("adresse_broadcast_eth0").Values);
        Assert.Equal(["192.168.10.0"], configuration.Variable("adresse_network_eth0").Values);
        Assert.Equal(["192.168.10.1"], configuration.Variable("adresse_ip_gw").Values);
        Assert.Empty(configuration.Validate());
    }

    [Fact]
    public void A_static_interface_reads_nothing_from_the_host_and_calc_or_auto_computes_from_the_values()
    {
        var configuration = Evaluate(("eth0_method", "statique"), ("adresse_ip_eth0", "172.16.3.4"), ("adresse_netmask_eth0", "255.255.0.0"));

        Assert.Equal(["172.16.3.4"], configuration.Variable("adresse_ip_eth0").Values);
        Assert.Empty(configuration.Variable("adresse_broadcast_eth0").Values);
        Assert.Equal(["172.16.0.0"], configuration.Variable("adresse_network_eth0").Values);
        Assert.Equal(["10.9.9.9"], configuration.Variable("adresse_ip_gw").Values);
    }

    [Fact]
    public void Another_interface_is_found_by_its_name_and_an_unknown_one_gives_no_value()
    {
        var host = new EoleHost(new PortiqueRoot(_root.Path));

        Assert.Equal(new HostAddress("10.1.0.7", "255.255.0.0"), host.Address("eth1"));
        Assert.Null(host.Address("eth9"));
    }

    [Fact]
    public void Without_the_kernel_files_the_fills_give_no_value_and_the_default_applies()
    {
        using var empty = new TemporaryFolder();
        var configuration = One(Variables, Fills).WithHost(new EoleHost(new PortiqueRoot(empty.Path))).Evaluate();

        Assert.Empty(configuration.Variable("adresse_ip_eth0").Values);
        Assert.Equal(["10.9.9.9"], configuration.Variable("adresse_ip_gw").Values);
    }
}

/// <summary><c>auto_frozen_if_in</c>: frozen as <c>frozen_if_in</c>, once the server is instantiated (EOLE's <c>/etc/eole/.instance</c>).</summary>
public sealed class AutoFrozenTests : IDisposable
{
    private readonly TemporaryFolder _root = new();

    public void Dispose() => _root.Dispose();

    private EvaluatedVariable Target(string mode) =>
        One("<family name='f'><variable name='mode'/><variable name='cible'/></family>",
            "<condition name='auto_frozen_if_in' source='mode'><param>oui</param><target type='variable'>cible</target></condition>")
            .WithHost(new EoleHost(new PortiqueRoot(_root.Path))).Evaluate(("mode", mode)).Variable("cible");

    [Fact]
    public void Before_the_first_instance_an_auto_frozen_variable_is_editable() =>
        Assert.False(Target("oui").Frozen);

    [Fact]
    public void Once_instantiated_it_is_frozen_when_the_source_is_one_of_the_params()
    {
        _root.Write("etc/eole/.instance", "");

        Assert.True(Target("oui").Frozen);
        Assert.False(Target("non").Frozen);
    }
}

/// <summary><c>is_instanciate</c> and <c>get_version</c>: read from EOLE's files under the root.</summary>
public sealed class EoleStateFillTests : IDisposable
{
    private readonly TemporaryFolder _root = new();

    public void Dispose() => _root.Dispose();

    private EvaluatedConfiguration Evaluate() =>
        One("<family name='f'><variable name='module_instancie'><value>non</value></variable><variable name='eole_release'/></family>",
            "<auto name='is_instanciate' target='module_instancie'/><fill name='get_version' target='eole_release'><param>EOLE_RELEASE</param></fill>")
            .WithHost(new EoleHost(new PortiqueRoot(_root.Path))).Evaluate();

    [Fact]
    public void Module_instancie_is_oui_once_the_instance_marker_exists_and_the_release_is_read_from_etc_eole_release()
    {
        Assert.Equal(["non"], Evaluate().Variable("module_instancie").Values);
        Assert.Empty(Evaluate().Variable("eole_release").Values);

        _root.Write("etc/eole/.instance", "");
        _root.Write("etc/eole/release", "EOLE_MODULE=amon\nEOLE_VERSION=2.6\nEOLE_RELEASE=\"2.6.2\"\n");

        Assert.Equal(["oui"], Evaluate().Variable("module_instancie").Values);
        Assert.Equal(["2.6.2"], Evaluate().Variable("eole_release").Values);
    }
}
