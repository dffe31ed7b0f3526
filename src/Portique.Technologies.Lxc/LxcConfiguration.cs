using System.Globalization;
using System.Text;
using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>
/// Writes a container's lxc configuration from its <see cref="LxcRecord"/> and where it lives. The file is always
/// whole and always regenerated (at creation, set-aside and restore), so moving a container directory never leaves
/// a path pointing at its old place. Every value is one checked line: nothing can add a line of its own.
/// </summary>
internal static class LxcConfiguration
{
    public const string FileName = "config";
    public const string ConsoleLog = "console.log";
    public const string LxcLog = "lxc.log";

    public static string Render(LxcRecord record, string containerDirectory, LxcDriverOptions options)
    {
        var text = new StringBuilder();
        text.Append("# Written by Portique for service ").Append(Validation.ConfigValue(record.Name, "name"))
            .Append(": regenerated on every set-aside and restore, do not edit.\n");
        Line(text, "lxc.uts.name", record.Name);
        Line(text, "lxc.rootfs.path", "dir:" + Path.Join(containerDirectory, "rootfs"));
        if (File.Exists(options.CommonConfiguration))
        {
            Line(text, "lxc.include", options.CommonConfiguration);
        }

        Line(text, "lxc.mount.auto", "proc:mixed sys:mixed cgroup:mixed");
        Line(text, "lxc.net.0.type", "veth");
        Line(text, "lxc.net.0.link", record.Bridge);
        Line(text, "lxc.net.0.flags", "up");
        Line(text, "lxc.net.0.name", "eth0");
        Line(text, "lxc.net.0.ipv4.address", record.Address + "/" + record.PrefixLength.ToString(CultureInfo.InvariantCulture));
        Line(text, "lxc.net.0.ipv4.gateway", record.Gateway);
        foreach (var variable in record.Environment)
        {
            Line(text, "lxc.environment", variable, "environnement");
        }

        foreach (var volume in record.Volumes)
        {
            // fstab syntax: the target is relative to the root file system (lxc then refuses a symlink escaping it);
            // whitespace and backslashes are written as octal escapes, which lxc's mount parser decodes.
            var source = Validation.AbsolutePath(volume.HostPath, record.Name);
            var target = Validation.AbsolutePath(volume.ContainerPath, record.Name).TrimStart('/');
            Line(text, "lxc.mount.entry", $"{FstabEscape(source)} {FstabEscape(target)} none bind,create=dir 0 0");
        }

        WriteLimits(text, record, options.UnifiedCgroups);
        Line(text, "lxc.init.uid", record.Uid.ToString(CultureInfo.InvariantCulture));
        Line(text, "lxc.init.gid", record.Gid.ToString(CultureInfo.InvariantCulture));
        Line(text, "lxc.init.cwd", record.WorkingDirectory);
        Line(text, "lxc.console.logfile", Path.Join(containerDirectory, ConsoleLog));
        Line(text, "lxc.console.size", options.ConsoleLogSize);
        Line(text, "lxc.console.rotate", "1");
        Line(text, "lxc.log.file", Path.Join(containerDirectory, LxcLog));
        Line(text, "lxc.log.level", "WARN");
        return text.ToString();
    }

    /// <summary>
    /// <c>conteneurN_memoire</c> and <c>conteneurN_cpu</c> as the host's cgroup hierarchy spells them. v2: no swap beyond
    /// the memory limit, so past it the kernel kills the process; v1: the memory limit only (swap accounting is often off).
    /// </summary>
    private static void WriteLimits(StringBuilder text, LxcRecord record, bool unified)
    {
        if (record.MemoryBytes is long memory)
        {
            var bytes = memory.ToString(CultureInfo.InvariantCulture);
            if (unified)
            {
                Line(text, "lxc.cgroup2.memory.max", bytes);
                Line(text, "lxc.cgroup2.memory.swap.max", "0");
            }
            else
            {
                Line(text, "lxc.cgroup.memory.limit_in_bytes", bytes);
            }
        }

        if (record.Cpus is decimal cpus)
        {
            if (unified)
            {
                Line(text, "lxc.cgroup2.cpu.max", ResourceLimits.CgroupCpuMax(cpus));
            }
            else
            {
                Line(text, "lxc.cgroup.cpu.cfs_period_us", ResourceLimits.CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
                Line(text, "lxc.cgroup.cpu.cfs_quota_us", ResourceLimits.CpuQuotaMicroseconds(cpus).ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>fstab's escapes for the characters that would split or end a field.</summary>
    internal static string FstabEscape(string path)
    {
        var escaped = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            escaped.Append(c switch
            {
                ' ' => "\\040",
                '\t' => "\\011",
                '\\' => "\\134",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static void Line(StringBuilder text, string key, string value, string? what = null) =>
        text.Append(key).Append(" = ").Append(Validation.ConfigValue(value, what ?? key)).Append('\n');
}
