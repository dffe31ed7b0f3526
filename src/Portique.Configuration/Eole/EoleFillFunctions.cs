using System.Globalization;

namespace Portique.Configuration;

/// <summary>An argument of an EOLE fill function: its <c>name</c> (null when positional), its items, whether it is a list.</summary>
/// <param name="Name">The <c>&lt;param name='...'&gt;</c>, or null for a positional argument.</param>
/// <param name="Items">The items (one for a single value; <see langword="null"/> items are Python's <c>None</c>).</param>
/// <param name="IsList">Whether the value is a list (a multi variable, a Python list).</param>
internal sealed record FillArgument(string? Name, IReadOnlyList<string?> Items, bool IsList)
{
    /// <summary>The value as Python sees it: <see langword="null"/>, a text, or the list.</summary>
    internal object? Value => IsList ? Items : Items.Count == 0 ? null : Items[0];
}

/// <summary>
/// EOLE's standard fill functions (eosfunc), computed with EOLE's semantics:
/// <list type="bullet">
/// <item><c>calc_network(ip, netmask)</c>, <c>calc_broadcast(ip, netmask)</c>: the network / broadcast address; no value if either is missing or invalid.</item>
/// <item><c>calc_classe(netmask)</c>: the prefix length of a netmask (<c>255.255.255.0</c> → <c>24</c>).</item>
/// <item><c>calc_val_first_value(p1, ...)</c>: the first positional parameter's value.</item>
/// <item><c>auto_copy_val(valeur)</c>, <c>calc_val_test(valeur=None)</c>: as <c>calc_val</c> (EOLE's Zephir test
/// dictionaries define <c>calc_val_test</c> as "the value given").</item>
/// <item><c>calc_multi_condition(param, match='oui', mismatch='non', operator='AND', default_match, default_mismatch,
/// eval_match, eval_mismatch, condition_1, ...)</c>: compares every <c>condition_*</c> (in key order) with <c>param</c>
/// (or, when <c>param</c> is a Python list, with its element of the same rank); AND: <c>match</c> when all equal, OR: when one does.
/// <c>default_match='None'</c> gives no value; <c>eval_*='True'</c> reads the result as a (safe) Python literal.</item>
/// <item><c>list_len_gt(param, max_len, match, mismatch, ...)</c>: <c>match</c> when the list has more than <c>max_len</c> items.</item>
/// </list>
/// <item><c>auto_eth</c>, <c>auto_netmask</c>, <c>auto_broadcast(nom_carte, parametre, condition)</c>: when <c>parametre</c>
/// equals <c>condition</c> (an interface configured by DHCP), the host's address, netmask or broadcast of <c>nom_carte</c>;
/// <item><c>calc_ip_conteneur(nom, reseau)</c> (Portique's own): a service's private address in the network <c>reseau</c>, from its name (docs/network.md).</item>
/// <item><c>calc_ip_remplacement(nom, reseau)</c> (Portique's own): its second address, for replacements without interruption (docs/replacement.md).</item>
/// <c>calc_or_auto_network</c>, <c>calc_or_auto_broadcast(nom_carte, parametre, condition, ip, netmask)</c>: the host's
/// then, else computed from <c>ip</c> and <c>netmask</c>; <c>auto_defaultgw_ip(method)</c>: the host's default gateway
/// unless <c>method</c> is <c>statique</c>; <c>is_instanciate()</c>: <c>oui</c> once the server is instantiated
/// (<c>/etc/eole/.instance</c>), else <c>non</c>; <c>get_version(name)</c>: that key of <c>/etc/eole/release</c>. The host is read through <see cref="IEoleHost"/> (files under the root).</item>
/// Other functions (EOLE's machinery: <c>get_zone_name</c>, <c>calc_container</c>...) are not computed (<c>random_int</c> is drawn once and stored when config.eol is written, see <see cref="RandomRange"/>):
/// the stored value, else the default applies. Values are compared as text.
/// </summary>
internal static class EoleFillFunctions
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "calc_network", "calc_broadcast", "calc_classe", "calc_val_first_value", "auto_copy_val", "calc_val_test", "calc_multi_condition", "list_len_gt",
        "auto_eth", "auto_netmask", "auto_broadcast", "calc_or_auto_network", "calc_or_auto_broadcast", "auto_defaultgw_ip",
        "is_instanciate", "get_version", "calc_ip_conteneur", "calc_ip_remplacement",
    };

    /// <summary>The functions Portique computes.</summary>
    public static IReadOnlyCollection<string> Names => Known;

    /// <summary>Whether Portique computes <paramref name="function"/>.</summary>
    public static bool IsComputed(string function) => Known.Contains(function);

    /// <summary>Computes a function; <see langword="null"/> means no value (or a function Portique does not compute).</summary>
    /// <param name="function">The fill's function name.</param>
    /// <param name="arguments">Its params, evaluated.</param>
    /// <param name="host">What the host-reading functions read (<c>auto_eth</c>...); without it they give no value.</param>
    public static IReadOnlyList<string?>? Compute(string function, IReadOnlyList<FillArgument> arguments, IEoleHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(arguments);
        var positional = arguments.Where(a => a.Name is null).ToList();
        var named = arguments.Where(a => a.Name is not null).GroupBy(a => a.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

        FillArgument? Argument(string name, int index) =>
            named.TryGetValue(name, out var found) ? found : index < positional.Count ? positional[index] : null;

        string? Text(string name, int index) => Argument(name, index)?.Value as string;

        return function switch
        {
            "calc_network" => Network(Text("ip", 0), Text("netmask", 1), broadcast: false),
            "calc_broadcast" => Network(Text("ip", 0), Text("netmask", 1), broadcast: true),
            "calc_classe" => Text("netmask", 0) is { } mask ? [Classe(mask)] : null,
            "calc_val_first_value" => positional.Count == 0 ? null : NoneIfEmpty(positional[0].Items),
            "auto_copy_val" or "calc_val_test" => Argument("valeur", 0) is { } value ? NoneIfEmpty(value.Items) : null,
            "calc_multi_condition" => MultiCondition(Argument("param", 0), named),
            "list_len_gt" => ListLengthGreater(Argument("param", 0), Text("max_len", 1), named),
            "auto_eth" => FromHost(a => a.Address),
            "auto_netmask" => FromHost(a => a.Netmask),
            "auto_broadcast" => FromHost(a => Network(a.Address, a.Netmask, broadcast: true)?[0]),
            "calc_or_auto_network" => Applies() ? FromHost(a => Network(a.Address, a.Netmask, broadcast: false)?[0]) : Network(Text("ip", 3), Text("netmask", 4), broadcast: false),
            "calc_or_auto_broadcast" => Applies() ? FromHost(a => Network(a.Address, a.Netmask, broadcast: true)?[0]) : Network(Text("ip", 3), Text("netmask", 4), broadcast: true),
            "is_instanciate" => host is null ? null : [host.IsInstantiated ? "oui" : "non"],
            "get_version" => Text("name", 0) is { } key && host?.Release(key) is { } release ? [release] : null,
            "calc_ip_conteneur" => ServiceAddress(Text("nom", 0), Text("reseau", 1), replacement: false),
            "calc_ip_remplacement" => ServiceAddress(Text("nom", 0), Text("reseau", 1), replacement: true),
            "auto_defaultgw_ip" => Text("method", 0) is { } method && method != "statique" && host?.DefaultGateway() is { } gateway ? [gateway] : null,
            _ => null,
        };

        // EOLE's auto_* (nom_carte, parametre, condition): read from the host when the interface's method
        // (parametre) is the one given (condition, e.g. 'dhcp'); otherwise no value.
        bool Applies() => Text("parametre", 1) is { } parameter && parameter == Text("condition", 2);

        string?[]? FromHost(Func<HostAddress, string?> read) =>
            Applies() && Text("nom_carte", 0) is { } card && host?.Address(card) is { } address && read(address) is { } value ? [value] : null;
    }

    /// <summary>
    /// EOLE's <c>calc_multi_val</c>: a single parameter's value is appended (a parameter without value gives no
    /// value at all, or is skipped with <c>allow_none</c>); a list's items are appended unless already present.
    /// </summary>
    public static IReadOnlyList<string?>? CalcMultiVal(IReadOnlyList<FillArgument> arguments, bool allowNone)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var result = new List<string?>();
        foreach (var argument in arguments)
        {
            if (argument.IsList)
            {
                result.AddRange(argument.Items.Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.Ordinal).Where(i => !result.Contains(i, StringComparer.Ordinal)).ToList());
                continue;
            }

            var value = argument.Items.Count == 0 ? null : argument.Items[0];
            if (string.IsNullOrEmpty(value))
            {
                if (allowNone)
                {
                    continue;
                }

                return null;
            }

            result.Add(value);
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// Portique's own <c>calc_ip_conteneur(nom, reseau)</c>: the private address of the service named <c>nom</c> in the
    /// network <c>reseau</c> (CIDR), derived from the name (<see cref="Core.PrivateNetwork.AddressFor"/>); no value when
    /// either is missing or the network is not usable (validation says why).
    /// </summary>
    /// <remarks>
    /// <c>calc_ip_remplacement(nom, reseau)</c>, <paramref name="replacement"/> true: its second address, where a new
    /// instance starts beside the old one (<see cref="Core.PrivateNetwork.ReplacementAddressFor"/>, docs/replacement.md).
    /// </remarks>
    private static string?[]? ServiceAddress(string? name, string? network, bool replacement) =>
        string.IsNullOrEmpty(name) || Core.PrivateNetwork.TryParse(network, out _) is not { } parsed ? null
        : [replacement ? parsed.ReplacementAddressFor(name) : parsed.AddressFor(name)];

    private static IReadOnlyList<string?>? NoneIfEmpty(IReadOnlyList<string?> items) => items.Any(i => i is not null) ? items : null;

    private static string?[]? Network(string? ip, string? netmask, bool broadcast)
    {
        if (ip is null || netmask is null || !VariableTypes.TryParseIpv4(ip, out var address) || !TryParseMask(netmask, out var mask))
        {
            return null;
        }

        var network = address & mask;
        return [FormatIpv4(broadcast ? network | ~mask : network)];
    }

    /// <summary>A dotted netmask, or a prefix length as ipaddress accepts it.</summary>
    private static bool TryParseMask(string text, out uint mask)
    {
        if (VariableTypes.TryParseIpv4(text, out mask))
        {
            var hostBits = ~mask;
            return (hostBits & (hostBits + 1)) == 0;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix is >= 0 and <= 32)
        {
            mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            return true;
        }

        return false;
    }

    internal static string FormatIpv4(uint address) =>
        string.Join('.', new[] { address >> 24, (address >> 16) & 255, (address >> 8) & 255, address & 255 }.Select(p => p.ToString(CultureInfo.InvariantCulture)));

    /// <summary>EOLE's <c>calc_classe</c>: the prefix length of a contiguous netmask, else the text unchanged.</summary>
    public static string Classe(string netmask)
    {
        ArgumentNullException.ThrowIfNull(netmask);
        if (VariableTypes.TryParseIpv4(netmask, out var mask) && ((~mask & (~mask + 1)) == 0))
        {
            return System.Numerics.BitOperations.PopCount(mask).ToString(CultureInfo.InvariantCulture);
        }

        return netmask;
    }

    private static (object? Match, object? Mismatch)? Outcomes(IReadOnlyDictionary<string, FillArgument> named)
    {
        string? Option(string name) => named.TryGetValue(name, out var a) ? a.Value as string : null;
        object? Result(string given, string defaultName, string fallback, string evalName)
        {
            object? value = named.ContainsKey(given) ? Option(given)
                : Option(defaultName) is { } d ? (d == "None" ? null : d)
                : fallback;
            if (Option(evalName) == "True" && value is string text)
            {
                return PythonLiteral.TryEvaluate(text, out var evaluated) ? evaluated : throw new FormatException(text);
            }

            return value;
        }

        try
        {
            return (Result("match", "default_match", "oui", "eval_match"), Result("mismatch", "default_mismatch", "non", "eval_mismatch"));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string?>? AsItems(object? value) => value switch
    {
        null => null,
        List<object?> list => list.Select(PythonLiteral.Text).ToArray(),
        _ => [PythonLiteral.Text(value)],
    };

    private static IReadOnlyList<string?>? MultiCondition(FillArgument? parameter, IReadOnlyDictionary<string, FillArgument> named)
    {
        var operatorName = named.TryGetValue("operator", out var op) ? op.Value as string : "AND";
        if (parameter is null || operatorName is not ("AND" or "OR") || Outcomes(named) is not { } outcomes)
        {
            return null;
        }

        var (match, mismatch) = outcomes;

        var param = parameter.Value;
        if (param is string text && text.StartsWith('['))
        {
            if (!PythonLiteral.TryEvaluate(text, out param))
            {
                return null;
            }
        }

        // Python sorts the keys as text: condition_10 comes before condition_2, as in EOLE.
        var conditions = named.Where(n => n.Key.StartsWith("condition_", StringComparison.Ordinal))
            .OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Value).ToList();
        if (param is List<object?> expected && expected.Count != conditions.Count)
        {
            return null;
        }

        for (var index = 0; index < conditions.Count; index++)
        {
            var wanted = param is List<object?> list ? PythonLiteral.Text(list[index]) : param as string;
            var condition = conditions[index];
            var equal = !condition.IsList && condition.Value as string == wanted;
            if (operatorName == "AND" && !equal)
            {
                return AsItems(mismatch);
            }

            if (operatorName == "OR" && equal)
            {
                return AsItems(match);
            }
        }

        return AsItems(operatorName == "AND" ? match : mismatch);
    }

    private static IReadOnlyList<string?>? ListLengthGreater(FillArgument? parameter, string? maxLength, IReadOnlyDictionary<string, FillArgument> named)
    {
        if (Outcomes(named) is not { } outcomes)
        {
            return null;
        }

        var (match, mismatch) = outcomes;

        if (parameter is { IsList: true } list && long.TryParse(maxLength, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var max))
        {
            return AsItems(list.Items.Count > max ? match : mismatch);
        }

        return AsItems(mismatch);
    }
}
