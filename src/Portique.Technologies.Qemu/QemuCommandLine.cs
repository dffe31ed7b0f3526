using System.Globalization;
using System.Text;

namespace Portique.Technologies.Qemu;

/// <summary>What one VM start needs, resolved to absolute paths.</summary>
internal sealed record VmLaunch
{
    public required string Name { get; init; }

    public required string Disk { get; init; }

    public required string ConsoleLog { get; init; }

    public required string PidFile { get; init; }

    public required string QmpSocket { get; init; }

    /// <summary>Null: no environment file (the service has no environment).</summary>
    public string? EnvironmentFile { get; init; }

    public required string VolumesFile { get; init; }

    public required string PublishAddress { get; init; }

    public required IReadOnlyList<(int HostPort, int GuestPort)> Ports { get; init; }

    public required IReadOnlyList<string> HostFolders { get; init; }

    /// <summary>Guest memory (<c>-m</c>), or null: <see cref="QemuDriverOptions.MemoryMegabytes"/>.</summary>
    public long? MemoryMebibytes { get; init; }

    /// <summary>Guest processors (<c>-smp</c>), or null: <see cref="QemuDriverOptions.Processors"/>.</summary>
    public int? Processors { get; init; }

    /// <summary>On the private network: the tap (made by the driver, on the root's bridge) and the NIC's MAC; null: user-mode networking.</summary>
    public (string Tap, string Hardware)? PrivateNetwork { get; init; }
}

/// <summary>
/// The qemu-system-x86_64 argument list for one VM. A list, never a command line: nothing is parsed by a shell. Values
/// inside qemu's own <c>key=value,key=value</c> options have their commas doubled (qemu's escape), so a path holding a
/// comma cannot add an option.
/// </summary>
internal static class QemuCommandLine
{
    /// <summary>The fw_cfg entry holding the service's <c>KEY=VALUE</c> lines (<c>/sys/firmware/qemu_fw_cfg/by_name/…/raw</c> in the guest).</summary>
    public const string EnvironmentFwCfg = "opt/portique/environment";

    /// <summary>The fw_cfg entry holding <c>TAG GUEST-PATH</c> lines, one per shared folder.</summary>
    public const string VolumesFwCfg = "opt/portique/volumes";

    /// <summary>The 9p mount tag of the <paramref name="index"/>-th shared folder.</summary>
    public static string MountTag(int index) => "vol" + index.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> Build(VmLaunch launch, bool kvm, QemuDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(options);
        var arguments = new List<string>
        {
            "-name", "guest=" + Escape(launch.Name),
            "-nodefaults",
            "-no-user-config",
        };
        arguments.AddRange(kvm ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg"]);
        arguments.AddRange(
        [
            "-m", (launch.MemoryMebibytes ?? options.MemoryMegabytes).ToString(CultureInfo.InvariantCulture),
            "-smp", (launch.Processors ?? options.Processors).ToString(CultureInfo.InvariantCulture),

            // No screen: the serial console is the only output, appended to the service's log file.
            "-display", "none",
            "-chardev", "file,id=console,append=on,path=" + Escape(launch.ConsoleLog),
            "-serial", "chardev:console",

            // QMP, for a clean ACPI power-down and status queries.
            "-chardev", "socket,id=qmp,server=on,wait=off,path=" + Escape(launch.QmpSocket),
            "-mon", "chardev=qmp,mode=control",

            "-drive", "file=" + Escape(launch.Disk) + ",format=qcow2,if=virtio",
        ]);

        if (launch.PrivateNetwork is { } privateNetwork)
        {
            // The tap Portique made on the root's bridge; qemu runs no script. The MAC is the one dnsmasq reserves the address for.
            arguments.AddRange(
            [
                "-netdev", "tap,id=net0,script=no,downscript=no,ifname=" + Escape(privateNetwork.Tap),
                "-device", "virtio-net-pci,netdev=net0,mac=" + Escape(privateNetwork.Hardware),
            ]);
        }
        else
        {
            var network = new StringBuilder("user,id=net0");
            foreach (var (hostPort, guestPort) in launch.Ports)
            {
                network.Append(CultureInfo.InvariantCulture, $",hostfwd=tcp:{launch.PublishAddress}:{hostPort}-:{guestPort}");
            }

            arguments.AddRange(["-netdev", network.ToString(), "-device", "virtio-net-pci,netdev=net0"]);
        }

        for (var i = 0; i < launch.HostFolders.Count; i++)
        {
            var tag = MountTag(i);
            arguments.AddRange(
            [
                "-virtfs",
                $"local,id={tag},mount_tag={tag},security_model={options.VolumeSecurityModel},path={Escape(launch.HostFolders[i])}",
            ]);
        }

        if (launch.EnvironmentFile is { } environment)
        {
            arguments.AddRange(["-fw_cfg", $"name={EnvironmentFwCfg},file={Escape(environment)}"]);
        }

        if (launch.HostFolders.Count > 0)
        {
            arguments.AddRange(["-fw_cfg", $"name={VolumesFwCfg},file={Escape(launch.VolumesFile)}"]);
        }

        // Daemonized: qemu forks once its devices are set up (host ports bound...), reports errors before that on
        // stderr with a non-zero exit, and writes (and locks) the pid file.
        arguments.AddRange(["-pidfile", launch.PidFile, "-daemonize"]);
        return arguments;
    }

    /// <summary>A value inside qemu's <c>key=value,...</c> syntax: each comma doubled.</summary>
    public static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
