namespace Portique.Templating.Runtime;

/// <summary>
/// Attribute access and method calls: <c>%%row.slave_name</c> reads a slave of a master row,
/// <c>%%x.upper()</c> calls a method, and <c>%%x.upper</c> calls it too (Cheetah's autocall).
/// </summary>
internal static class Members
{
    public static object? GetAttribute(object? target, string name)
    {
        if (target is CreoleRow row && row.Slaves.TryGetValue(name, out var slave))
        {
            return PythonValue.Normalize(slave);
        }

        // EOLE 2.3's multi items: .value is the item, .index its rank.
        if (target is CreoleRow { Index: { } index } eoleRow && name is "value" or "index")
        {
            return name == "value" ? PythonValue.Normalize(eoleRow.Value) : (long)index;
        }

        var value = PythonValue.Unwrap(target);
        if (HasMethod(value, name))
        {
            return CallMethod(value, name, []);
        }

        throw new EvaluationException(target is CreoleRow masterRow
            ? Messages.FormatUnknownSlave(name, string.Join(", ", masterRow.Slaves.Keys.Order(StringComparer.Ordinal)))
            : Messages.FormatUnknownAttribute(PythonValue.TypeName(target), name));
    }

    public static object? CallMethod(object? target, string name, IReadOnlyList<object?> arguments)
    {
        switch (PythonValue.Unwrap(target))
        {
            case string text when StringMethods.All.TryGetValue(name, out var method):
                Arity.Check(name, method.MinArguments, method.MaxArguments, arguments);
                return method.Invoke(text, arguments);
            case IReadOnlyList<object?> list when ListMethods.All.TryGetValue(name, out var method):
                Arity.Check(name, method.MinArguments, method.MaxArguments, arguments);
                return method.Invoke(list, arguments);
            case List<object?> mutable when name is "append" or "extend":
                Arity.Check(name, 1, 1, arguments);
                if (name == "append")
                {
                    mutable.Add(arguments[0]);
                }
                else
                {
                    mutable.AddRange(PythonSequences.Iterate(arguments[0]).ToList());
                }

                RenderLimits.CheckSequenceLength(mutable.Count);
                return null;
            case PythonDict dict:
                return dict.CallMethod(name, arguments);
            default:
                throw new EvaluationException(Messages.FormatUnknownMethod(PythonValue.TypeName(target), name));
        }
    }

    private static bool HasMethod(object? value, string name) => value switch
    {
        string => StringMethods.All.ContainsKey(name),
        IReadOnlyList<object?> => ListMethods.All.ContainsKey(name),
        PythonDict => PythonDict.HasMethod(name),
        _ => false,
    };
}
