using System.Globalization;
using System.Text.RegularExpressions;

namespace Portique.Configuration;

/// <summary>
/// Dictionary spellings of <see cref="VariableType"/>, value validation with a localised message that
/// says what is allowed, and conversion to the typed value templates receive.
/// </summary>
public static partial class VariableTypes
{
    private static readonly (string Name, VariableType Type)[] Spellings =
    [
        ("string", VariableType.String),
        ("number", VariableType.Number),
        ("oui/non", VariableType.OuiNon),
        ("on/off", VariableType.OnOff),
        ("port", VariableType.Port),
        ("ip", VariableType.Ip),
        ("netmask", VariableType.Netmask),
        ("network", VariableType.Network),
        ("domain", VariableType.Domain),
        ("hostname", VariableType.Hostname),
        ("web_address", VariableType.WebAddress),
        ("unix_filename", VariableType.UnixFilename),
        ("mail", VariableType.Mail),
        ("password", VariableType.Password),
        ("service_name", VariableType.ServiceName),
        ("absolute_path", VariableType.AbsolutePath),
        ("host_path", VariableType.HostPath),
        ("key_value", VariableType.KeyValue),
        ("memory_size", VariableType.MemorySize),
        ("cpus", VariableType.Cpus),
        .. EoleTypes.Spellings,
        ("server_names", VariableType.ServerNames),
        ("plain_path", VariableType.PlainPath),
    ];

    /// <summary>Every type name a dictionary may write in <c>type='...'</c>, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } = Spellings.Select(s => s.Name).ToArray();

    /// <summary>Reads a dictionary type name (case-sensitive, as Creole).</summary>
    public static bool TryParse(string name, out VariableType type)
    {
        foreach (var (spelling, value) in Spellings)
        {
            if (string.Equals(spelling, name, StringComparison.Ordinal))
            {
                type = value;
                return true;
            }
        }

        type = VariableType.String;
        return false;
    }

    /// <summary>The dictionary spelling of a type (<c>oui/non</c>, <c>service_name</c>...).</summary>
    public static string ToCreoleName(this VariableType type) =>
        Spellings.First(s => s.Type == type).Name;

    /// <summary>
    /// Checks one non-empty value against its type. Returns <see langword="null"/> when valid, else a
    /// localised message naming the allowed form (a password's value is never repeated).
    /// </summary>
    public static string? Validate(VariableType type, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return type switch
        {
            VariableType.String => null,
            VariableType.Number => TryParseInteger(value, out _) ? null : Messages.FormatTypeNumber(Messages.Shown(value)),
            VariableType.OuiNon => value is "oui" or "non" ? null : Messages.FormatTypeOuiNon(Messages.Shown(value)),
            VariableType.OnOff => value is "on" or "off" ? null : Messages.FormatTypeOnOff(Messages.Shown(value)),
            VariableType.Port => IsPort(value) ? null : Messages.FormatTypePort(Messages.Shown(value)),
            VariableType.Ip => TryParseIpv4(value, out _) ? null : Messages.FormatTypeIp(Messages.Shown(value)),
            VariableType.Netmask => IsNetmask(value) ? null : Messages.FormatTypeNetmask(Messages.Shown(value)),
            VariableType.Network => TryParseIpv4(value, out _) ? null : Messages.FormatTypeNetwork(Messages.Shown(value)),
            // As EOLE (Tiramisu's DomainnameOption with allow_ip, allow_without_dot): an IP address is accepted, and a domain may be one label.
            VariableType.Domain => IsDomain(value) || IsDnsLabel(value) || TryParseIpv4(value, out _) ? null : Messages.FormatTypeDomain(Messages.Shown(value)),
            VariableType.Hostname => IsDnsLabel(value) || TryParseIpv4(value, out _) ? null : Messages.FormatTypeHostname(Messages.Shown(value)),
            VariableType.WebAddress => IsWebAddress(value) ? null : Messages.FormatTypeWebAddress(Messages.Shown(value)),
            VariableType.UnixFilename => UnixFilenameRegex().IsMatch(value) ? null : Messages.FormatTypeUnixFilename(Messages.Shown(value)),
            VariableType.Mail => IsMail(value) ? null : Messages.FormatTypeMail(Messages.Shown(value)),
            VariableType.Password => value.Any(char.IsControl) ? Messages.TypePassword : null,
            VariableType.ServiceName => ServiceNameRegex().IsMatch(value) ? null : Messages.FormatTypeServiceName(Messages.Shown(value)),
            VariableType.AbsolutePath => AbsolutePathProblem(value),
            VariableType.HostPath => AbsolutePathProblem(value) ?? HostPathProblem(value),
            VariableType.KeyValue => IsKeyValue(value) ? null : Messages.FormatTypeKeyValue(Messages.Shown(value)),
            VariableType.MemorySize => TryParseMemorySize(value, out _) ? null : Messages.FormatTypeMemorySize(Messages.Shown(value)),
            VariableType.Cpus => TryParseCpus(value, out _) ? null : Messages.FormatTypeCpus(Messages.Shown(value)),
            VariableType.ServerNames => AreServerNames(value) ? null : Messages.FormatTypeServerNames(Messages.Shown(value)),
            VariableType.PlainPath => AbsolutePathProblem(value) ?? PlainPathProblem(value),
            _ => EoleTypes.Validate(type, value),
        };
    }

    /// <summary>
    /// The value templates receive: <see cref="long"/> for a valid <c>number</c> or <c>port</c>, the
    /// text otherwise (an invalid number stays text; validation reports it).
    /// </summary>
    public static object ToTyped(VariableType type, string value) =>
        type is VariableType.Number or VariableType.Port && TryParseInteger(value, out var number) ? number : value;

    internal static bool TryParseInteger(string value, out long number)
    {
        number = 0;
        return IntegerRegex().IsMatch(value)
            && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>The smallest memory limit every engine accepts (docker refuses less than 6 MiB).</summary>
    public const long MinMemoryBytes = 6L << 20;

    /// <summary>The largest memory limit accepted: 1 TiB.</summary>
    public const long MaxMemoryBytes = 1L << 40;

    /// <summary>The largest number of processors accepted (the host's count is checked where the spec is built).</summary>
    public const decimal MaxCpus = 1024m;

    /// <summary>
    /// A <c>memory_size</c>: digits, then nothing (bytes) or one of K, M, G, T (either case, powers of 1024), from
    /// <see cref="MinMemoryBytes"/> to <see cref="MaxMemoryBytes"/>.
    /// </summary>
    public static bool TryParseMemorySize(string value, out long bytes) =>
        Portique.Core.MemorySize.TryParse(value, out bytes) && bytes is >= MinMemoryBytes and <= MaxMemoryBytes;

    /// <summary>A <c>cpus</c>: a positive decimal with at most two decimals (point), 0.01 to <see cref="MaxCpus"/>; normalised (<c>1.50</c> is <c>1.5</c>).</summary>
    public static bool TryParseCpus(string value, out decimal cpus)
    {
        ArgumentNullException.ThrowIfNull(value);
        cpus = 0;
        if (!CpusRegex().IsMatch(value)
            || !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            || parsed is <= 0 or > MaxCpus)
        {
            return false;
        }

        // Dividing by 1.000... drops the trailing zeros: one value, one text (and one hash).
        cpus = parsed / 1.000000000000000000000000000000000m;
        return true;
    }

    private static bool IsPort(string value) => TryParseInteger(value, out var port) && port is >= 1 and <= 65535;

    internal static bool TryParseIpv4(string value, out uint address)
    {
        address = 0;
        if (!Ipv4Regex().IsMatch(value))
        {
            return false;
        }

        foreach (var part in value.Split('.'))
        {
            address = (address << 8) | uint.Parse(part, CultureInfo.InvariantCulture);
        }

        return true;
    }

    private static bool IsNetmask(string value)
    {
        if (!TryParseIpv4(value, out var mask))
        {
            return false;
        }

        // A mask is ones then zeros: its complement is 2^k - 1.
        var hostBits = ~mask;
        return (hostBits & (hostBits + 1)) == 0;
    }

    internal static bool IsDnsLabel(string value) => DnsLabelRegex().IsMatch(value);

    internal static bool IsDomain(string value)
    {
        if (value.Length > 253)
        {
            return false;
        }

        var labels = value.Split('.');
        return labels.Length >= 2 && labels.All(IsDnsLabel);
    }

    private static bool IsWebAddress(string value)
    {
        var match = WebAddressRegex().Match(value);
        if (!match.Success)
        {
            return false;
        }

        var host = match.Groups["host"].Value;
        var hostIsValid = TryParseIpv4(host, out _)
            || (host.Length <= 253 && host.Split('.').All(IsDnsLabel));
        var port = match.Groups["port"];
        return hostIsValid && (!port.Success || IsPort(port.Value));
    }

    private static bool IsMail(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0
            && MailLocalPartRegex().IsMatch(value[..at])
            && IsDomain(value[(at + 1)..]);
    }

    private static bool IsKeyValue(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            && EnvironmentKeyRegex().IsMatch(value[..equals])
            && value.IndexOfAny(['\n', '\r', '\0']) < 0;
    }

    private static string? AbsolutePathProblem(string value)
    {
        if (!value.StartsWith('/'))
        {
            return Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathNotAbsolute);
        }

        if (value.Any(char.IsControl))
        {
            return Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathControlCharacter);
        }

        if (value.Contains("//", StringComparison.Ordinal))
        {
            return Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathDoubleSlash);
        }

        if (value.Length > 1 && value.EndsWith('/'))
        {
            return Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathTrailingSlash);
        }

        var segments = value.Split('/');
        if (segments.Contains(".."))
        {
            return Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathDotDot);
        }

        return segments.Contains(".") ? Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathDot) : null;
    }

    // Mounting any of these trees would hand the host to a container: refused as host_path, whatever the
    // dictionary says, looking at the text and at what the existing part of the path resolves to.
    private static string? HostPathProblem(string value)
    {
        if (Portique.Core.HostPaths.ForbiddenTree(value) is not { } tree)
        {
            return null;
        }

        var resolved = Portique.Core.HostPaths.Resolve(value);
        return value == "/" || Portique.Core.HostPaths.ForbiddenTrees.Contains(value, StringComparer.Ordinal) ? Messages.FormatHostPathForbidden(Messages.Shown(value))
            : Portique.Core.HostPaths.LexicalTree(value) is { } named ? Messages.FormatHostPathUnder(Messages.Shown(value), named)
            : Messages.FormatHostPathResolves(Messages.Shown(value), resolved, tree);
    }

    // A path that reaches a generated file (nginx) as one word: nothing that file's syntax gives a meaning to.
    private static string? PlainPathProblem(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is ';' or '{' or '}' or '"' or '\'' or '$' or '#' or '\\' or '`')
            ? Messages.FormatTypeAbsolutePath(Messages.Shown(value), Messages.PathNginxSyntax)
            : null;

    // nginx server_name: names separated by spaces, each a host name (a leading "*." or trailing ".*" wildcard
    // allowed), an IPv4 address, or "_".
    private static bool AreServerNames(string value)
    {
        var names = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return names.Length > 0 && names.Length <= 32 && names.All(IsServerName);
    }

    private static bool IsServerName(string name)
    {
        if (name == "_")
        {
            return true;
        }

        var host = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..]
            : name.EndsWith(".*", StringComparison.Ordinal) ? name[..^2]
            : name.StartsWith('.') ? name[1..]
            : name;
        return host.Length is > 0 and <= 253 && (TryParseIpv4(host, out _) || host.Split('.').All(IsDnsLabel));
    }

    [GeneratedRegex(@"^[+-]?[0-9]+\z")]
    private static partial Regex IntegerRegex();

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z")]
    private static partial Regex Ipv4Regex();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z")]
    private static partial Regex DnsLabelRegex();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z")]
    private static partial Regex ServiceNameRegex();

    [GeneratedRegex(@"^https?://(?<host>[A-Za-z0-9.-]+)(:(?<port>[0-9]{1,5}))?(?<path>/[\x21-\x7E]*)?\z")]
    private static partial Regex WebAddressRegex();

    [GeneratedRegex(@"^[A-Za-z0-9._~/+-]+\z")]
    private static partial Regex UnixFilenameRegex();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\z")]
    private static partial Regex MailLocalPartRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvironmentKeyRegex();

    [GeneratedRegex(@"^[0-9]{1,4}(\.[0-9]{1,2})?\z")]
    private static partial Regex CpusRegex();
}
