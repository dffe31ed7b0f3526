using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Lxc.Tests;

/// <summary>
/// Shared by the lxc tests: checks the registry, dockerd (which builds and pushes the test images) and the lxc tools
/// are there (failing, never skipping, when not), publishes the test images to the local registry, and on dispose
/// stops and deletes every container and port proxy of the roots it handed drivers for.
/// </summary>
public sealed class LxcFixture : IAsyncLifetime
{
    private readonly List<LxcDriver> _drivers = [];

    public TestImages Images { get; } = new();

    /// <summary><c>RUNID-web</c>: busybox httpd on 8080 serving <c>/www</c>; tag 1 says "lxc-1", tag 2 "lxc-2".</summary>
    public string Web => Images.Name("web");

    /// <summary><c>RUNID-writer:1</c>: writes $PORTIQUE_TEST_MESSAGE into $PORTIQUE_TEST_OUTPUT, then serves HTTP.</summary>
    public string Writer => Images.Name("writer");

    /// <summary><c>RUNID-crash:1</c>: prints "crashing on purpose" on stderr and exits 1.</summary>
    public string Crash => Images.Name("crash");

    /// <summary><c>RUNID-ticker:1</c>: "error line" on stderr, "line 1".."line 20", then "tick N" every 200 ms.</summary>
    public string Ticker => Images.Name("ticker");

    public async Task InitializeAsync()
    {
        await RequiredServices.RegistryAsync();
        await LxcRequirements.CheckAsync();
        await Images.InitializeAsync();
        await Images.PublishAsync(Web, "1", "lxc-1");
        await Images.PublishAsync(Web, "2", "lxc-2");
        await Images.PublishAsync(Writer, "1", "writer-1", TestImageOptions.WritingEnvironmentToFile);
        await Images.PublishAsync(Crash, "1", "crash-1", TestImageOptions.Crashing);
        await Images.PublishAsync(Ticker, "1", "ticker-1", new TestImageOptions
        {
            Command =
            [
                "/bin/sh", "-c",
                "echo 'error line' >&2; i=0; while [ $i -lt 20 ]; do i=$((i+1)); echo \"line $i\"; done; "
                + "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var driver in _drivers)
        {
            await CleanAsync(driver);
            driver.Dispose();
        }

        await Images.DisposeAsync();
    }

    /// <summary>Short timeouts: the test images start in milliseconds.</summary>
    public static LxcDriverOptions FastOptions { get; } = new()
    {
        StopTimeout = TimeSpan.FromSeconds(2),
        HealthTimeout = TimeSpan.FromSeconds(30),
        StartupGrace = TimeSpan.FromSeconds(1.5),
    };

    /// <summary>A driver for <paramref name="root"/>; whatever it leaves is removed on fixture dispose (and by <see cref="CleanAsync"/>).</summary>
    public LxcDriver Driver(PortiqueRoot root, LxcDriverOptions? options = null)
    {
        var driver = new LxcDriver(root, options ?? FastOptions);
        lock (_drivers)
        {
            _drivers.Add(driver);
        }

        return driver;
    }

    /// <summary>An lxc service of an image of this run in the local registry.</summary>
    public static ServiceSpec Spec(
        string name,
        string image,
        string tag = "1",
        IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyList<VolumeMapping>? volumes = null,
        IReadOnlyList<string>? environment = null,
        string publishAddress = "127.0.0.1") =>
        TestSpecs.Create(name, LxcModule.Lxc, image, tag, RequiredServices.Registry, ports, volumes, environment, publishAddress: publishAddress);

    /// <summary>Stops and deletes every container of the driver's root, and its port proxy (best effort, for test cleanup).</summary>
    public static async Task CleanAsync(LxcDriver driver)
    {
        try
        {
            foreach (var instance in await driver.ListOwnedAsync(CancellationToken.None))
            {
                await driver.RemoveAsync(instance, CancellationToken.None);
            }
        }
        catch (RuntimeFailureException)
        {
        }

        if (Directory.Exists(driver.ContainersDirectory))
        {
            foreach (var directory in Directory.EnumerateDirectories(driver.ContainersDirectory))
            {
                await Cli.Wrap("/usr/bin/lxc-stop")
                    .WithArguments(["-k", "-n", Path.GetFileName(directory), "-P", driver.ContainersDirectory])
                    .WithValidation(CommandResultValidation.None)
                    .ExecuteBufferedAsync();
            }
        }

        await driver.StopPortProxyAsync(CancellationToken.None);
    }

    /// <summary>The host's first IPv4 address that is not loopback (<c>hostname -I</c>), or null.</summary>
    public static async Task<IPAddress?> HostAddressAsync()
    {
        var result = await Cli.Wrap("hostname").WithArguments(["-I"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return result.StandardOutput
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => IPAddress.TryParse(text, out var address) ? address : null)
            .FirstOrDefault(a => a is not null && a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
    }
}

[CollectionDefinition(Name)]
public sealed class LxcCollection : ICollectionFixture<LxcFixture>
{
    public const string Name = "lxc";
}

/// <summary>The programs the lxc driver needs: their absence fails the tests with the package to install.</summary>
internal static class LxcRequirements
{
    public static async Task CheckAsync()
    {
        foreach (var (program, arguments, package) in new (string, string[], string)[]
        {
            ("/usr/bin/lxc-execute", ["--version"], "lxc"),
            ("skopeo", ["--version"], "skopeo"),
            ("umoci", ["--version"], "umoci"),
            ("/usr/sbin/nginx", ["-v"], "nginx"),
        })
        {
            try
            {
                var result = await Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
                Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {result.ExitCode}. Install it: apt-get install {package}");
            }
            catch (Win32Exception exception)
            {
                Assert.Fail($"{program} cannot be run ({exception.Message}). Install it: apt-get install {package}");
            }
        }

        Assert.True(
            File.Exists("/usr/lib/nginx/modules/ngx_stream_module.so"),
            "nginx's stream module is missing. Install it: apt-get install libnginx-mod-stream");
        Assert.True(Environment.IsPrivilegedProcess, "the lxc tests run privileged containers: run them as root");
    }
}
