using System.Globalization;
using System.Numerics;

namespace Portique.Templating.Runtime;

/// <summary>
/// The helpers EOLE's creole puts in every template's namespace (eosfunc), with EOLE's semantics:
/// <c>upper</c>, <c>lower</c>, <c>purge_list</c> (duplicates removed, first kept), <c>is_file</c>,
/// <c>calc_classe</c> (netmask → prefix length), <c>calc_network</c>, <c>calc_broadcast</c>, and
/// Cheetah's <c>hasVar</c> and Python's <c>getattr</c>/<c>hasattr</c>.
/// </summary>
internal static class EoleHelpers
{
    public static IEnumerable<BuiltinFunction> All { get; } =
    [
        new("upper", 1, 1, (_, args) => Arity.String("upper", args[0]).ToUpperInvariant()),
        new("lower", 1, 1, (_, args) => Arity.String("lower", args[0]).ToLowerInvariant()),
        new("purge_list", 1, 1, (_, args) => PurgeList(args[0])),
        new("is_file", 1, 1, (context, args) => context.Scope.FileExists(Arity.String("is_file", args[0]))),
        new("calc_classe", 1, 1, (_, args) => Classe(Arity.String("calc_classe", args[0]))),
        new("calc_network", 2, 2, (_, args) => Network(args, broadcast: false)),
        new("calc_broadcast", 2, 2, (_, args) => Network(args, broadcast: true)),
        new("hasVar", 1, 1, (context, args) => context.Locals.ContainsKey(Arity.String("hasVar", args[0])) || context.Globals.ContainsKey(Arity.String("hasVar", args[0]))
            || context.Scope.TryGetVariable(Arity.String("hasVar", args[0]), out _)),
        new("getattr", 2, 3, GetAttribute),
        new("hasattr", 2, 2, (context, args) => TryGetAttribute(args[0], Arity.String("hasattr", args[1]), out _)),

        // Python builtins real EOLE templates call.
        new("sorted", 1, 1, (_, args) => Sorted(args[0])),
        new("reversed", 1, 1, (_, args) => PythonSequences.Iterate(args[0]).Reverse().ToList()),
        new("list", 0, 1, (_, args) => args.Count == 0 ? [] : PythonSequences.Iterate(args[0]).ToList()),
        new("tuple", 0, 1, (_, args) => new TupleValue(args.Count == 0 ? [] : [.. PythonSequences.Iterate(args[0])])),
        new("dict", 0, 0, (_, _) => new PythonDict()),
        new("sum", 1, 1, (_, args) => PythonSequences.Iterate(args[0]).Aggregate((object?)0L, PythonOperators.Add)),
        new("abs", 1, 1, (_, args) => PythonValue.Unwrap(args[0]) switch
        {
            long l => l == long.MinValue ? throw new EvaluationException(Messages.ArithmeticOverflow) : (object)Math.Abs(l),
            double d => Math.Abs(d),
            _ => throw Arity.WrongType("abs", "int, float", args[0]),
        }),
        new("zip", 1, int.MaxValue, (_, args) => Zip(args)),
    ];

    private static List<object?> Sorted(object? value)
    {
        var items = PythonSequences.Iterate(value).ToList();
        var comparer = Comparer<object?>.Create((a, b) => PythonOperators.Compare(a, b, "<"));
        return [.. items.Order(comparer)];
    }

    private static List<object?> Zip(IReadOnlyList<object?> args)
    {
        var lists = args.Select(a => PythonSequences.Iterate(a).ToList()).ToList();
        var length = lists.Min(l => l.Count);
        return [.. Enumerable.Range(0, length).Select(i => (object?)new TupleValue([.. lists.Select(l => l[i])]))];
    }

    private static List<object?> PurgeList(object? value)
    {
        var result = new List<object?>();
        foreach (var item in PythonSequences.Iterate(value))
        {
            if (!result.Any(kept => PythonOperators.AreEqual(kept, item)))
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static object? GetAttribute(RenderContext context, IReadOnlyList<object?> args)
    {
        var name = Arity.String("getattr", args[1]);
        if (TryGetAttribute(args[0], name, out var value))
        {
            return value;
        }

        return args.Count > 2 ? args[2] : Members.GetAttribute(args[0], name);
    }

    private static bool TryGetAttribute(object? target, string name, out object? value)
    {
        try
        {
            value = Members.GetAttribute(target, name);
            return true;
        }
        catch (EvaluationException)
        {
            value = null;
            return false;
        }
    }

    private static bool TryParseIpv4(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }

            address = (address << 8) | octet;
        }

        return true;
    }

    private static bool IsMask(uint mask) => ((~mask) & (~mask + 1)) == 0;

    /// <summary>The prefix length of a contiguous netmask, else the text unchanged.</summary>
    private static string Classe(string netmask) =>
        TryParseIpv4(netmask, out var mask) && IsMask(mask) ? BitOperations.PopCount(mask).ToString(CultureInfo.InvariantCulture) : netmask;

    private static string? Network(IReadOnlyList<object?> args, bool broadcast)
    {
        if (PythonValue.Unwrap(args[0]) is not string ip || PythonValue.Unwrap(args[1]) is not string netmask
            || !TryParseIpv4(ip, out var address) || !TryParseIpv4(netmask, out var mask) || !IsMask(mask))
        {
            return null;
        }

        var network = address & mask;
        var result = broadcast ? network | ~mask : network;
        return string.Join('.', new[] { result >> 24, (result >> 16) & 255, (result >> 8) & 255, result & 255 }.Select(p => p.ToString(CultureInfo.InvariantCulture)));
    }
}
