using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.Technologies.Lxc;
using Portique.Technologies.Podman;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>docker services on the root's private network, against the real dockerd, kernel and dnsmasq (docs/network.md).</summary>
public sealed class PrivateNetworkDockerTests : IAsyncLifetime, IDisposable
{
    private readonly TestImages _images = new();
    private readonly TempRoot _temp = new("portique-netd-");
    private readonly PrivateNetwork _network = PrivateBridgeTests.FreeNetwork();
    private PrivateBridge? _bridge;
    private DockerDriver? _driver;
    private Technologies.Lxc.LxcDriver? _lxc;
    private PodmanDriver? _podman;
    private int _nextHost = 19;

    public async Task InitializeAsync()
    {
        await _images.InitializeAsync();
        _bridge = new PrivateBridge(_temp.Root);
        _driver = new DockerDriver(_temp.Root);
        _lxc = new Technologies.Lxc.LxcDriver(_temp.Root);
        _podman = new PodmanDriver(_temp.Root);
    }

    public async Task DisposeAsync()
    {
        foreach (var engine in new IServiceDriver[] { _driver!, _lxc!, _podman! })
        {
            foreach (var instance in await engine.ListOwnedAsync(CancellationToken.None))
            {
                await engine.RemoveAsync(instance, CancellationToken.None);
            }
        }

        try
        {
            await _images.Client.Networks.DeleteNetworkAsync(_driver!.NetworkName);
        }
        catch (Docker.DotNet.DockerNetworkNotFoundException)
        {
            // Never made.
        }

        await _bridge!.RemoveAsync(CancellationToken.None);
        await _images.DisposeAsync();
    }

    public void Dispose()
    {
        _driver?.Dispose();
        _lxc?.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_docker_service_fetches_another_by_name_on_the_private_network_and_the_other_publishes_no_host_port()
    {
        var db = _images.Name("db");
        var web = _images.Name("web");
        var reference = _images.Name("net");
        await _images.BuildAsync(reference + ":db", "db-1");
        // web's page /db.html is what it fetched from http://<db>:8080/ by name, from inside its container; renamed into
        // place, never rewritten in place, so httpd never serves it half written (an empty page).
        await _images.BuildAsync(reference + ":web", "web-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do timeout 3 wget -q -O /www/db.tmp \"http://$DB:8080/index.html\" && mv /www/db.tmp /www/db.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www"],
        });
        var dbSpec = Spec(db, "db", []) with { InternalPorts = [8080] };
        var webSpec = Spec(web, "web", ["DB=" + db]) with { InternalPorts = [8080] };

        await _bridge!.EnsureAsync(_network, [(db, dbSpec.Address!), (web, webSpec.Address!)], CancellationToken.None);
        foreach (var spec in new[] { dbSpec, webSpec })
        {
            var artifact = await _driver!.FetchAsync(spec, refresh: false, new Progress<string>(), CancellationToken.None);
            await _driver.CreateAsync(spec, artifact, CancellationToken.None);
        }

        Assert.Contains(TestImages.IndexPage("db-1"), await HttpProbe.GetStringAsync($"http://{webSpec.Address}:8080/db.html", TimeSpan.FromSeconds(30)));
        // db is reachable at its own address and published nowhere on the host.
        Assert.Contains(TestImages.IndexPage("db-1"), await HttpProbe.GetStringAsync($"http://{dbSpec.Address}:8080/index.html"));
        var inspected = await _images.Client.Containers.InspectContainerAsync(db);
        Assert.Empty(inspected.HostConfig?.PortBindings ?? new Dictionary<string, IList<Docker.DotNet.Models.PortBinding>>());
        Assert.Equal(dbSpec.Address, inspected.NetworkSettings?.Networks?[_driver!.NetworkName].IPAddress);
    }

    [Fact]
    public async Task A_docker_service_fetches_an_lxc_service_by_name_across_technologies()
    {
        var db = _images.Name("ldb");
        var web = _images.Name("lweb");
        var published = await _images.PublishAsync(_images.Name("lnet-db"), "1", "lxc-db-1");
        await _images.BuildAsync(_images.Name("net") + ":web", "web-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do timeout 3 wget -q -O /www/db.tmp \"http://$DB:8080/index.html\" && mv /www/db.tmp /www/db.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www"],
        });
        var dbSpec = TestSpecs.Create(db, LxcModule.Lxc, _images.Name("lnet-db"), "1", repository: RequiredServices.Registry) with
        {
            Address = NextAddress(),
            Network = _network.Cidr,
            InternalPorts = [8080],
        };
        var webSpec = Spec(web, "web", ["DB=" + db]) with { InternalPorts = [8080] };

        await _bridge!.EnsureAsync(_network, [(db, dbSpec.Address!), (web, webSpec.Address!)], CancellationToken.None);
        await _lxc!.CreateAsync(dbSpec, await _lxc.FetchAsync(dbSpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);
        await _driver!.CreateAsync(webSpec, await _driver.FetchAsync(webSpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);

        Assert.StartsWith(RequiredServices.Registry, published, StringComparison.Ordinal);
        Assert.Contains(TestImages.IndexPage("lxc-db-1"), await HttpProbe.GetStringAsync($"http://{webSpec.Address}:8080/db.html", TimeSpan.FromSeconds(60)));
        Assert.Contains(TestImages.IndexPage("lxc-db-1"), await HttpProbe.GetStringAsync($"http://{dbSpec.Address}:8080/index.html"));
    }

    [Fact]
    public async Task A_docker_service_fetches_a_podman_service_by_name_and_podman_publishes_no_host_port()
    {
        var db = _images.Name("pdb");
        var web = _images.Name("pweb");
        await _images.PublishAsync(_images.Name("pnet-db"), "1", "podman-db-1");
        await _images.BuildAsync(_images.Name("net") + ":web", "web-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", "while true; do timeout 3 wget -q -O /www/db.tmp \"http://$DB:8080/index.html\" && mv /www/db.tmp /www/db.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www"],
        });
        var dbSpec = TestSpecs.Create(db, PodmanModule.Podman, _images.Name("pnet-db"), "1", repository: RequiredServices.Registry) with
        {
            Address = NextAddress(),
            Network = _network.Cidr,
            InternalPorts = [8080],
        };
        var webSpec = Spec(web, "web", ["DB=" + db]) with { InternalPorts = [8080] };

        await _bridge!.EnsureAsync(_network, [(db, dbSpec.Address!), (web, webSpec.Address!)], CancellationToken.None);
        await _podman!.CreateAsync(dbSpec, await _podman.FetchAsync(dbSpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);
        await _driver!.CreateAsync(webSpec, await _driver.FetchAsync(webSpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);

        Assert.Contains(TestImages.IndexPage("podman-db-1"), await HttpProbe.GetStringAsync($"http://{webSpec.Address}:8080/db.html", TimeSpan.FromSeconds(60)));
        Assert.Contains(TestImages.IndexPage("podman-db-1"), await HttpProbe.GetStringAsync($"http://{dbSpec.Address}:8080/index.html"));
        var ports = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap("podman").WithArguments(["port", db]).WithValidation(CliWrap.CommandResultValidation.None));
        Assert.Equal(0, ports.ExitCode);
        Assert.Equal("", ports.StandardOutput.Trim());
    }

    [Fact]
    public async Task Two_roots_on_one_host_neither_resolve_nor_reach_each_other_services()
    {
        // Root A: db. Root B: its own db, and web, which tries B's db by name, then A's db by name and by address
        // (busybox's `wget -T` crashes: `timeout` bounds each try).
        var dbA = _images.Name("adb");
        var dbB = _images.Name("bdb");
        var webB = _images.Name("bweb");
        await _images.BuildAsync(_images.Name("net") + ":db", "db-1");
        await _images.BuildAsync(_images.Name("net") + ":probe", "probe-1", new TestImageOptions
        {
            Command = ["/bin/sh", "-c", string.Join(' ',
                "n=0; while true; do n=$((n+1));",
                "timeout 3 wget -q -O /www/own.tmp \"http://$OWN:8080/index.html\" && mv /www/own.tmp /www/own.html;",
                "timeout 3 wget -q -O /www/name.tmp \"http://$OTHER:8080/index.html\" && mv /www/name.tmp /www/other-by-name.html;",
                "timeout 3 wget -q -O /www/address.tmp \"http://$OTHER_ADDRESS:8080/index.html\" && mv /www/address.tmp /www/other-by-address.html;",
                "echo $n > /www/tries.tmp && mv /www/tries.tmp /www/tries.html; sleep 1; done & exec /bin/httpd -f -p 8080 -h /www")],
        });
        var dbASpec = Spec(dbA, "db", []) with { InternalPorts = [8080] };
        using var rootB = new TempRoot("portique-netd-b-");
        var networkB = PrivateBridgeTests.FreeNetwork();
        while (networkB.Cidr == _network.Cidr)
        {
            networkB = PrivateBridgeTests.FreeNetwork();
        }

        var bridgeB = new PrivateBridge(rootB.Root);
        using var driverB = new DockerDriver(rootB.Root);
        ServiceSpec OnB(string name, string tag, int host, IReadOnlyList<string> environment) =>
            TestSpecs.Create(name, DockerModule.Docker, _images.Name("net"), tag, environment: environment) with
            {
                Address = PrivateNetwork.Text(networkB.Network + (uint)host),
                Network = networkB.Cidr,
                InternalPorts = [8080],
            };
        var dbBSpec = OnB(dbB, "db", 20, []);
        var webBSpec = OnB(webB, "probe", 21, ["OWN=" + dbB, "OTHER=" + dbA, "OTHER_ADDRESS=" + dbASpec.Address]);
        try
        {
            await _bridge!.EnsureAsync(_network, [(dbA, dbASpec.Address!)], CancellationToken.None);
            await bridgeB.EnsureAsync(networkB, [(dbB, dbBSpec.Address!), (webB, webBSpec.Address!)], CancellationToken.None);
            await _driver!.CreateAsync(dbASpec, await _driver.FetchAsync(dbASpec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);
            foreach (var spec in new[] { dbBSpec, webBSpec })
            {
                await driverB.CreateAsync(spec, await driverB.FetchAsync(spec, refresh: false, new Progress<string>(), CancellationToken.None), CancellationToken.None);
            }

            // web reaches its own root's db by name (the probe works), and, after three tries, never the other root's.
            var web = $"http://{webBSpec.Address}:8080";
            Assert.Contains(TestImages.IndexPage("db-1"), await HttpProbe.GetStringAsync(web + "/own.html", TimeSpan.FromSeconds(30)));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (int.Parse("0" + (await HttpProbe.GetStringAsync(web + "/tries.html", TimeSpan.FromSeconds(10))).Trim(), System.Globalization.CultureInfo.InvariantCulture) < 3)
            {
                Assert.True(DateTime.UtcNow < deadline, "web never made three tries");
                await Task.Delay(500);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(web + "/other-by-name.html")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(web + "/other-by-address.html")).StatusCode);
            // B's DNS does not know A's service; A's does, and A's db answers the host (so the refusals above are isolation).
            Assert.Null(await TestNetworks.ResolveAsync(networkB.Gateway, dbA));
            Assert.Equal(dbASpec.Address, await TestNetworks.ResolveAsync(_network.Gateway, dbA));
            Assert.Contains(TestImages.IndexPage("db-1"), await HttpProbe.GetStringAsync($"http://{dbASpec.Address}:8080/index.html", TimeSpan.FromSeconds(30)));
        }
        finally
        {
            foreach (var instance in await driverB.ListOwnedAsync(CancellationToken.None))
            {
                await driverB.RemoveAsync(instance, CancellationToken.None);
            }

            try
            {
                await _images.Client.Networks.DeleteNetworkAsync(driverB.NetworkName);
            }
            catch (Docker.DotNet.DockerNetworkNotFoundException)
            {
                // Never made.
            }

            await bridgeB.RemoveAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// A distinct address per service of the test: two random names may hash to one address of a /24 (validation
    /// refuses that in a configuration; these tests build specs directly).
    /// </summary>
    private string NextAddress() => PrivateNetwork.Text(_network.Network + (uint)Interlocked.Increment(ref _nextHost));

    private ServiceSpec Spec(string name, string tag, IReadOnlyList<string> environment) =>
        TestSpecs.Create(name, DockerModule.Docker, _images.Name("net"), tag, environment: environment) with
        {
            Address = NextAddress(),
            Network = _network.Cidr,
        };
}
