using Portique.Core;

namespace Portique.Planning.Tests;

public class PrivateNetworkTests
{
    private static PrivateNetwork Parse(string text) =>
        PrivateNetwork.TryParse(text, out var problem) ?? throw new InvalidOperationException(problem.ToString());

    [Theory]
    [InlineData("10.231.0.0/16", "10.231.0.1", 49150u, "255.255.0.0")]
    [InlineData("192.0.2.0/24", "192.0.2.1", 190u, "255.255.255.0")]
    [InlineData("172.31.255.192/26", "172.31.255.193", 46u, "255.255.255.192")]
    [InlineData("10.0.0.0/8", "10.0.0.1", 12582910u, "255.0.0.0")]
    public void A_network_in_CIDR_form_gives_its_gateway_netmask_and_the_addresses_services_may_have(string cidr, string gateway, uint services, string netmask)
    {
        var network = Parse(cidr);
        Assert.Equal((cidr, gateway, services, netmask), (network.Cidr, network.Gateway, network.ServiceCount, network.Netmask));
    }

    [Theory]
    [InlineData("10.231.0.0", PrivateNetworkProblem.NotCidr)]
    [InlineData("10.231.0.0/33", PrivateNetworkProblem.NotCidr)]
    [InlineData("10.231.0.0/+16", PrivateNetworkProblem.NotCidr)]
    [InlineData("10.231.0.0/016", PrivateNetworkProblem.NotCidr)]
    [InlineData("10.231.0.256/24", PrivateNetworkProblem.NotCidr)]
    [InlineData("10.231.0.1/16", PrivateNetworkProblem.HostBitsSet)]
    [InlineData("10.0.0.0/7", PrivateNetworkProblem.PrefixOutOfRange)]
    [InlineData("10.0.0.0/6", PrivateNetworkProblem.HostBitsSet)]
    [InlineData("12.0.0.0/7", PrivateNetworkProblem.PrefixOutOfRange)]
    [InlineData("10.231.0.0/27", PrivateNetworkProblem.PrefixOutOfRange)]
    [InlineData("127.0.0.0/8", PrivateNetworkProblem.Reserved)]
    [InlineData("169.254.0.0/16", PrivateNetworkProblem.Reserved)]
    [InlineData("224.0.0.0/8", PrivateNetworkProblem.Reserved)]
    [InlineData("0.0.0.0/8", PrivateNetworkProblem.Reserved)]
    public void A_text_that_is_not_a_usable_network_is_refused_with_its_reason(string text, PrivateNetworkProblem expected)
    {
        Assert.Null(PrivateNetwork.TryParse(text, out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void A_service_address_depends_only_on_the_name_and_lies_between_the_gateway_and_the_reserved_quarter()
    {
        var network = Parse("10.231.0.0/16");
        var names = Enumerable.Range(0, 500).Select(i => "service-" + i).ToArray();
        var addresses = names.Select(network.AddressFor).ToArray();

        Assert.Equal(addresses, names.Select(Parse("10.231.0.0/16").AddressFor));
        Assert.All(addresses, a => Assert.True(network.IsServiceAddress(a), a));
        Assert.DoesNotContain(network.Gateway, addresses);
        // Spread over the network, not piled up: 500 names take almost 500 addresses of 49150.
        Assert.True(addresses.Distinct(StringComparer.Ordinal).Count() >= 495);
        Assert.Equal("10.231.147.58", network.AddressFor("db"));
    }

    [Theory]
    [InlineData("10.231.0.0", false)]
    [InlineData("10.231.0.1", false)]
    [InlineData("10.231.0.2", true)]
    [InlineData("10.231.191.255", true)]
    [InlineData("10.231.192.0", false)]
    [InlineData("10.232.0.5", false)]
    [InlineData("10.231.0.02x", false)]
    public void Only_addresses_between_the_gateway_and_the_reserved_quarter_are_service_addresses(string address, bool expected) =>
        Assert.Equal(expected, Parse("10.231.0.0/16").IsServiceAddress(address));

    [Fact]
    public void Networks_that_share_an_address_overlap()
    {
        var network = Parse("10.231.0.0/16");
        Assert.True(PrivateNetwork.TryParseAddress("10.231.4.0", out var inside));
        Assert.True(PrivateNetwork.TryParseAddress("10.0.0.0", out var wide));
        Assert.True(PrivateNetwork.TryParseAddress("10.232.0.0", out var beside));
        Assert.True(network.Overlaps(inside, 24));
        Assert.True(network.Overlaps(wide, 8));
        Assert.False(network.Overlaps(beside, 16));
    }

    [Fact]
    public void Each_root_has_its_own_bridge_name_within_the_kernel_limit()
    {
        var first = PrivateNetwork.BridgeName("/");
        var second = PrivateNetwork.BridgeName("/tmp/portique-root");
        Assert.NotEqual(first, second);
        Assert.Equal(first, PrivateNetwork.BridgeName("/"));
        Assert.Matches("^ptq-[0-9a-f]{8}$", first);
        Assert.True(first.Length <= 15);
    }

    [Fact]
    public void Routes_of_other_devices_that_share_an_address_overlap_and_the_default_route_and_its_own_bridge_do_not()
    {
        var network = Parse("10.231.0.0/16");
        (string, string)[] routes =
        [
            ("default", "eth0"),
            ("0.0.0.0/0", "eth1"),
            ("10.231.0.0/16", "ptq-0123abcd"),
            ("10.231.5.0/24", "eth0"),
            ("10.0.0.0/8", "wg0"),
            ("10.231.9.9", ""),
            ("10.232.0.0/16", "docker0"),
            ("172.17.0.0/16", "docker0"),
            ("10.231.0.0/99", "odd"),
            ("fe80::/64", "eth0"),
        ];

        Assert.Equal(["10.231.5.0/24 (eth0)", "10.0.0.0/8 (wg0)", "10.231.9.9"], network.OverlappingRoutes(routes, "ptq-0123abcd"));
    }
}
