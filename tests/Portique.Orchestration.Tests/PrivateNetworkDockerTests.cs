using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>docker services on the root's private network, against the real dockerd, kernel and dnsmasq (docs/network.md).</summary>
public sealed class PrivateNetworkDockerTests : IAsyncLifetime, IDisposable
{
    private readonly TestImages images = new();
    private readonly TempRoot temp = new("portique-netd-");
    private readonly PrivateNetwork network = PrivateBridgeTests.FreeNetwork();
    private PrivateBridge? bridge;
    private DockerDriver? driver;
    private Technologies.Lxc.LxcDriver? lxc;

    public async Task InitializeAsync()
    {
        await images.InitializeAsync();
        bridge = new PrivateBridge(temp.Root);
        driver = new DockerDriver(temp.Root);
        lxc = new Technologies.Lxc.LxcDriver(temp.Root);
    }

    public async Task DisposeAsync()
    {
        foreach (var engine in new IServiceDriver[] { driver!, lxc! })
        {
            foreach (var instance in await engine.ListOwnedAsync(CancellationToken.None))
            {
                await engine.RemoveAsync(instance, CancellationToken.None);
            }
        }

        try
        {
            await images.Client.Networks.DeleteNetworkAsync(driver!.NetworkName);
        }
        catch (Docker.DotNet.DockerNetworkNotFoundException)
        {
            // Never made.
        }

        await bridge!.RemoveAsync(CancellationToken.None);
        await images.DisposeAsync();
    }

    public void Dispose()
    {
        driver?.Dispose();
        lxc?.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task A_docker_service_fetches_another_by_name_on_the_private_network_and_the_other_publishes_no_host_port()
    {
        var db = images.Name("db");
        var web = images.Name("web");
        var reference = images.Name("net");
        await images.BuildAsync(reference + ":db", "db-1");
        // web's page /db.html is what it fetched from http://<db>:8080/ by name, from inside its container; renamed into
        // place, never rewritten in place, so httpd never serves it half written (an empty page).
        await images.BuildAsync(reference + ":web", "web-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do wget -q -O /www/db.tmp \"http://$DB:8080/index.html\" && mv /www/db.tmp /www/db.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www"],
        });
        var dbSpec = Spec(db, "db", []) with { InternalPorts = [8080] };
        var webSpec = Spec(web, "web", ["DB=" + db]) with { InternalPorts = [8080] };

        await bridge!.EnsureAsync(network, [(db, dbSpec.Address!), (web, webSpec.Address!)], CancellationToken.None);
        foreach (var spec in new[] { dbSpec, webSpec })
        {
            var artifact = await driver!.FetchAsync(spec, refresh: false, new Progress<string>(), CancellationToken.None);
            await driver.CreateAsync(spec, artifact, CancellationToken.None);
        }

        Assert.Contains(TestImages.IndexPage("db-1"), await HttpProbe.GetStringAsync($"http://{webSpec.Address}:8080/db.html", TimeSpan.FromSeconds(30)));
        // db is reachable at its own address and published nowhere on the host.
        Assert.Contains(TestImages.IndexPage("db-1"), await HttpProbe.GetStringAsync($"http://{dbSpec.Address}:8080/index.html"));
        var inspected = await images.Client.Containers.InspectContainerAsync(db);
        Assert.Empty(inspected.HostConfig?.PortBindings ?? new Dictionary<string, IList<Docker.DotNet.Models.PortBinding>>());
        Assert.Equal(dbSpec.Address, inspected.NetworkSettings?.Networks?[driver!.NetworkName].IPAddress);
    }

    [Fact]
    public async Task A_docker_service_fetches_an_lxc_service_by_name_across_technologies()
    {
        var db = images.Name("ldb");
        var web = images.Name("lweb");
        var published = await images.PublishAsync(images.Name("lnet-db"), "1", "lxc-db-1");
        await images.BuildAsync(images.Name("net") + ":web", "web-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do wget -q -O /www/db.tmp \"http://$DB:8080/index.html\" && mv /www/db.tmp /www/db.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www"],
        });
        var dbSpec = TestSpecs.Create(db, Technology.Lxc, images.Name("lnet-db"), "1", repository: RequiredServices.Registry) with
        {
            Address = network.AddressFor(db),
            Network = network.Cidr,
            InternalPorts = [8080],
        };
        var webSpec = Spec(web, "web", ["DB=" + db]) with { InternalPorts = [8080] };

        await bridge!.EnsureAsync(network, [(db, dbSpec.Address!), (web, webSpec.Address!)], CancellationToken.None);
        await lxc!.CreateAsync(dbSpec, await lxc.FetchAsync(dbSpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);
        await driver!.CreateAsync(webSpec, await driver.FetchAsync(webSpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);

        Assert.StartsWith(RequiredServices.Registry, published, StringComparison.Ordinal);
        Assert.Contains(TestImages.IndexPage("lxc-db-1"), await HttpProbe.GetStringAsync($"http://{webSpec.Address}:8080/db.html", TimeSpan.FromSeconds(60)));
        Assert.Contains(TestImages.IndexPage("lxc-db-1"), await HttpProbe.GetStringAsync($"http://{dbSpec.Address}:8080/index.html"));
    }

    private ServiceSpec Spec(string name, string tag, IReadOnlyList<string> environment) =>
        TestSpecs.Create(name, Technology.Docker, images.Name("net"), tag, environment: environment) with
        {
            Address = network.AddressFor(name),
            Network = network.Cidr,
        };
}
