using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// Turning the private network off through the CLI (docs/network.md): the services move to their host ports and keep
/// serving, and what the network was (bridge, rules, dnsmasq, docker's network, podman's declaration) is gone.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NetworkOffTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task Turning_the_network_off_moves_the_services_to_their_host_ports_and_removes_all_it_made()
    {
        var network = TestNetworks.Free();
        var web = "web-" + _suffix;
        var api = "api-" + _suffix;
        var image = _deployment.Images.Name("off");
        await _deployment.Images.PublishAsync(image, "1.0", "served on and off the network");
        await _deployment.ConfigureAsync(
            "nombre_conteneur=2", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            $"conteneur1_name={web}", "conteneur1_type=docker", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={TestPorts.FreePort()}",
            $"conteneur2_name={api}", "conteneur2_type=podman", $"conteneur2_url={image}", "conteneur2_tag=1.0",
            $"conteneur2_repository={RequiredServices.Registry}", "conteneur2_port_in=8080", $"conteneur2_port_out={TestPorts.FreePort()}");
        await _deployment.SucceedAsync("instance");
        var tag = Core.PrivateNetwork.RootTag(_deployment.Root.Directory);
        var bridge = new Orchestration.PrivateBridge(_deployment.Root.Root);
        var conflist = _deployment.Root.PathOf("etc", "portique", "podman", "networks", $"portique-{tag}.conflist");
        Assert.True(await bridge.ExistsAsync(CancellationToken.None));
        Assert.True(await DockerNetworkExistsAsync(tag));
        Assert.True(File.Exists(conflist));
        Assert.Contains("served on and off the network", await _deployment.GetAsync($"/{web}/"));

        await _deployment.SucceedAsync("set", "activer_reseau_conteneurs", "non");
        var plan = await _deployment.RunAsync("plan");
        Assert.Contains("ip: ", plan.StandardOutput);
        var reconfigure = await _deployment.SucceedAsync("reconfigure");

        Assert.Contains(bridge.Name, reconfigure.StandardOutput);
        Assert.False(await bridge.ExistsAsync(CancellationToken.None));
        Assert.False(await DockerNetworkExistsAsync(tag));
        Assert.False(File.Exists(conflist));
        Assert.DoesNotContain(tag, (await Run("iptables", "-w", "-S")).StandardOutput);
        Assert.DoesNotContain(tag, (await Run("iptables", "-w", "-t", "nat", "-S")).StandardOutput);
        Assert.DoesNotContain(_deployment.Root.Directory, (await Run("pgrep", "-af", "dnsmasq")).StandardOutput);
        foreach (var name in new[] { web, api })
        {
            Assert.Contains("served on and off the network", await _deployment.GetAsync($"/{name}/"));
        }

        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
        // A second run finds nothing to remove and says nothing of it.
        Assert.DoesNotContain(bridge.Name, (await _deployment.SucceedAsync("reconfigure")).StandardOutput);
    }

    private static async Task<bool> DockerNetworkExistsAsync(string tag) =>
        (await Run("docker", "network", "inspect", "portique-" + tag)).ExitCode == 0;

    private static Task<BufferedCommandResult> Run(string program, params string[] arguments) =>
        CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync();
}
