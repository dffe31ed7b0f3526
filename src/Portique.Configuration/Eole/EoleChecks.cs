using System.Text.RegularExpressions;

namespace Portique.Configuration;

/// <summary>
/// EOLE's check functions beyond valid_enum/valid_entier/obligatoire. Enforced:
/// <c>valid_regexp(exp_reg, err_msg)</c> (Python's <c>re.match</c>: anchored at the start),
/// <c>valid_differ(value)</c> and <c>valid_not_equal(value)</c> (the value must differ from a literal or a variable's value),
/// <c>valid_lower</c> / <c>valid_upper</c> (no upper / lower case letter), <c>valid_len(length, min_len, max_len)</c>,
/// <c>valid_chaine(forbidden_chars)</c>, <c>valid_in_network(network, netmask)</c>, <c>valid_country</c> (two upper case
/// letters), <c>valid_netmask</c>, and on a netmask <c>valid_ipnetmask(ip)</c> (the address is neither the network nor the
/// broadcast address) and <c>valid_network_netmask(network)</c> (the network is a network address for it).
/// Any other function (EOLE's machinery, a module's own eosfunc) is loaded and kept, not enforced.
/// </summary>
internal static class EoleChecks
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>What is wrong with the params of a check at load time, or null.</summary>
    public static string? ParamProblem(string function, IReadOnlyList<ParamDeclaration> parameters)
    {
        if (function == "valid_regexp")
        {
            var pattern = Param(parameters, "exp_reg", 0);
            if (pattern is null || pattern.IsVariable)
            {
                return EoleMessages.FormatCheckParamMissing("exp_reg", function);
            }

            try
            {
                _ = new Regex(pattern.Text, RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (ArgumentException)
            {
                return EoleMessages.FormatRegexInvalid(Messages.Shown(pattern.Text));
            }
        }

        return null;
    }

    /// <summary>Checks one non-empty item; <paramref name="valueOf"/> reads another variable's items.</summary>
    public static string? Problem(CheckDeclaration check, string item, string shown, Func<string, IReadOnlyList<string?>> valueOf)
    {
        var parameters = check.Params;
        string? Literal(string name, int index) => Param(parameters, name, index) is { } p
            ? p.IsVariable ? valueOf(p.Text).FirstOrDefault() : p.Text
            : null;

        switch (check.Function)
        {
            case "valid_regexp":
                // The dictionary's err_msg (root's, trusted) is shown whole, as EOLE shows it; only control characters are escaped.
                var pattern = Literal("exp_reg", 0) ?? "";
                try
                {
                    var match = Regex.Match(item, pattern, RegexOptions.CultureInvariant, RegexTimeout);
                    return match.Success && match.Index == 0 ? null : EoleMessages.FormatRegexMismatch(shown, Messages.Shown(Literal("err_msg", 1) ?? "Invalid syntax", int.MaxValue));
                }
                catch (RegexMatchTimeoutException)
                {
                    return EoleMessages.FormatRegexMismatch(shown, Messages.Shown(Literal("err_msg", 1) ?? "Invalid syntax", int.MaxValue));
                }

            case "valid_differ" or "valid_not_equal":
                foreach (var p in parameters)
                {
                    var others = p.IsVariable ? valueOf(p.Text) : [p.Text];
                    if (others.Contains(item, StringComparer.Ordinal))
                    {
                        return EoleMessages.FormatMustDiffer(shown, p.IsVariable ? p.Text : Messages.Shown(p.Text));
                    }
                }

                return null;
            case "valid_enum":
                var allowed = parameters.Where(p => p.Name is null)
                    .SelectMany(p => p.IsVariable ? valueOf(p.Text) : PythonLiteral.TryEvaluate(p.Text, out var list) ? PythonLiteral.Items(list) : [p.Text])
                    .OfType<string>().ToArray();
                var closed = Literal("checkval", -1) != "False";
                return !closed || allowed.Contains(item, StringComparer.Ordinal) ? null : Messages.FormatEnumNotAllowed(Messages.Shown(shown), string.Join(", ", allowed));
            case "valid_entier":
                if (!VariableTypes.TryParseInteger(item, out var number))
                {
                    return Messages.FormatRangeNotInteger(Messages.Shown(shown));
                }

                return Bound("mini") is { } low && number < low ? Messages.FormatRangeAtLeast(Messages.Shown(shown), low)
                    : Bound("maxi") is { } high && number > high ? Messages.FormatRangeAtMost(Messages.Shown(shown), high)
                    : null;
            case "valid_lower":
                return !item.Any(char.IsUpper) ? null : EoleMessages.FormatMustBeLower(shown);
            case "valid_upper":
                return !item.Any(char.IsLower) ? null : EoleMessages.FormatMustBeUpper(shown);
            case "valid_len":
                var length = item.Length;
                return Bound("length") is { } exact && length != exact ? EoleMessages.FormatLengthExact(exact)
                    : Bound("min_len") is { } min && length < min ? EoleMessages.FormatLengthAtLeast(min)
                    : Bound("max_len") is { } max && length > max ? EoleMessages.FormatLengthAtMost(max)
                    : null;
            case "valid_chaine":
                var forbidden = Literal("forbidden_chars", 0) is { } list && PythonLiteral.TryEvaluate(list, out var value)
                    ? PythonLiteral.Items(value).OfType<string>().ToArray()
                    : [" "];
                var found = forbidden.FirstOrDefault(f => f.Length > 0 && item.Contains(f, StringComparison.Ordinal));
                return found is null ? null : EoleMessages.FormatForbiddenCharacter(shown, Messages.Shown(found));
            case "valid_in_network":
                if (Literal("network", 0) is { } network && Literal("netmask", 1) is { } netmask
                    && VariableTypes.TryParseIpv4(item, out var address)
                    && VariableTypes.TryParseIpv4(network, out var net) && VariableTypes.TryParseIpv4(netmask, out var mask)
                    && (address & mask) != (net & mask))
                {
                    return EoleMessages.FormatNotInNetwork(shown, network, netmask);
                }

                return null;
            case "valid_country":
                return item.Length == 2 && item.All(char.IsAsciiLetterUpper) ? null : EoleMessages.FormatCountryInvalid(Messages.Shown(item));
            case "valid_netmask":
                return IsNetmask(item, out _) ? null : EoleMessages.FormatNetmaskInvalid(Messages.Shown(item));
            case "valid_ipnetmask":
                // The target is the netmask, the param the address (Tiramisu's validate_ip_netmask).
                if (IsNetmask(item, out var ipMask) && Literal("ip", 0) is { } ip && VariableTypes.TryParseIpv4(ip, out var ipAddress)
                    && ipMask != uint.MaxValue && ((ipAddress & ~ipMask) == 0 || (ipAddress | ipMask) == uint.MaxValue))
                {
                    return EoleMessages.FormatIpIsNetworkOrBroadcast(ip, item);
                }

                return null;
            case "valid_network_netmask":
                // The target is the netmask, the param the network (Tiramisu's validate_network_netmask).
                if (IsNetmask(item, out var networkMask) && Literal("network", 0) is { } networkText
                    && VariableTypes.TryParseIpv4(networkText, out var networkAddress) && (networkAddress & ~networkMask) != 0)
                {
                    return EoleMessages.FormatNotNetworkAddress(networkText, item);
                }

                return null;
            default:
                return null;
        }

        long? Bound(string name) => Literal(name, -1) is { } text && VariableTypes.TryParseInteger(text, out var n) ? n : null;
    }

    private static bool IsNetmask(string text, out uint mask) =>
        VariableTypes.TryParseIpv4(text, out mask) && (~mask & (~mask + 1)) == 0;

    private static ParamDeclaration? Param(IReadOnlyList<ParamDeclaration> parameters, string name, int index)
    {
        var named = parameters.LastOrDefault(p => p.Name == name);
        if (named is not null || index < 0)
        {
            return named;
        }

        var positional = parameters.Where(p => p.Name is null).ToList();
        return index < positional.Count ? positional[index] : null;
    }
}
