using System.ComponentModel;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>What the test guest does once booted.</summary>
public enum GuestBehaviour
{
    /// <summary>
    /// Brings eth0 up by DHCP (10.0.2.15 on qemu's user network, the reserved address on the private network), copies the fw_cfg environment to <c>/www/env.txt</c>, mounts
    /// every shared folder listed in fw_cfg at its guest path and writes <c>written-by-guest.txt</c> (its version) there,
    /// powers off on the ACPI power button, and serves <c>/www</c> with busybox httpd on port 8080.
    /// </summary>
    Serve,

    /// <summary>Powers the machine off as soon as init runs: a guest that never becomes healthy.</summary>
    PowerOffAtOnce,
}

/// <summary>
/// A tiny bootable disk image made here, from Debian packages only: a raw FAT "superfloppy" (<c>mkfs.vfat</c> on a file)
/// made bootable by <c>syslinux --install</c> (through mtools: no loop mount), holding the host's kernel
/// (<c>/boot/vmlinuz-*</c>, package linux-image-amd64) and an initramfs written here (cpio newc, gzip) with
/// busybox-static, the virtio/9p/fw_cfg/ACPI modules of that kernel and an init script. Its console is ttyS0.
/// </summary>
public static class TestGuestImage
{
    /// <summary>Kernel modules the init script loads, dependencies first.</summary>
    private static readonly string[] Modules =
    [
        "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
        "failover", "net_failover", "virtio_net",
        "netfs", "fscache", "9pnet", "9pnet_virtio", "9p",
        "qemu_fw_cfg", "button", "evdev",
    ];

    /// <summary>The line the guest prints on its console once it serves.</summary>
    public static string ServingLine(string version) => $"portique-test-guest: version {version} serving on port 8080";

    /// <summary>Builds <c>directory/name</c> (raw) for <paramref name="version"/>; returns its path.</summary>
    public static async Task<string> BuildAsync(string directory, string name, string version, GuestBehaviour behaviour = GuestBehaviour.Serve)
    {
        var (kernel, modules) = FindKernel();
        Directory.CreateDirectory(directory);
        var work = Directory.CreateTempSubdirectory("portique-guest-").FullName;
        try
        {
            var initrd = Path.Join(work, "initrd.gz");
            await using (var output = File.Create(initrd))
            {
                await using var gzip = new GZipStream(output, CompressionLevel.Fastest);
                var cpio = new CpioWriter(gzip);
                cpio.Directory("bin");
                cpio.Directory("dev");
                cpio.CharacterDevice("dev/console", 5, 1);
                cpio.Directory("etc");
                cpio.Directory("etc/acpi");
                cpio.Directory("etc/acpi/PWRF");
                cpio.File("etc/acpi/PWRF/00000080", Encoding.UTF8.GetBytes(PowerButtonScript), executable: true);
                cpio.Directory("lib");
                cpio.Directory("lib/modules");
                foreach (var module in Modules)
                {
                    cpio.File($"lib/modules/{module}.ko", await File.ReadAllBytesAsync(FindModule(modules, module)), executable: false);
                }

                cpio.Directory("www");
                cpio.File("www/index.html", Encoding.UTF8.GetBytes(TestImages.IndexPage(version)), executable: false);
                cpio.File("bin/busybox", await File.ReadAllBytesAsync("/bin/busybox"), executable: true);
                cpio.File("init", Encoding.UTF8.GetBytes(InitScript(version, behaviour)), executable: true);
                cpio.Finish();
            }

            var config = Path.Join(work, "syslinux.cfg");
            await File.WriteAllTextAsync(
                config,
                "SERIAL 0 115200\nDEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=ttyS0 loglevel=4 panic=-1\n");

            var image = Path.Join(directory, name);
            File.Delete(image);
            await using (var file = File.Create(image))
            {
                file.SetLength(32 * 1024 * 1024);
            }

            await RunAsync(Tool("mkfs.vfat"), ["-n", "PORTIQUE", image], "dosfstools");
            await RunAsync("syslinux", ["--install", image], "syslinux syslinux-common mtools");
            await RunAsync("mcopy", ["-i", image, kernel, "::vmlinuz"], "mtools");
            await RunAsync("mcopy", ["-i", image, initrd, "::initrd.gz"], "mtools");
            await RunAsync("mcopy", ["-i", image, config, "::syslinux.cfg"], "mtools");
            return image;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Converts a raw image to qcow2 with qemu-img (<c>.img</c> or <c>.qcow2</c> names both work).</summary>
    public static async Task<string> ConvertToQcow2Async(string raw, string destination)
    {
        File.Delete(destination);
        await RunAsync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, destination], "qemu-utils");
        return destination;
    }

    private static string InitScript(string version, GuestBehaviour behaviour)
    {
        var script = new StringBuilder();
        script.Append("#!/bin/busybox sh\n");
        script.Append("/bin/busybox --install -s /bin\nexport PATH=/bin\n");
        script.Append("mkdir -p /proc /sys /tmp\nmount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\n");
        script.Append(CultureInfo.InvariantCulture, $"echo 'portique-test-guest: version {version} booting'\n");
        if (behaviour == GuestBehaviour.PowerOffAtOnce)
        {
            script.Append(CultureInfo.InvariantCulture, $"echo 'portique-test-guest: version {version} powering off at once'\npoweroff -f\nsleep 3600\n");
            return script.ToString();
        }

        script.Append("for m in ").Append(string.Join(' ', Modules)).Append("; do\n");
        script.Append("  insmod /lib/modules/$m.ko || echo \"portique-test-guest: insmod $m failed\"\ndone\n");
        script.Append("for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/class/net/eth0 ] && break; sleep 1; done\n");
        // DHCP, as cloud images do: qemu's user network answers with 10.0.2.15, the root's dnsmasq with the address it
        // reserved for the NIC's MAC on the private network.
        script.Append("ip link set lo up\nip link set eth0 up\n");
        script.Append("printf '%s\\n' '#!/bin/sh' 'case \"$1\" in bound|renew)' ")
            .Append("'  ip addr flush dev $interface; ip addr add $ip/${mask:-24} dev $interface' ")
            .Append("'  [ -n \"$router\" ] && ip route add default via ${router%% *}' ")
            .Append("'  echo \"portique-test-guest: address $ip\" > /dev/console;; esac' > /bin/dhcp-event\n");
        script.Append("chmod 755 /bin/dhcp-event\n");
        script.Append("udhcpc -i eth0 -s /bin/dhcp-event -t 20 -T 1 -n -q || echo 'portique-test-guest: no DHCP answer'\n");
        script.Append("cfg=/sys/firmware/qemu_fw_cfg/by_name/opt/portique\n");
        script.Append("[ -r $cfg/environment/raw ] && cat $cfg/environment/raw > /www/env.txt\n");
        script.Append("if [ -r $cfg/volumes/raw ]; then\n");
        script.Append("  cat $cfg/volumes/raw > /tmp/volumes\n");
        script.Append("  while read tag path; do\n");
        script.Append("    mkdir -p \"$path\"\n");
        script.Append("    if mount -t 9p -o trans=virtio,version=9p2000.L \"$tag\" \"$path\"; then\n");
        script.Append(CultureInfo.InvariantCulture, $"      echo '{version}' > \"$path/written-by-guest.txt\"\n");
        script.Append("      echo \"portique-test-guest: mounted $tag on $path\"\n");
        script.Append("    fi\n  done < /tmp/volumes\nfi\n");
        script.Append("acpid -d &\n");
        script.Append("httpd -p 8080 -h /www\n");
        script.Append(CultureInfo.InvariantCulture, $"echo '{ServingLine(version)}'\n");
        script.Append("while true; do sleep 3600; done\n");
        return script.ToString();
    }

    private const string PowerButtonScript = "#!/bin/sh\necho 'portique-test-guest: power button, shutting down' > /dev/console\npoweroff -f\n";

    /// <summary>The newest <c>/boot/vmlinuz-VERSION</c> and its <c>/lib/modules/VERSION</c>; fails the test when absent.</summary>
    private static (string Kernel, string Modules) FindKernel()
    {
        var kernels = Directory.Exists("/boot") ? Directory.GetFiles("/boot", "vmlinuz-*").Order(StringComparer.Ordinal).ToArray() : [];
        foreach (var kernel in kernels.Reverse())
        {
            var version = Path.GetFileName(kernel)["vmlinuz-".Length..];
            var modules = Path.Join("/lib/modules", version);
            if (Directory.Exists(modules))
            {
                return (kernel, modules);
            }
        }

        Assert.Fail("No kernel in /boot with its modules: the qemu tests boot the host's kernel. Install it: apt-get install linux-image-amd64 (scripts/install-deps.sh)");
        return default;
    }

    private static string FindModule(string modules, string name)
    {
        var found = Directory.EnumerateFiles(modules, "*.ko*", SearchOption.AllDirectories)
            .FirstOrDefault(path => Path.GetFileName(path) == name + ".ko" || Path.GetFileName(path) == name.Replace('_', '-') + ".ko");
        if (found is null)
        {
            Assert.Fail($"Kernel module {name}.ko (uncompressed) not found under {modules}: the test guest needs it");
        }

        return found!;
    }

    private static string Tool(string name) =>
        new[] { "/usr/sbin/", "/sbin/" }.Select(d => d + name).FirstOrDefault(File.Exists) ?? name;

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, string package)
    {
        try
        {
            var result = await Cli.Wrap(program)
                .WithArguments(arguments)
                .WithEnvironmentVariables(e => e.Set("MTOOLS_SKIP_CHECK", "1"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync();
            if (result.ExitCode != 0)
            {
                Assert.Fail($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError.Trim()}");
            }
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"{program} cannot be run ({exception.Message}): install {package} (scripts/install-deps.sh)");
        }
    }

    /// <summary>The "new ASCII" cpio format the kernel unpacks as an initramfs.</summary>
    private sealed class CpioWriter(Stream output)
    {
        private int _inode = 1;

        public void Directory(string name) => Entry(name, 0x4000 | 0b111_101_101, [], nlink: 2);

        public void File(string name, byte[] content, bool executable) =>
            Entry(name, 0x8000 | (executable ? 0b111_101_101 : 0b110_100_100), content, nlink: 1);

        public void CharacterDevice(string name, int major, int minor) =>
            Entry(name, 0x2000 | 0b110_000_000, [], nlink: 1, rdevMajor: major, rdevMinor: minor);

        public void Finish() => Entry("TRAILER!!!", 0, [], nlink: 1, inode: 0);

        private void Entry(string name, int mode, byte[] content, int nlink, int rdevMajor = 0, int rdevMinor = 0, int? inode = null)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
            var fields = new[] { inode ?? _inode++, mode, 0, 0, nlink, 0, content.Length, 0, 0, rdevMajor, rdevMinor, nameBytes.Length, 0 };
            var header = "070701" + string.Concat(fields.Select(f => f.ToString("X8", CultureInfo.InvariantCulture)));
            Write(Encoding.ASCII.GetBytes(header));
            Write(nameBytes);
            Pad(header.Length + nameBytes.Length);
            Write(content);
            Pad(content.Length);
        }

        private void Write(byte[] bytes) => output.Write(bytes);

        private void Pad(int length)
        {
            var padding = (4 - (length % 4)) % 4;
            output.Write(new byte[padding]);
        }
    }
}
