using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>
/// One real VM for the read-only tests of this collection: the test guest v1 with a forwarded port, a shared host folder
/// and an environment, booted once (TCG on this machine: 10-60 s).
/// </summary>
public sealed class QemuVmFixture : IAsyncLifetime
{
    public TempRoot Root { get; } = new("portique-qemu-");

    public ImageServer Server { get; } = new();

    public QemuDriver Driver { get; private set; } = null!;

    public ServiceSpec Spec { get; private set; } = null!;

    public ObservedService Created { get; private set; } = null!;

    public EngineHealth Health { get; private set; }

    public int Port { get; } = TestPorts.FreePort();

    public string DataFolder => Root.PathOf("srv", "web-data");

    public async Task InitializeAsync()
    {
        var images = await GuestImages.GetAsync();
        Server.ServeFile("/images/guest.img", images.V1Raw);
        Driver = new QemuDriver(Root.Root, QemuTestOptions.Default);
        Spec = QemuTestOptions.Spec(
            "web",
            "guest.img",
            "v1",
            Server.BaseUrl("images"),
            ports: [new PortMapping(Port, 8080)],
            volumes: [new VolumeMapping(DataFolder, "/data")],
            environment: ["GREETING=bonjour", "MODE=test"]) with
        {
            // conteneurN_memoire and conteneurN_cpu: rounded up to 193 MiB and 2 processors, not the options' 256 and 1.
            MemoryBytes = (192L << 20) + 1,
            Cpus = 1.5m,
        };
        var artifact = await Driver.FetchAsync(Spec, false, new RecordingProgress(), CancellationToken.None);
        Created = await Driver.CreateAsync(Spec, artifact, CancellationToken.None);
        Health = await Driver.WaitForHealthAsync(Created, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (Driver is not null)
        {
            await QemuCleanup.StopEverythingAsync(Driver);
            Driver.Dispose();
        }

        Server.Dispose();
        Root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class QemuVmCollection : ICollectionFixture<QemuVmFixture>
{
    /// <summary>Every test that boots VMs is in this collection: they run one after the other, not competing for the CPUs.</summary>
    public const string Name = "qemu-vms";
}

[Collection(QemuVmCollection.Name)]
public sealed class QemuVmTests(QemuVmFixture fixture)
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task The_booted_guest_serves_its_page_through_the_forwarded_port()
    {
        Assert.Equal(EngineHealth.Healthy, fixture.Health);
        Assert.Equal(TestImages.IndexPage("v1"), await HttpProbe.GetLocalAsync(fixture.Port));
    }

    [Fact]
    public async Task The_guest_reads_the_environment_from_fw_cfg_and_writes_into_the_shared_folder()
    {
        Assert.Equal("GREETING=bonjour\nMODE=test\n", await HttpProbe.GetLocalAsync(fixture.Port, "/env.txt"));
        var written = Path.Join(fixture.DataFolder, "written-by-guest.txt");
        Assert.True(File.Exists(written), "the guest did not write into the 9p share");
        Assert.Equal("v1\n", await File.ReadAllTextAsync(written));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(fixture.DataFolder));
    }

    [Fact]
    public async Task The_vm_is_listed_as_owned_running_with_its_spec_and_ports()
    {
        var listed = Assert.Single(await fixture.Driver.ListOwnedAsync(Ct));

        Assert.Equal(("web", QemuModule.Qemu, InstanceState.Running, false), (listed.Name, listed.Technology, listed.State, listed.IsAside));
        Assert.Equal(fixture.Spec.SpecHash(), listed.SpecHash);
        Assert.Equal(fixture.Spec.CanonicalJson(), listed.SpecJson);
        Assert.Equal([new PortMapping(fixture.Port, 8080)], listed.Ports);
        Assert.Equal(fixture.Created.InstanceId, listed.InstanceId);
        Assert.Equal(fixture.Created.ArtifactId, listed.ArtifactId);
        Assert.StartsWith("sha256:", listed.ArtifactId);
        Assert.Equal("guest.img:v1", listed.Version);
        // One look, as the lifecycle kernel takes it: qemu is up and the forwarded port answers HTTP, so the VM is healthy.
        Assert.Equal(EngineHealth.Healthy, await fixture.Driver.CheckHealthAsync(listed, Ct));
        Assert.Null(await fixture.Driver.FindForeignHolderAsync("web", Ct));

        var folder = fixture.Driver.StateDirectory("web");
        using var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(folder, "portique.json")));
        Assert.Equal(fixture.Root.Directory, record.RootElement.GetProperty("root").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(folder, "portique.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(folder, "environment")));

        var pid = int.Parse((await File.ReadAllTextAsync(fixture.Driver.PidFile("web"))).Trim(), CultureInfo.InvariantCulture);
        Assert.Contains("qemu-system-x86_64", await File.ReadAllTextAsync($"/proc/{pid}/cmdline"));

        // status: qemu's resident memory (the guest's RAM it touched plus qemu itself), never beyond the guest's memory and qemu.
        var usage = await fixture.Driver.ReadUsageAsync(listed, Ct);
        Assert.NotNull(usage);
        Assert.InRange(usage.MemoryBytes, 8L << 20, (193L + 512L) << 20);
        Assert.NotNull(usage.CpuPercent);
    }

    [Fact]
    public async Task The_memory_and_cpu_limits_become_the_vm_memory_and_processor_count_rounded_up()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(fixture.Driver.PidFile("web"), Ct)).Trim(), CultureInfo.InvariantCulture);
        var arguments = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", Ct)).Split('\0');

        Assert.Equal("193", arguments[Array.IndexOf(arguments, "-m") + 1]);
        Assert.Equal("2", arguments[Array.IndexOf(arguments, "-smp") + 1]);
    }

    [Fact]
    public async Task The_base_image_stays_pristine_under_the_overlay()
    {
        var images = await GuestImages.GetAsync();
        var cached = fixture.Driver.ImagePath("v1", "guest.img");

        Assert.Equal(await File.ReadAllBytesAsync(images.V1Raw), await File.ReadAllBytesAsync(cached));
        Assert.True(File.Exists(Path.Join(fixture.Driver.StateDirectory("web"), "disk.qcow2")));
        Assert.Equal(1, fixture.Server.RequestCount("/images/guest.img"));
    }

    [Fact]
    public async Task The_logs_are_the_serial_console()
    {
        var lines = await fixture.Driver.ReadLogsAsync("web", 50, Ct);

        Assert.Contains(TestGuestImage.ServingLine("v1"), lines);
        Assert.Contains("portique-test-guest: mounted vol0 on /data", lines);
        Assert.True(lines.Count <= 50);
        Assert.Equal(2, (await fixture.Driver.ReadLogsAsync("web", 2, Ct)).Count);

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var followed = new List<string>();
        await foreach (var line in fixture.Driver.FollowLogsAsync("web", cancel.Token))
        {
            followed.Add(line);
            if (line == TestGuestImage.ServingLine("v1"))
            {
                break;
            }
        }

        Assert.Contains("portique-test-guest: version v1 booting", followed);
    }

    [Fact]
    public async Task Creating_a_vm_on_a_host_port_already_taken_fails_clearly_and_leaves_nothing()
    {
        var port = TestPorts.FreePort();
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        var spec = QemuTestOptions.Spec("squatted", "guest.img", "v1", fixture.Server.BaseUrl("images"), ports: [new PortMapping(port, 8080)]);
        var artifact = await fixture.Driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => fixture.Driver.CreateAsync(spec, artifact, Ct));

        Assert.Contains("squatted", failure.Message);
        Assert.Contains(port.ToString(CultureInfo.InvariantCulture), failure.Message);
        Assert.False(Directory.Exists(fixture.Driver.StateDirectory("squatted")));
        Assert.Null(await fixture.Driver.FindForeignHolderAsync("squatted", Ct));
        Assert.DoesNotContain(await fixture.Driver.ListOwnedAsync(Ct), o => o.Name == "squatted");
    }

    [Fact]
    public async Task Creating_over_an_existing_vm_is_refused()
    {
        var artifact = await fixture.Driver.FetchAsync(fixture.Spec, false, new RecordingProgress(), Ct);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => fixture.Driver.CreateAsync(fixture.Spec, artifact, Ct));

        Assert.Contains("web", failure.Message);
        Assert.Equal(fixture.Created.InstanceId, Assert.Single(await fixture.Driver.ListOwnedAsync(Ct)).InstanceId);
    }
}
