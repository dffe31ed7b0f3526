using System.Globalization;
using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// Swarm on the root's private network, through the CLI with a real swarm manager (docs/network.md): its tasks live
/// on the root's second bridge and reach the other services by name; the others reach it by name at the gateway and
/// its port_out. A chain of three proves both ways: <c>web</c> (docker) shows what it fetches from <c>sw</c>, which
/// shows what it fetches from <c>db</c> (docker, an internal port only). <c>sw</c> then moves swarm → docker → swarm by
/// one variable each time, and the chain keeps answering with db's latest data: with port_in = port_out, the same
/// URL reaches it under either technology.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SwarmNetworkTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly int _webPort = TestPorts.FreePort();
    private readonly int _swarmPort = TestPorts.FreePort();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_swarm_service_on_the_private_network_reaches_the_others_by_name_and_is_reached_by_its_own_across_switches()
    {
        var network = TestNetworks.Free();
        var block = TestNetworks.Free();
        var (web, sw, db) = ("web-" + _suffix, "sw-" + _suffix, "db-" + _suffix);
        var swPort = _swarmPort.ToString(CultureInfo.InvariantCulture);
        var image = _deployment.Images.Name("netfetch");
        // /got.html is what the service last fetched from $FROM, renamed into place so it is never half written; each
        // fetch gives up after 3 s, as a real client's would. The server listens on $PORT (8080 unless given).
        await _deployment.Images.PublishAsync(image, "1.0", "fetcher", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do [ -n \"$FROM\" ] && timeout 3 wget -q -O /www/got.tmp \"$FROM\" && mv /www/got.tmp /www/got.html; sleep 1; done & exec /bin/httpd -f -p \"${PORT:-8080}\" -h /www"],
        });
        var data = _deployment.Root.PathOf("srv", db);
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Join(data, "index.html"), "db data before any switch\n");
        await _deployment.ConfigureAsync(
            "nombre_conteneur=3", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr, "reseau_conteneurs_swarm=" + block.Cidr,
            $"conteneur1_name={web}", "conteneur1_type=docker", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={_webPort}",
            $"conteneur1_environnement=FROM=http://{sw}:{swPort}/got.html",
            $"conteneur2_name={sw}", "conteneur2_type=swarm", $"conteneur2_url={image}", "conteneur2_tag=1.0",
            $"conteneur2_repository={RequiredServices.Registry}", $"conteneur2_port_in={swPort}", $"conteneur2_port_out={swPort}",
            $"conteneur3_name={db}", "conteneur3_type=docker", $"conteneur3_url={image}", "conteneur3_tag=1.0",
            $"conteneur3_repository={RequiredServices.Registry}", "conteneur3_mountpoint_in=/www", $"conteneur3_mountpoint_out={data}");
        await _deployment.SucceedAsync("set", "conteneur2_environnement", $"FROM=http://{db}:8080/index.html", $"PORT={swPort}");
        await _deployment.SucceedAsync("set", "conteneur3_port_in", "8080");
        await _deployment.SucceedAsync("set", "conteneur3_port_out", "");
        await _deployment.SucceedAsync("instance");

        // sw's task fetched db by name (the root's DNS, across the two bridges), and web fetched sw by name.
        await _deployment.WaitForPageAsync($"/{sw}/got.html", "db data before any switch", TimeSpan.FromSeconds(60));
        await _deployment.WaitForPageAsync($"/{web}/got.html", "db data before any switch", TimeSpan.FromSeconds(60));
        // The task is on the root's second bridge, in the swarm block; no address of the private network is sw's.
        var bridge = Core.PrivateNetwork.SwarmBridgeName(_deployment.Root.Directory);
        var link = await CliWrap.Cli.Wrap("ip").WithArguments(["-4", "-br", "addr", "show", "dev", bridge]).ExecuteBufferedAsync();
        Assert.Contains(block.Gateway + "/24", link.StandardOutput, StringComparison.Ordinal);
        var status = await _deployment.SucceedAsync("status", "--json");
        Assert.Contains("\"technology\": \"swarm\"", status.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);

        var previous = "swarm";
        foreach (var technology in new[] { "docker", "swarm" })
        {
            var marker = $"db data written under {previous}, before the switch to {technology}";
            await File.WriteAllTextAsync(Path.Join(data, "index.html"), marker + "\n");
            await _deployment.SucceedAsync("set", "conteneur2_type", technology);
            Assert.Contains($"type: {previous} → {technology}", (await _deployment.RunAsync("plan")).StandardOutput, StringComparison.Ordinal);
            await _deployment.SucceedAsync("reconfigure");

            await _deployment.WaitForPageAsync($"/{web}/got.html", marker, TimeSpan.FromSeconds(60));
            Assert.Contains(marker, await _deployment.GetAsync($"/{sw}/got.html"), StringComparison.Ordinal);
            Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
            previous = technology;
        }

        // Off the network, the swarm networks go with the root's others once no task is attached.
        await _deployment.SucceedAsync("set", "activer_reseau_conteneurs", "non");
        await _deployment.SucceedAsync("set", "conteneur3_port_out", "18099");
        await _deployment.SucceedAsync("reconfigure");
        var networks = await CliWrap.Cli.Wrap("docker").WithArguments(["network", "ls", "--format", "{{.Name}}"]).ExecuteBufferedAsync();
        Assert.DoesNotContain(Technologies.Swarm.SwarmDriver.SwarmNetworkNameOf(_deployment.Root.Directory), networks.StandardOutput, StringComparison.Ordinal);
    }
}
