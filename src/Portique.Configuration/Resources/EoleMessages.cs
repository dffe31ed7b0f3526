using System.Globalization;
using System.Resources;

namespace Portique.Configuration;

/// <summary>The localised messages of EOLE compatibility (<c>Resources/EoleMessages.resx</c>, French; <c>.en.resx</c>, English).</summary>
internal static class EoleMessages
{
    internal static ResourceManager Resources { get; } = new(typeof(EoleMessages));

    /// <summary>Every message key, to check that both languages define them all.</summary>
    internal static IReadOnlyList<string> Keys { get; } =
    [
        nameof(InvalidFunctionName), nameof(PythonUnsupported), nameof(ParamNotNumber), nameof(CheckParamMissing), nameof(RegexInvalid),
        nameof(RegexMismatch), nameof(MustDiffer), nameof(MustBeLower), nameof(MustBeUpper), nameof(LengthExact), nameof(LengthAtLeast),
        nameof(LengthAtMost), nameof(ForbiddenCharacter), nameof(NotInNetwork), nameof(TypeInvalid), nameof(DictionaryInTwoFolders),
        nameof(CountryInvalid), nameof(NetmaskInvalid), nameof(IpIsNetworkOrBroadcast), nameof(NotNetworkAddress),
        nameof(ConfigEol23Line),
    ];

    internal static string InvalidFunctionName(string name) => Format(nameof(InvalidFunctionName), Messages.Shown(name));

    internal static string PythonUnsupported(string text) => Format(nameof(PythonUnsupported), Messages.Shown(text));

    internal static string ParamNotNumber(string text) => Format(nameof(ParamNotNumber), Messages.Shown(text));

    internal static string CheckParamMissing(string param, string function) => Format(nameof(CheckParamMissing), param, function);

    internal static string RegexInvalid(string pattern) => Format(nameof(RegexInvalid), Messages.Shown(pattern));

    /// <summary>The dictionary's <c>err_msg</c> is shown whole (control characters escaped), as EOLE shows it.</summary>
    internal static string RegexMismatch(string value, string message) => Format(nameof(RegexMismatch), value, Messages.Shown(message, int.MaxValue));

    internal static string MustDiffer(string value, string other) => Format(nameof(MustDiffer), value, other);

    internal static string MustBeLower(string value) => Format(nameof(MustBeLower), value);

    internal static string MustBeUpper(string value) => Format(nameof(MustBeUpper), value);

    internal static string LengthExact(long length) => Format(nameof(LengthExact), length);

    internal static string LengthAtLeast(long length) => Format(nameof(LengthAtLeast), length);

    internal static string LengthAtMost(long length) => Format(nameof(LengthAtMost), length);

    internal static string ForbiddenCharacter(string value, string character) => Format(nameof(ForbiddenCharacter), value, Messages.Shown(character));

    internal static string NotInNetwork(string value, string network, string netmask) => Format(nameof(NotInNetwork), value, network, netmask);

    internal static string CountryInvalid(string value) => Format(nameof(CountryInvalid), Messages.Shown(value));

    internal static string NetmaskInvalid(string value) => Format(nameof(NetmaskInvalid), Messages.Shown(value));

    internal static string IpIsNetworkOrBroadcast(string ip, string netmask) => Format(nameof(IpIsNetworkOrBroadcast), ip, netmask);

    internal static string NotNetworkAddress(string network, string netmask) => Format(nameof(NotNetworkAddress), network, netmask);

    internal static string TypeInvalid(string value, string type) => Format(nameof(TypeInvalid), Messages.Shown(value), type);

    internal static string ConfigEol23Line(int line, string text) => Format(nameof(ConfigEol23Line), line, Messages.Shown(text));

    internal static string DictionaryInTwoFolders(string paths) => Format(nameof(DictionaryInTwoFolders), paths);

    private static string Format(string key, params object[] arguments)
    {
        var culture = CultureInfo.CurrentUICulture;
        var template = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"Message '{key}' is missing.");
        return string.Format(culture, template, arguments);
    }
}
