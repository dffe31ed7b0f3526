using System.Globalization;

namespace Portique.Core;

/// <summary>
/// Messages are French by default (EOLE's users are French administrators) and English on request:
/// <c>--lang en</c>, or a <c>LANG</c>/<c>LC_ALL</c>/<c>LC_MESSAGES</c> starting with <c>en</c>.
/// </summary>
public static class Localization
{
    public static CultureInfo French { get; } = CultureInfo.GetCultureInfo("fr");

    public static CultureInfo English { get; } = CultureInfo.GetCultureInfo("en");

    /// <summary>Picks the UI culture from an explicit choice, else the environment.</summary>
    public static CultureInfo Choose(string? explicitLanguage, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(explicitLanguage))
        {
            return explicitLanguage.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : French;
        }

        foreach (var name in new[] { "LC_ALL", "LC_MESSAGES", "LANG" })
        {
            var value = environment(name);
            if (!string.IsNullOrEmpty(value))
            {
                return value.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : French;
            }
        }

        return French;
    }

    /// <summary>Applies the culture to the current thread and every thread started after.</summary>
    public static void Apply(CultureInfo culture)
    {
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }
}
