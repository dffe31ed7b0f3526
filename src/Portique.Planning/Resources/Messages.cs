using System.Globalization;
using System.Resources;

namespace Portique.Planning.Resources;

/// <summary>Localised messages (French neutral resources, English satellite).</summary>
internal static class Messages
{
    private static readonly ResourceManager Resources = new(typeof(Messages));

    private static string Format(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key, args);

    public static string TechnologyNotSupported(object? a0) => Format(nameof(TechnologyNotSupported), a0);

    public static string NameHeldByForeign(object? a0) => Format(nameof(NameHeldByForeign), a0);

    public static string PortInUse(object? a0, object? a1) => Format(nameof(PortInUse), a0, a1);

    public static string Removing() => Format(nameof(Removing));

    public static string Removed() => Format(nameof(Removed));

    public static string RemovingLeftovers(object? a0) => Format(nameof(RemovingLeftovers), a0);

    public static string Fetching(object? a0) => Format(nameof(Fetching), a0);

    public static string FetchFailed(object? a0) => Format(nameof(FetchFailed), a0);

    public static string Unchanged() => Format(nameof(Unchanged));

    public static string Starting() => Format(nameof(Starting));

    public static string Started() => Format(nameof(Started));

    public static string StartedUnhealthy(object? a0) => Format(nameof(StartedUnhealthy), a0);

    public static string Creating() => Format(nameof(Creating));

    public static string Created() => Format(nameof(Created));

    public static string CreatedUnhealthy(object? a0) => Format(nameof(CreatedUnhealthy), a0);

    public static string Replacing(object? a0) => Format(nameof(Replacing), a0);

    public static string Recreated() => Format(nameof(Recreated));

    public static string RollingBack(object? a0) => Format(nameof(RollingBack), a0);

    public static string RollingBackInterrupted() => Format(nameof(RollingBackInterrupted));

    public static string RolledBack(object? a0) => Format(nameof(RolledBack), a0);

    public static string HealthCheckFails() => Format(nameof(HealthCheckFails));

    public static string NotRunning() => Format(nameof(NotRunning));

    public static string HealthCheckTimeout() => Format(nameof(HealthCheckTimeout));

    public static string PortSilent(object? a0, object? a1) => Format(nameof(PortSilent), a0, a1);

    public static string StoppedAfterStart() => Format(nameof(StoppedAfterStart));

    public static string NoDriver(object? a0, object? a1) => Format(nameof(NoDriver), a0, a1);

    public static string LogsUnavailable(object? a0) => Format(nameof(LogsUnavailable), a0);

    public static string NoLongerConfigured() => Format(nameof(NoLongerConfigured));

    public static string NotDeployedYet() => Format(nameof(NotDeployedYet));

    public static string Stopped() => Format(nameof(Stopped));

    public static string InterruptedReplacement() => Format(nameof(InterruptedReplacement));

    public static string UnreadableSpec() => Format(nameof(UnreadableSpec));

    public static string HashDiffers() => Format(nameof(HashDiffers));
}
