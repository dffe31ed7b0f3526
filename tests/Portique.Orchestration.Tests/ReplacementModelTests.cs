using Portique.Core;
using Portique.Planning;

namespace Portique.Orchestration.Tests;

/// <summary>conteneurN_remplacement and conteneurN_ip_remplacement as the desired state reads them (docs/replacement.md).</summary>
public class ReplacementModelTests
{
    private static readonly PrivateNetwork Network = PrivateNetwork.TryParse("10.231.0.0/16", out _)!;

    private static (DesiredState Desired, IReadOnlyList<Diagnostic> Problems) Validate(params (string, string[])[] values)
    {
        using var sandbox = new Sandbox();
        sandbox.Store(values);
        var report = sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());
        return (report.Desired, report.Problems);
    }

    private static readonly (string, string[])[] NetworkOn = [("activer_reseau_conteneurs", ["oui"]), ("reseau_conteneurs", ["10.231.0.0/16"])];

    /// <summary>A qemu service: a disk image from a download server, and no port_out on the network (an internal port).</summary>
    private static readonly (string, string[])[] QemuVm =
        [.. Sandbox.Container(1, "vm", 18081), ("conteneur1_url", ["vm.qcow2"]), ("conteneur1_repository", ["http://127.0.0.1:8000/"]), ("conteneur1_port_out", [""])];

    private static readonly (string, string[])[] Volume = [("conteneur1_mountpoint_in", ["/data"]), ("conteneur1_mountpoint_out", ["/srv/web"])];

    [Fact]
    public void On_the_network_a_service_without_volumes_is_replaced_without_interruption_at_a_second_address_computed_from_its_name()
    {
        var (desired, problems) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081)]);

        Assert.Empty(problems);
        var spec = Assert.Single(desired.Services);
        Assert.Equal(ReplacementOrder.StartFirst, spec.Replacement);
        Assert.Equal(Network.AddressFor("web.portique-next"), spec.AlternateAddress);
        Assert.NotEqual(spec.Address, spec.AlternateAddress);
        // Either address is the same service: the hash does not depend on it being the first or the second.
        Assert.Equal(spec.SpecHash(), spec.AtAlternateAddress().AtAlternateAddress().SpecHash());
    }

    [Fact]
    public void A_service_with_volumes_stops_first_by_default_and_starts_first_only_when_asked()
    {
        var (byDefault, _) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), .. Volume]);
        Assert.Equal((ReplacementOrder.StopFirst, null), (byDefault.Services[0].Replacement, byDefault.Services[0].AlternateAddress));

        var (asked, problems) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), .. Volume, ("conteneur1_remplacement", ["sans_coupure"])]);
        Assert.Empty(problems);
        Assert.Equal(ReplacementOrder.StartFirst, asked.Services[0].Replacement);

        var (refused, _) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), ("conteneur1_remplacement", ["arret_prealable"])]);
        Assert.Equal(ReplacementOrder.StopFirst, refused.Services[0].Replacement);
    }

    [Fact]
    public void Off_the_network_the_default_stops_first_and_asking_for_sans_coupure_is_refused_naming_the_network_variable()
    {
        var (byDefault, none) = Validate(Sandbox.Container(1, "web", 18081));
        Assert.Empty(none);
        Assert.Equal(ReplacementOrder.StopFirst, byDefault.Services[0].Replacement);

        var (_, problems) = Validate([.. Sandbox.Container(1, "web", 18081), ("conteneur1_remplacement", ["sans_coupure"])]);
        var problem = Assert.Single(problems);
        Assert.Equal("conteneur1_remplacement", problem.Subject);
        Assert.Contains("activer_reseau_conteneurs=oui", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vagrant")]
    [InlineData("qemu")]
    public void Every_technology_on_the_network_is_replaced_without_interruption_by_default(string technology)
    {
        var (desired, problems) = Validate([.. NetworkOn, .. technology == "qemu" ? QemuVm : Sandbox.Container(1, "web", 18081), ("conteneur1_type", [technology])]);

        Assert.Empty(problems);
        Assert.Equal(ReplacementOrder.StartFirst, desired.Services[0].Replacement);
    }

    [Fact]
    public void A_technology_that_cannot_start_beside_is_refused_naming_the_variable_when_asked()
    {
        // Off the network, swarm and snap run; asking them for sans_coupure there is refused for the network first.
        var (_, problems) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), ("conteneur1_type", ["swarm"]), ("conteneur1_remplacement", ["sans_coupure"])]);
        var problem = Assert.Single(problems, p => p.Subject == "conteneur1_remplacement");
        Assert.Contains("swarm", problem.Message, StringComparison.Ordinal);
        Assert.All(["docker", "docker+git", "lxc", "podman", "vagrant", "qemu"], t => Assert.Contains(t, problem.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_whose_two_computed_addresses_coincide_gets_the_next_address_as_its_second()
    {
        // Found by the end-to-end tests: on 10.252.178.0/24 "web-703bee" and "web-703bee.portique-next" hash alike.
        var network = PrivateNetwork.TryParse("10.252.178.0/24", out _)!;
        Assert.Equal(network.AddressFor("web-703bee"), network.AddressFor("web-703bee.portique-next"));

        var second = network.ReplacementAddressFor("web-703bee");
        Assert.NotEqual(network.AddressFor("web-703bee"), second);
        Assert.True(network.IsServiceAddress(second), second);
        // Names that do not coincide keep the address they always had.
        Assert.Equal(network.AddressFor("web.portique-next"), network.ReplacementAddressFor("web"));

        var (desired, problems) = Validate([("activer_reseau_conteneurs", ["oui"]), ("reseau_conteneurs", ["10.252.178.0/24"]), .. Sandbox.Container(1, "web-703bee", 18081)]);
        Assert.Empty(problems);
        Assert.Equal(second, desired.Services[0].AlternateAddress);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("SANS_COUPURE")]
    [InlineData("sans coupure")]
    public void A_value_outside_the_two_orders_is_refused_naming_the_variable(string value)
    {
        var (_, problems) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), ("conteneur1_remplacement", [value])]);
        var problem = Assert.Single(problems);
        Assert.Equal("conteneur1_remplacement", problem.Subject);
        Assert.Contains("arret_prealable", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_address_another_service_already_has_is_refused_and_a_pinned_one_is_taken_as_is()
    {
        var alternate = Network.AddressFor("web.portique-next");
        var (_, problems) = Validate([("nombre_conteneur", ["2"]), .. NetworkOn, .. Sandbox.Container(1, "web", 18081), .. Sandbox.Container(2, "db", 18082),
            ("conteneur2_ip", [alternate])]);
        var problem = Assert.Single(problems);
        Assert.Contains(alternate, problem.Message, StringComparison.Ordinal);
        Assert.Contains("conteneur1_ip_remplacement", problem.Subject + problem.Message, StringComparison.Ordinal);

        var (pinned, none) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), ("conteneur1_ip_remplacement", ["10.231.7.7"])]);
        Assert.Empty(none);
        Assert.Equal("10.231.7.7", pinned.Services[0].AlternateAddress);

        var (_, outside) = Validate([.. NetworkOn, .. Sandbox.Container(1, "web", 18081), ("conteneur1_ip_remplacement", ["10.232.0.1"])]);
        Assert.Equal("conteneur1_ip_remplacement", Assert.Single(outside).Subject);
    }
    [Fact]
    public void After_a_rollback_a_name_follows_the_one_running_instance_wherever_it_lives_and_nothing_else_moves()
    {
        var (desired, problems) = Validate([.. NetworkOn, ("nombre_conteneur", ["3"]), .. Sandbox.Container(1, "web", 18081), .. Sandbox.Container(2, "api", 18082), .. Sandbox.Container(3, "db", 18083)]);
        Assert.Empty(problems);
        var (web, api, db) = (desired.Services[0], desired.Services[1], desired.Services[2]);
        static ObservedService Instance(ServiceSpec spec, InstanceState state, bool aside = false) => new()
        {
            Name = spec.Name,
            Technology = spec.Technology,
            State = state,
            IsAside = aside,
            SpecHash = spec.SpecHash(),
            SpecJson = spec.CanonicalJson(),
        };
        var routes = desired.Services.ToDictionary(s => s.Name, s => s.Address!);

        var restored = ReconfigureRunner.RestoredRoutes(
            desired,
            [
                Instance(web.AtAlternateAddress(), InstanceState.Running), // put back at its second address
                Instance(api.AtAlternateAddress(), InstanceState.Stopped), // not serving: its route stays
                Instance(db, InstanceState.Running), // where its route already points
                Instance(db.AtAlternateAddress(), InstanceState.Running, aside: true),
            ],
            routes);

        Assert.Equal([("web", web.AlternateAddress!)], restored);
    }
    [Fact]
    public void A_running_vm_keeps_its_dhcp_reservation_where_it_lives_even_when_its_service_no_longer_asks_for_that_address()
    {
        var (desired, problems) = Validate([.. NetworkOn, .. QemuVm, ("conteneur1_type", ["qemu"]), ("conteneur1_remplacement", ["arret_prealable"])]);
        Assert.Empty(problems);
        var spec = Assert.Single(desired.Services);
        Assert.Null(spec.AlternateAddress);
        var second = Network.ReplacementAddressFor("vm");
        // Put back by a rollback: the VM started beside earlier, still NAME.portique-next at the second address.
        var restored = new ObservedService
        {
            Name = "vm",
            InstanceName = "vm.portique-next",
            Technology = spec.Technology,
            State = InstanceState.Running,
            SpecHash = spec.SpecHash(),
            SpecJson = (spec with { Address = second }).CanonicalJson(),
        };
        (string, string) Reservation(string name, string address) => (PrivateNetwork.GuestHardware(name), address);

        Assert.Equal([Reservation("vm", spec.Address!)], ReconfigureRunner.DhcpHosts(desired));
        Assert.Equal([Reservation("vm", spec.Address!), Reservation("vm.portique-next", second)], ReconfigureRunner.DhcpHosts(desired, [restored]));
        // Stopped, set aside, or at an address already reserved: nothing more.
        Assert.Equal(
            [Reservation("vm", spec.Address!)],
            ReconfigureRunner.DhcpHosts(desired, [restored with { State = InstanceState.Stopped }, restored with { IsAside = true }, restored with { SpecJson = spec.CanonicalJson() }]));
    }
}
