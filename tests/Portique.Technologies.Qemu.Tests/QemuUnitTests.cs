using System.Net;
using System.Net.Sockets;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>The parts of the qemu driver that need no VM: argument lists, validation, layout, logs, the HTTP probe.</summary>
public sealed class QemuUnitTests
{
    private static VmLaunch Launch(IReadOnlyList<string>? folders = null, string? environment = "/r/vms/web/environment") => new()
    {
        Name = "web",
        Disk = "/r/vms/web/disk.qcow2",
        ConsoleLog = "/r/vms/web/console.log",
        PidFile = "/r/run/portique-qemu/web.pid",
        QmpSocket = "/r/run/portique-qemu/web.qmp",
        EnvironmentFile = environment,
        VolumesFile = "/r/vms/web/volumes",
        PublishAddress = "127.0.0.1",
        Ports = [(18080, 8080), (18443, 443)],
        HostFolders = folders ?? ["/srv/data", "/srv/odd,path=x"],
    };

    [Fact]
    public void A_memory_limit_is_the_guests_memory_and_a_cpu_limit_its_processors_rounded_up_else_the_drivers_defaults()
    {
        var options = new QemuDriverOptions { MemoryMegabytes = 256, Processors = 1 };
        var bounded = QemuCommandLine.Build(
            Launch() with { MemoryMebibytes = ResourceLimits.Mebibytes((512L << 20) + 1), Processors = ResourceLimits.WholeCpus(1.5m) }, kvm: false, options);
        var plain = QemuCommandLine.Build(Launch(), kvm: false, options);

        Assert.Equal(("513", "2"), (After(bounded, "-m"), After(bounded, "-smp")));
        Assert.Equal(("256", "1"), (After(plain, "-m"), After(plain, "-smp")));
    }

    [Fact]
    public void On_the_private_network_the_NIC_is_on_the_tap_with_the_names_MAC_and_no_port_is_forwarded()
    {
        var arguments = QemuCommandLine.Build(Launch() with { PrivateNetwork = ("ptqt0123456789a", "52:54:00:0a:0b:0c") }, kvm: false, new QemuDriverOptions());

        Assert.Equal("tap,id=net0,script=no,downscript=no,ifname=ptqt0123456789a", After(arguments, "-netdev"));
        Assert.Equal("virtio-net-pci,netdev=net0,mac=52:54:00:0a:0b:0c", After(arguments, "-device"));
        Assert.DoesNotContain(arguments, a => a.Contains("hostfwd", StringComparison.Ordinal) || a.StartsWith("user,", StringComparison.Ordinal));
    }

    [Fact]
    public void A_VMs_MAC_and_tap_come_from_its_name_are_stable_and_fit_the_kernels_limit()
    {
        Assert.Equal(Core.PrivateNetwork.GuestHardware("vm"), Core.PrivateNetwork.GuestHardware("vm"));
        Assert.NotEqual(Core.PrivateNetwork.GuestHardware("vm"), Core.PrivateNetwork.GuestHardware("vm2"));
        Assert.Matches("^52:54:00(:[0-9a-f]{2}){3}$", Core.PrivateNetwork.GuestHardware("vm"));
        var tap = Core.PrivateNetwork.TapName("/srv/root", "vm");
        Assert.Matches("^ptqt[0-9a-f]{11}$", tap);
        Assert.NotEqual(tap, Core.PrivateNetwork.TapName("/srv/other", "vm"));
    }

    [Fact]
    public void The_command_line_forwards_each_port_shares_each_folder_and_daemonizes_with_a_pid_file()
    {
        var arguments = QemuCommandLine.Build(Launch(), kvm: false, new QemuDriverOptions { MemoryMegabytes = 256 });

        Assert.Equal("user,id=net0,hostfwd=tcp:127.0.0.1:18080-:8080,hostfwd=tcp:127.0.0.1:18443-:443", After(arguments, "-netdev"));
        Assert.Equal("virtio-net-pci,netdev=net0", After(arguments, "-device"));
        var shares = Values(arguments, "-virtfs");
        Assert.Equal(
            ["local,id=vol0,mount_tag=vol0,security_model=mapped-xattr,path=/srv/data",
             "local,id=vol1,mount_tag=vol1,security_model=mapped-xattr,path=/srv/odd,,path=x"],
            shares);
        Assert.Equal(
            ["name=opt/portique/environment,file=/r/vms/web/environment", "name=opt/portique/volumes,file=/r/vms/web/volumes"],
            Values(arguments, "-fw_cfg"));
        Assert.Equal("file=/r/vms/web/disk.qcow2,format=qcow2,if=virtio", After(arguments, "-drive"));
        Assert.Equal(
            ["file,id=console,append=on,path=/r/vms/web/console.log", "socket,id=qmp,server=on,wait=off,path=/r/run/portique-qemu/web.qmp"],
            Values(arguments, "-chardev"));
        Assert.Equal("chardev:console", After(arguments, "-serial"));
        Assert.Equal("/r/run/portique-qemu/web.pid", After(arguments, "-pidfile"));
        Assert.Equal("-daemonize", arguments[^1]);
        Assert.Equal("none", After(arguments, "-display"));
        Assert.Equal("256", After(arguments, "-m"));
        Assert.DoesNotContain("-nographic", arguments);
        Assert.Contains("-nodefaults", arguments);
    }

    [Fact]
    public void Kvm_runs_the_host_cpu_and_tcg_the_emulated_one()
    {
        var kvm = QemuCommandLine.Build(Launch(), kvm: true, new QemuDriverOptions());
        var tcg = QemuCommandLine.Build(Launch(), kvm: false, new QemuDriverOptions());

        Assert.Equal("kvm", After(kvm, "-accel"));
        Assert.Equal("host", After(kvm, "-cpu"));
        Assert.Equal("tcg", After(tcg, "-accel"));
        Assert.DoesNotContain("-cpu", tcg);
    }

    [Fact]
    public void Without_folders_or_environment_there_is_no_share_and_no_fw_cfg_entry()
    {
        var arguments = QemuCommandLine.Build(Launch(folders: [], environment: null), kvm: false, new QemuDriverOptions { VolumeSecurityModel = "passthrough" });

        Assert.DoesNotContain("-virtfs", arguments);
        Assert.DoesNotContain("-fw_cfg", arguments);
    }

    [Fact]
    public void The_qmp_socket_falls_back_to_a_hashed_name_when_the_path_would_not_fit_a_unix_socket()
    {
        var shallow = new QemuLayout(new PortiqueRoot("/tmp/r"));
        Assert.Equal("/tmp/r/run/portique-qemu/web.qmp", shallow.QmpSocket("web"));

        var longName = new string('a', 63);
        var deep = new QemuLayout(new PortiqueRoot("/tmp/" + new string('r', 30)));
        var socket = deep.QmpSocket(longName);
        Assert.NotNull(socket);
        Assert.DoesNotContain(longName, socket);
        Assert.True(socket.Length <= 107);

        Assert.Null(new QemuLayout(new PortiqueRoot("/" + new string('d', 100))).QmpSocket("web"));
    }

    [Theory]
    [InlineData("debian-12.qcow2", true)]
    [InlineData("disk.img", true)]
    [InlineData("disk.raw", true)]
    [InlineData("../etc/passwd.img", false)]
    [InlineData("sub/disk.img", false)]
    [InlineData("-disk.img", false)]
    [InlineData("disk.vmdk", false)]
    public void Only_plain_disk_image_file_names_are_accepted(string url, bool accepted) =>
        Assert.Equal(accepted, QemuLayout.IsImageName(url));

    [Theory]
    [InlineData("v1", true)]
    [InlineData("12.2.0", true)]
    [InlineData("..", false)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    public void Only_plain_tags_become_cache_folders(string tag, bool accepted) =>
        Assert.Equal(accepted, QemuLayout.IsTag(tag));

    [Theory]
    [InlineData("ftp://example.org/images")]
    [InlineData("http://example.org/images?x=1")]
    [InlineData("not a url")]
    public void A_download_address_must_be_http_or_https(string repository) =>
        Assert.Throws<RuntimeFailureException>(() => DiskImageCache.SourceUrl(repository, "disk.img"));

    [Fact]
    public void The_download_address_is_the_repository_then_the_file_name() =>
        Assert.Equal("https://example.org/images/disk.img", DiskImageCache.SourceUrl("https://example.org/images/", "disk.img").AbsoluteUri);

    [Fact]
    public async Task Create_refuses_an_environment_entry_on_several_lines_before_making_anything()
    {
        using var root = new TempRoot();
        using var driver = new QemuDriver(root.Root, QemuTestOptions.Default);
        var spec = QemuTestOptions.Spec("web", "disk.img", "v1", "http://127.0.0.1:1/images", environment: ["SECRET=line1\nline2"]);

        var failure = await Assert.ThrowsAsync<InvalidInputException>(() => driver.CreateAsync(spec, "sha256:00", CancellationToken.None));

        Assert.Contains("SECRET", failure.Message);
        Assert.DoesNotContain("line1", failure.Message);
        Assert.False(Directory.Exists(root.PathOf("var", "lib", "portique", "qemu", "vms")));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("localhost")]
    public async Task Create_refuses_a_publish_address_that_is_not_ipv4(string address)
    {
        using var root = new TempRoot();
        using var driver = new QemuDriver(root.Root, QemuTestOptions.Default);
        var spec = QemuTestOptions.Spec("web", "disk.img", "v1", "http://127.0.0.1:1/images") with { PublishAddress = address };

        await Assert.ThrowsAsync<InvalidInputException>(() => driver.CreateAsync(spec, "sha256:00", CancellationToken.None));
    }

    [Fact]
    public async Task Nothing_is_owned_in_an_empty_root_and_a_foreign_folder_is_named()
    {
        using var root = new TempRoot();
        using var driver = new QemuDriver(root.Root, QemuTestOptions.Default);
        Assert.Empty(await driver.ListOwnedAsync(CancellationToken.None));
        Assert.Null(await driver.FindForeignHolderAsync("web", CancellationToken.None));

        var folder = driver.StateDirectory("web");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Join(folder, "portique.json"), "{ not json");

        Assert.Empty(await driver.ListOwnedAsync(CancellationToken.None));
        var holder = await driver.FindForeignHolderAsync("web", CancellationToken.None);
        Assert.NotNull(holder);
        Assert.Contains(folder, holder);
    }

    [Fact]
    public async Task Logs_of_an_unknown_vm_fail_clearly()
    {
        using var root = new TempRoot();
        using var driver = new QemuDriver(root.Root, QemuTestOptions.Default);

        var failure = await Assert.ThrowsAsync<InstanceMissingException>(() => driver.ReadLogsAsync("nobody", 10, CancellationToken.None));
        Assert.Contains("nobody", failure.Message);
    }

    [Fact]
    public async Task The_http_probe_needs_a_status_line_a_bare_connection_is_not_enough()
    {
        // qemu's user-network forward accepts a connection at once and closes it (or keeps it silent) while the guest
        // is not listening yet: exactly like these two listeners.
        using var closing = new TcpListener(IPAddress.Loopback, 0);
        closing.Start();
        var closingPort = ((IPEndPoint)closing.LocalEndpoint).Port;
        var closer = Task.Run(async () =>
        {
            using var client = await closing.AcceptTcpClientAsync();
        });
        Assert.False(await QemuDriver.AnswersHttpAsync("127.0.0.1", closingPort, CancellationToken.None));
        await closer;

        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentPort = ((IPEndPoint)silent.LocalEndpoint).Port;
        var held = Task.Run(async () =>
        {
            using var client = await silent.AcceptTcpClientAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
        });
        Assert.False(await QemuDriver.AnswersHttpAsync("127.0.0.1", silentPort, CancellationToken.None));

        using var server = new ImageServer();
        Assert.True(await QemuDriver.AnswersHttpAsync("0.0.0.0", server.Port, CancellationToken.None));
        Assert.False(await QemuDriver.AnswersHttpAsync("127.0.0.1", TestPorts.FreePort(), CancellationToken.None));
    }

    [Fact]
    public async Task Availability_names_the_missing_program_and_its_package()
    {
        using var root = new TempRoot();
        using var missingSystem = new QemuDriver(root.Root, new QemuDriverOptions { QemuSystemExecutable = "/nonexistent/qemu-system-x86_64" });
        using var missingImg = new QemuDriver(root.Root, new QemuDriverOptions { QemuImgExecutable = "/nonexistent/qemu-img" });

        var system = await missingSystem.CheckAvailabilityAsync(CancellationToken.None);
        var img = await missingImg.CheckAvailabilityAsync(CancellationToken.None);

        Assert.NotNull(system);
        Assert.Contains("/nonexistent/qemu-system-x86_64", system);
        Assert.Contains("qemu-system-x86", system);
        Assert.NotNull(img);
        Assert.Contains("/nonexistent/qemu-img", img);
        Assert.Contains("qemu-utils", img);
    }

    [Fact]
    public async Task Tcg_is_used_when_the_kvm_device_cannot_be_opened()
    {
        using var root = new TempRoot();
        using var driver = new QemuDriver(root.Root, new QemuDriverOptions { KvmDevice = root.PathOf("no-kvm") });

        Assert.False(await driver.UseKvmAsync(CancellationToken.None));
    }

    private static string After(IReadOnlyList<string> arguments, string option) => arguments[IndexOf(arguments, option) + 1];

    private static int IndexOf(IReadOnlyList<string> arguments, string option)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == option)
            {
                return i;
            }
        }

        Assert.Fail($"{option} is not in {string.Join(' ', arguments)}");
        return -1;
    }

    private static string[] Values(IReadOnlyList<string> arguments, string option) =>
        arguments.Select((a, i) => (a, i)).Where(p => p.a == option).Select(p => arguments[p.i + 1]).ToArray();
}
