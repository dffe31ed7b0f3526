using System.Collections.Frozen;
using System.Globalization;

namespace Portique.Templating.Runtime;

/// <summary>
/// The functions templates may call, bare (<c>len(x)</c>) or as placeholders (<c>%%is_defined('x')</c>):
/// a few Python builtins and the Creole helpers.
/// </summary>
internal static class BuiltinFunctions
{
    private static readonly FrozenDictionary<string, BuiltinFunction> All = new BuiltinFunction[]
    {
        new("int", 1, 1, (_, args) => ToInteger(args[0])),
        new("str", 0, 1, (_, args) => args.Count == 0 ? string.Empty : PythonText.Str(args[0])),
        new("bool", 0, 1, (_, args) => args.Count > 0 && PythonValue.IsTrue(args[0])),
        new("len", 1, 1, (_, args) => (long)PythonSequences.Length(args[0])),
        new("range", 1, 3, (_, args) => Range(args)),
        new("enumerate", 1, 2, (_, args) => Enumerate(args)),
        new("min", 1, int.MaxValue, (_, args) => Extreme("min", args, sign: -1)),
        new("max", 1, int.MaxValue, (_, args) => Extreme("max", args, sign: 1)),
        new("is_defined", 1, 1, (context, args) => context.Scope.TryGetVariable(Arity.String("is_defined", args[0]), out _)),
        new("getVar", 1, 2, GetVar),
        new("is_empty", 1, 1, (_, args) => IsEmpty(args[0])),
        new("custom_join", 1, 2, (_, args) => CustomJoin(args)),
        new("shell_quote", 1, 1, (_, args) => ShellQuote(args[0])),
    }.Concat(EoleHelpers.All).ToFrozenDictionary(function => function.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out BuiltinFunction function) => All.TryGetValue(name, out function!);

    private static long ToInteger(object? value)
    {
        if (PythonValue.IsInteger(value, out var integer))
        {
            return integer;
        }

        switch (PythonValue.Unwrap(value))
        {
            case double d when d is > -9.2233720368547758E+18 and < 9.2233720368547758E+18:
                return (long)d;
            case double:
                throw new EvaluationException(Messages.ArithmeticOverflow);
            case string text:
                const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
                return long.TryParse(text, Style, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw new EvaluationException(Messages.FormatInvalidInteger(PythonText.Repr(text)));
            default:
                throw Arity.WrongType("int", "str, int, float", value);
        }
    }

    private static object?[] Range(IReadOnlyList<object?> args)
    {
        var numbers = args.Select(argument => Arity.Integer("range", argument)).ToArray();
        var (start, stop, step) = numbers.Length switch
        {
            1 => (0, numbers[0], 1),
            2 => (numbers[0], numbers[1], 1),
            _ => (numbers[0], numbers[1], numbers[2]),
        };
        if (step == 0)
        {
            throw new EvaluationException(Messages.RangeStepZero);
        }

        var span = step > 0 ? (Int128)stop - start : (Int128)start - stop;
        var count = span <= 0 ? 0 : (span - 1) / Int128.Abs(step) + 1;
        RenderLimits.CheckSequenceLength(count > RenderLimits.MaxSequenceLength ? long.MaxValue : (long)count);
        var items = new object?[(int)count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = start + i * step;
        }

        return items;
    }

    private static object?[] Enumerate(IReadOnlyList<object?> args)
    {
        var start = args.Count > 1 ? Arity.Integer("enumerate", args[1]) : 0;
        return [.. PythonSequences.Iterate(args[0]).Select((item, index) => new TupleValue([start + index, item]))];
    }

    /// <summary><c>min</c>/<c>max</c> of one iterable or of several arguments; the first extreme wins ties.</summary>
    private static object? Extreme(string name, IReadOnlyList<object?> args, int sign)
    {
        var candidates = args.Count == 1 ? PythonSequences.Iterate(args[0]).ToList() : args;
        if (candidates.Count == 0)
        {
            throw new EvaluationException(Messages.FormatEmptySequence(name));
        }

        return candidates.Aggregate((best, candidate) =>
            PythonOperators.Compare(candidate, best, name) * sign > 0 ? candidate : best);
    }

    private static object? GetVar(RenderContext context, IReadOnlyList<object?> args)
    {
        var name = Arity.String("getVar", args[0]);
        if (context.Scope.TryGetVariable(name, out var value))
        {
            return PythonValue.Normalize(value);
        }

        return args.Count > 1 ? args[1] : throw new EvaluationException(Messages.FormatUndefinedVariable(name));
    }

    /// <summary>Creole's notion of empty: None, '', an empty list, or a list holding only ''.</summary>
    private static bool IsEmpty(object? value) => PythonValue.Unwrap(value) switch
    {
        null => true,
        string text => text.Length == 0,
        IReadOnlyList<object?> list => list.Count == 0 || (list.Count == 1 && PythonValue.Unwrap(list[0]) is ""),
        _ => false,
    };

    /// <summary>
    /// One POSIX shell word whose value is exactly the text: <c>'...'</c>, each <c>'</c> written <c>'\''</c>
    /// (None gives <c>''</c>). Nothing inside single quotes is special to the shell.
    /// </summary>
    internal static string ShellQuote(object? value)
    {
        var text = PythonValue.Unwrap(value) is null ? string.Empty : PythonText.Str(value);
        return "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static string CustomJoin(IReadOnlyList<object?> args)
    {
        var separator = args.Count > 1 ? Arity.String("custom_join", args[1]) : " ";
        return StringMethods.Join(separator, PythonSequences.Iterate(args[0]).Select(PythonText.Str));
    }
}
