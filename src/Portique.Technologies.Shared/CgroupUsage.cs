using System.Globalization;
using Portique.Planning;

namespace Portique.Technologies.Shared;

/// <summary>
/// An instance's current use read from the cgroups of its init process, whatever the engine and whichever hierarchy
/// the host runs (v2 unified, or v1's <c>memory</c> and <c>cpuacct</c> controllers), counted as <c>docker stats</c>
/// counts: memory minus inactive file pages; processor time over a short interval, in percent of one processor.
/// Read only; null when the process or its cgroup is gone (a stopping instance), never an exception.
/// </summary>
/// <param name="procRoot">Where <c>/proc</c> is (tests give a copy).</param>
/// <param name="cgroupRoot">Where the cgroup file systems are mounted.</param>
/// <param name="time">The clock of the processor sample (<see cref="SampleInterval"/>).</param>
public sealed class CgroupUsage(string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup", TimeProvider? time = null)
{
    /// <summary>How long the processor time is sampled over.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The use of the cgroup process <paramref name="pid"/> belongs to.</summary>
    public async Task<ResourceUsage?> ReadAsync(int pid, CancellationToken cancellationToken)
    {
        if (pid <= 0 || Files(pid) is not { } files)
        {
            return null;
        }

        try
        {
            var memory = ReadNumber(files.Memory);
            var inactive = ReadStat(files.MemoryStat, files.InactiveKey) ?? 0;
            var before = ReadNumber(files.Cpu ?? "", files.CpuKey) * files.CpuToNanoseconds;
            var started = _time.GetTimestamp();
            await Task.Delay(SampleInterval, _time, cancellationToken);
            var after = ReadNumber(files.Cpu ?? "", files.CpuKey) * files.CpuToNanoseconds;
            var elapsed = _time.GetElapsedTime(started);
            decimal? percent = after >= before && elapsed > TimeSpan.Zero
                ? Math.Round((after - before) * 100m / (elapsed.Ticks * 100m), 1)
                : null;
            return new ResourceUsage(Math.Max(0, memory - inactive), percent);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private sealed record CgroupFiles(string Memory, string MemoryStat, string InactiveKey, string? Cpu, string? CpuKey, long CpuToNanoseconds);

    /// <summary>The files of the process's cgroup, from <c>/proc/PID/cgroup</c> (<c>0::/path</c> on v2, <c>N:memory:/path</c> on v1).</summary>
    private CgroupFiles? Files(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Join(procRoot, pid.ToString(CultureInfo.InvariantCulture), "cgroup"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var paths = lines.Select(line => line.Split(':', 3)).Where(parts => parts.Length == 3).ToArray();
        string? PathOf(string controller) => paths.FirstOrDefault(p => p[1].Split(',').Contains(controller, StringComparer.Ordinal))?[2];
        if (File.Exists(Path.Join(cgroupRoot, "cgroup.controllers")) && paths.FirstOrDefault(p => p[0] == "0" && p[1].Length == 0)?[2] is { } unified)
        {
            var directory = Inside(cgroupRoot, unified);
            return directory is null ? null
                : new CgroupFiles(Path.Join(directory, "memory.current"), Path.Join(directory, "memory.stat"), "inactive_file", Path.Join(directory, "cpu.stat"), "usage_usec", 1000);
        }

        var memory = PathOf("memory") is { } memoryPath ? Inside(Path.Join(cgroupRoot, "memory"), memoryPath) : null;
        var cpu = PathOf("cpuacct") is { } cpuPath ? Inside(Path.Join(cgroupRoot, "cpuacct"), cpuPath) : null;
        return memory is null ? null
            : new CgroupFiles(Path.Join(memory, "memory.usage_in_bytes"), Path.Join(memory, "memory.stat"), "total_inactive_file", cpu is null ? null : Path.Join(cpu, "cpuacct.usage"), null, 1);
    }

    /// <summary>The cgroup's folder, never outside the mount (a path from /proc is the kernel's, but checked all the same).</summary>
    private static string? Inside(string mount, string path)
    {
        var full = Path.GetFullPath(Path.Join(mount, path.TrimStart('/')));
        return full == mount || full.StartsWith(mount + "/", StringComparison.Ordinal) ? full : null;
    }

    /// <summary>A number file (<paramref name="key"/> null), or one <c>key value</c> line of a stat file; 0 when absent.</summary>
    private static long ReadNumber(string path, string? key = null)
    {
        if (path.Length == 0 || !File.Exists(path))
        {
            return 0;
        }

        return key is null ? long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture) : ReadStat(path, key) ?? 0;
    }

    private static long? ReadStat(string path, string key)
    {
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[0] == key)
            {
                return long.Parse(parts[1].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
