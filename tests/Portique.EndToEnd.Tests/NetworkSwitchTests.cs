using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// Issue #12's proof through the CLI: on the root's private network, <c>web</c> (docker) shows what it fetches from
/// <c>http://db:8080/</c>, and <c>db</c>, with an internal port, moves docker → podman → lxc → vagrant (docker provider) → docker by one
/// variable each time, keeping its name, its address and its data, and listening on no host address itself: its one
/// host port is published by the frontend (nginx stream), whatever its technology.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NetworkSwitchTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly int _port = TestPorts.FreePort();
    private readonly int _dbPort = TestPorts.FreePort();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_database_switched_across_technologies_keeps_its_name_address_and_data_for_the_service_that_reads_it()
    {
        var network = TestNetworks.Free();
        var web = "web-" + _suffix;
        var db = "db-" + _suffix;
        var dbImage = _deployment.Images.Name("netdb");
        var webImage = _deployment.Images.Name("netweb");
        await _deployment.Images.PublishAsync(dbImage, "1.0", "db image");
        // web's /db.html is what it last fetched from http://$DB:8080/ by name, renamed into place so it is never half written.
        // Each fetch gives up after 3 s, as a real client's would: one begun while db was stopped would otherwise wait in
        // TCP's SYN back-off (up to 63 s between tries) long after db's next instance serves.
        await _deployment.Images.PublishAsync(webImage, "1.0", "web image", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do timeout 3 wget -q -O /www/db.tmp \"http://$DB:8080/index.html\" && mv /www/db.tmp /www/db.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www"],
        });
        var data = _deployment.Root.PathOf("srv", db);
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Join(data, "index.html"), "db data written before any switch\n");
        await _deployment.ConfigureAsync(
            "nombre_conteneur=2", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            $"conteneur1_name={web}", "conteneur1_type=docker", $"conteneur1_url={webImage}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={_port}",
            $"conteneur1_environnement=DB={db}",
            $"conteneur2_name={db}", "conteneur2_type=docker", $"conteneur2_url={dbImage}", "conteneur2_tag=1.0",
            $"conteneur2_repository={RequiredServices.Registry}",
            "conteneur2_mountpoint_in=/www", $"conteneur2_mountpoint_out={data}");
        // A first row whose host port is empty (an internal port: `VAR=` alone would empty the whole list), and a
        // second that publishes the same port on the host.
        await _deployment.SucceedAsync("set", "conteneur2_port_in", "8080", "8080");
        await _deployment.SucceedAsync("set", "conteneur2_port_out", "", _dbPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await _deployment.SucceedAsync("instance");
        var address = (await _deployment.SucceedAsync("get", "conteneur2_ip")).StandardOutput.Trim();
        Assert.True(network.IsServiceAddress(address), address);
        await _deployment.WaitForPageAsync($"/{web}/db.html", "db data written before any switch", TimeSpan.FromSeconds(60));
        await AssertPublishedByTheFrontendAsync("db data written before any switch");

        var previous = "docker";
        foreach (var technology in new[] { "podman", "lxc", "vagrant", "docker" })
        {
            var marker = $"db data written under {previous}, before the switch to {technology}";
            await File.WriteAllTextAsync(Path.Join(data, "index.html"), marker + "\n");
            await _deployment.SucceedAsync("set", "conteneur2_type", technology);
            var plan = await _deployment.RunAsync("plan");
            Assert.Contains($"type: {previous} → {technology}", plan.StandardOutput);

            await _deployment.SucceedAsync("reconfigure");

            // Reconfigure announced db's new MAC, which web's own neighbour table would otherwise keep pointing to the
            // previous instance for up to a minute; 15 s was once too short under the CI's load (podman → lxc).
            await _deployment.WaitForPageAsync($"/{web}/db.html", marker, TimeSpan.FromSeconds(45));
            Assert.Equal(address, (await _deployment.SucceedAsync("get", "conteneur2_ip")).StandardOutput.Trim());
            // From the host too (as nginx reaches it), within seconds: reconfigure made the host forget db's previous MAC.
            Assert.Contains(marker, await HttpProbe.GetStringAsync($"http://{address}:8080/index.html", TimeSpan.FromSeconds(10)));
            var status = await _deployment.SucceedAsync("status", "--json");
            Assert.Contains($"\"technology\": \"{technology}\"", status.StandardOutput);
            Assert.Contains($"\"address\": \"{address}\"", status.StandardOutput);
            Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
            // db has only an internal port: nothing of the host's own network namespace listens on 8080.
            var listening = await CliWrap.Cli.Wrap("ss").WithArguments(["-ltnH"]).ExecuteBufferedAsync();
            Assert.DoesNotContain(":8080 ", listening.StandardOutput, StringComparison.Ordinal);
            await AssertPublishedByTheFrontendAsync(marker);
            previous = technology;
        }
    }

    /// <summary>db's host port answers with its data, and what holds it on the host is nginx, not the engine.</summary>
    private async Task AssertPublishedByTheFrontendAsync(string expected)
    {
        Assert.Contains(expected, await HttpProbe.GetStringAsync($"http://127.0.0.1:{_dbPort}/index.html", TimeSpan.FromSeconds(10)));
        var holders = await CliWrap.Cli.Wrap("ss").WithArguments(["-ltnpH", "sport", "=", ":" + _dbPort.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .ExecuteBufferedAsync();
        Assert.Contains("\"nginx\"", holders.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("docker-proxy", holders.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("conmon", holders.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("rootlessport", holders.StandardOutput, StringComparison.Ordinal);
    }
}
