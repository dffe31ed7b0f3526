using System.Globalization;
using System.Text.RegularExpressions;

namespace Portique.Configuration;

/// <summary>The Creole types of EOLE's DTD beyond Portique's own, with their exact spelling and case.</summary>
internal static partial class EoleTypes
{
    /// <summary>Spellings, after Portique's: the first spelling of a type is the one written back.</summary>
    public static readonly (string Name, VariableType Type)[] Spellings =
    [
        ("Number", VariableType.Number),
        ("boolean", VariableType.Boolean),
        ("yes/no", VariableType.YesNo),
        ("schedule", VariableType.Schedule),
        ("schedulemod", VariableType.ScheduleMod),
        ("domain_strict", VariableType.DomainStrict),
        ("hostname_strict", VariableType.HostnameStrict),
        ("netbios", VariableType.Netbios),
        ("unix_user", VariableType.UnixUser),
        ("filename", VariableType.Filename),
        ("network_cidr", VariableType.NetworkCidr),
        ("ip_cidr", VariableType.IpCidr),
        ("cidr", VariableType.IpCidr),
        ("local_ip", VariableType.LocalIp),
        ("broadcast", VariableType.Broadcast),
        ("mac", VariableType.Mac),
        ("date", VariableType.Date),
        ("float", VariableType.Float),
        ("symlink", VariableType.Symlink),
    ];

    public static string? Validate(VariableType type, string value)
    {
        var valid = type switch
        {
            VariableType.Boolean => value is "True" or "False" or "true" or "false",
            VariableType.YesNo => value is "yes" or "no",
            VariableType.Schedule => value is "none" or "daily" or "weekly" or "monthly",
            VariableType.ScheduleMod => value is "pre" or "post",
            VariableType.DomainStrict => VariableTypes.IsDomain(value) && !VariableTypes.TryParseIpv4(value, out _),
            VariableType.HostnameStrict => VariableTypes.IsDnsLabel(value),
            VariableType.Netbios => value.Length is >= 1 and <= 15,
            VariableType.UnixUser => UnixUserRegex().IsMatch(value),
            VariableType.Filename => FilenameRegex().IsMatch(value),
            VariableType.NetworkCidr => TryParseCidr(value, out var address, out var prefix) && (prefix == 0 || (address << prefix) == 0),
            VariableType.IpCidr => TryParseCidr(value, out _, out _),
            VariableType.LocalIp => VariableTypes.TryParseIpv4(value, out _),
            VariableType.Broadcast => VariableTypes.TryParseIpv4(value, out _),
            VariableType.Mac => MacRegex().IsMatch(value),
            VariableType.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            VariableType.Float => FloatRegex().IsMatch(value),
            VariableType.Symlink => true,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return valid ? null : EoleMessages.FormatTypeInvalid(Messages.Shown(value), type.ToCreoleName());
    }

    /// <summary>
    /// What EOLE only warns about (Tiramisu's <c>warnings_only</c>): a <c>netbios</c> name with other characters than
    /// letters, digits and <c>-</c>; a <c>local_ip</c> that is not private. Null when nothing.
    /// </summary>
    public static string? Warning(VariableType type, string value) => type switch
    {
        VariableType.Netbios when !NetbiosRegex().IsMatch(value) => EoleMessages.FormatTypeInvalid(Messages.Shown(value), type.ToCreoleName()),
        VariableType.LocalIp when VariableTypes.TryParseIpv4(value, out var local) && !IsPrivate(local) => EoleMessages.FormatTypeInvalid(Messages.Shown(value), type.ToCreoleName()),
        _ => null,
    };

    private static bool TryParseCidr(string value, out uint address, out int prefix)
    {
        address = 0;
        prefix = 0;
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && VariableTypes.TryParseIpv4(value[..slash], out address)
            && int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
            && prefix is >= 0 and <= 32;
    }

    private static bool IsPrivate(uint address) =>
        (address >> 24) == 10 || (address >> 20) == (172 << 4 | 1) || (address >> 16) == (192 << 8 | 168) || (address >> 24) == 127;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{0,14}\z")]
    private static partial Regex NetbiosRegex();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,30}[$a-z0-9_-]?\z")]
    private static partial Regex UnixUserRegex();

    [GeneratedRegex(@"^[A-Za-z0-9._~/+-]+\z")]
    private static partial Regex FilenameRegex();

    [GeneratedRegex(@"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\z")]
    private static partial Regex MacRegex();

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\z")]
    private static partial Regex FloatRegex();
}
