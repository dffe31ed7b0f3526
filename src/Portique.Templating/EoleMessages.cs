using System.Globalization;
using System.Resources;

namespace Portique.Templating;

/// <summary>Messages of the EOLE compatibility constructs (<c>Resources/EoleMessages.resx</c>, French; <c>.en.resx</c>, English).</summary>
internal static class EoleMessages
{
    internal static readonly ResourceManager Resources = new("Portique.Templating.Resources.EoleMessages", typeof(EoleMessages).Assembly);

    public static string KeyNotFound(string key) => Format(nameof(KeyNotFound), key);

    public static string SingleLineDirective(string keyword) => Format(nameof(SingleLineDirective), keyword);

    public static string IncludeOutside(string name) => Format(nameof(IncludeOutside), name);

    public static string IncludeMissing(string name) => Format(nameof(IncludeMissing), name);

    public static string IncludeUnavailable => Format(nameof(IncludeUnavailable));

    public static string CallTooDeep(int depth) => Format(nameof(CallTooDeep), depth);

    public static string DefArguments(string name, int expected, int given) => Format(nameof(DefArguments), name, expected, given);

    public static string ParameterExpected => Format(nameof(ParameterExpected));

    private static string Format(string key, params object[] arguments) =>
        string.Format(CultureInfo.CurrentCulture, Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key, arguments);
}
