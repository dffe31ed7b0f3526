using System.Globalization;

namespace Portique.Planning;

/// <summary>What a running instance uses now: memory in bytes, processor time in percent of one processor (null: unknown).</summary>
public sealed record ResourceUsage(long MemoryBytes, decimal? CpuPercent);

/// <summary>
/// A driver whose engine reports an instance's current use (<c>portique status</c>, for services with limits).
/// Null when the engine has no figure for it; never throws for an engine's refusal.
/// </summary>
public interface IUsageReader
{
    Task<ResourceUsage?> ReadUsageAsync(ObservedService instance, CancellationToken cancellationToken);
}

/// <summary><c>portique status</c>'s limits column: <c>mem 41M/512M  cpu 3%/1.5</c>, <c>—</c> for a figure the engine does not give.</summary>
public static class UsageText
{
    public const string Unknown = "—";

    /// <summary>Null when <paramref name="spec"/> has no limit.</summary>
    public static string? Of(ServiceSpec spec, ResourceUsage? usage)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = new List<string>();
        if (spec.MemoryBytes is long memory)
        {
            parts.Add($"mem {(usage is null ? Unknown : Approximate(usage.MemoryBytes))}/{Portique.Core.MemorySize.Format(memory)}");
        }

        if (spec.Cpus is decimal cpus)
        {
            var used = usage?.CpuPercent is decimal percent ? Math.Round(percent, 0).ToString(CultureInfo.InvariantCulture) + "%" : Unknown;
            parts.Add($"cpu {used}/{cpus.ToString(CultureInfo.InvariantCulture)}");
        }

        return parts.Count == 0 ? null : string.Join("  ", parts);
    }

    /// <summary>A size rounded for reading: <c>812K</c>, <c>41M</c>, <c>1.5G</c>.</summary>
    public static string Approximate(long bytes) => bytes switch
    {
        < 1L << 20 => ((bytes + 1023) >> 10).ToString(CultureInfo.InvariantCulture) + "K",
        < 1L << 30 => Math.Round(bytes / (decimal)(1L << 20), 0).ToString(CultureInfo.InvariantCulture) + "M",
        _ => Math.Round(bytes / (decimal)(1L << 30), 1).ToString(CultureInfo.InvariantCulture) + "G",
    };
}
