using System.Globalization;

namespace Portique.Planning;

/// <summary>
/// <c>conteneurN_memoire</c> and <c>conteneurN_cpu</c> in each engine's unit: bytes and billionths of a processor for
/// cgroups (docker, podman, swarm, lxc), whole mebibytes and processors for virtual machines (qemu, vagrant's boxes).
/// </summary>
public static class ResourceLimits
{
    /// <summary>cgroup v2's default <c>cpu.max</c> period, in microseconds.</summary>
    public const long CpuPeriodMicroseconds = 100_000;

    /// <summary><paramref name="cpus"/> in billionths of a processor (docker's <c>NanoCPUs</c>).</summary>
    public static long NanoCpus(decimal cpus) => (long)(cpus * 1_000_000_000m);

    /// <summary>A virtual machine's memory: <paramref name="bytes"/> rounded up to whole mebibytes.</summary>
    public static long Mebibytes(long bytes) => (bytes + (1L << 20) - 1) >> 20;

    /// <summary>A virtual machine's processors: <paramref name="cpus"/> rounded up (1.5 gives 2).</summary>
    public static int WholeCpus(decimal cpus) => (int)Math.Ceiling(cpus);

    /// <summary>The processor time <paramref name="cpus"/> may use per <see cref="CpuPeriodMicroseconds"/>, in microseconds.</summary>
    public static long CpuQuotaMicroseconds(decimal cpus) => (long)(cpus * CpuPeriodMicroseconds);

    /// <summary>cgroup v2's <c>cpu.max</c>: <c>QUOTA PERIOD</c> in microseconds.</summary>
    public static string CgroupCpuMax(decimal cpus) =>
        CpuQuotaMicroseconds(cpus).ToString(CultureInfo.InvariantCulture) + " " + CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture);
}
