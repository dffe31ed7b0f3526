namespace Portique.Templating.Runtime;

/// <summary>Python iteration, <c>len()</c>, indexing and slicing over strings and lists.</summary>
internal static class PythonSequences
{
    public static IEnumerable<object?> Iterate(object? value) => PythonValue.Unwrap(value) switch
    {
        string text => text.Select(c => (object?)c.ToString()),
        IReadOnlyList<object?> list => list.Select(PythonValue.Normalize),
        PythonDict dict => dict.Keys.ToList(),
        _ => throw new EvaluationException(Messages.FormatNotIterable(PythonValue.TypeName(value))),
    };

    public static int Length(object? value) => PythonValue.Unwrap(value) switch
    {
        string text => text.Length,
        IReadOnlyList<object?> list => list.Count,
        PythonDict dict => dict.Count,
        _ => throw new EvaluationException(Messages.FormatHasNoLength(PythonValue.TypeName(value))),
    };

    public static object? Index(object? target, object? index)
    {
        switch (PythonValue.Unwrap(target))
        {
            case string text:
                return text[ResolveIndex(index, text.Length)].ToString();
            case IReadOnlyList<object?> list:
                return PythonValue.Normalize(list[ResolveIndex(index, list.Count)]);
            case PythonDict dict:
                return dict.Get(index);
            default:
                throw new EvaluationException(Messages.FormatNotIndexable(PythonValue.TypeName(target)));
        }
    }

    /// <summary><c>target[start:stop]</c>: bounds are clamped, never out of range, as in Python.</summary>
    public static object? Slice(object? target, object? start, object? stop)
    {
        switch (PythonValue.Unwrap(target))
        {
            case string text:
                var (from, to) = SliceBounds(start, stop, text.Length);
                return text[from..to];
            case IReadOnlyList<object?> list:
                (from, to) = SliceBounds(start, stop, list.Count);
                object?[] items = [.. list.Skip(from).Take(to - from)];
                return list is TupleValue ? new TupleValue(items) : items;
            default:
                throw new EvaluationException(Messages.FormatNotIndexable(PythonValue.TypeName(target)));
        }
    }

    /// <summary>Unpacks one loop item into <paramref name="count"/> values (<c>%for %%i, %%x in ...</c>).</summary>
    public static IReadOnlyList<object?> Unpack(object? value, int count)
    {
        var items = Iterate(value).Take(count + 1).ToList();
        return items.Count == count ? items : throw new EvaluationException(Messages.FormatUnpackMismatch(count, items.Count));
    }

    private static int ResolveIndex(object? index, int length)
    {
        var position = IntegerIndex(index);
        var resolved = position < 0 ? position + length : position;
        return resolved >= 0 && resolved < length
            ? (int)resolved
            : throw new EvaluationException(Messages.FormatIndexOutOfRange(position, length));
    }

    private static (int From, int To) SliceBounds(object? start, object? stop, int length)
    {
        var from = SliceBound(start, length, defaultValue: 0);
        return (from, Math.Max(from, SliceBound(stop, length, defaultValue: length)));
    }

    private static int SliceBound(object? bound, int length, int defaultValue)
    {
        if (bound is null)
        {
            return defaultValue;
        }

        var position = IntegerIndex(bound);
        var resolved = position < 0 ? position + length : position;
        return (int)Math.Clamp(resolved, 0, length);
    }

    private static long IntegerIndex(object? index) => PythonValue.IsInteger(index, out var position)
        ? position
        : throw new EvaluationException(Messages.FormatIndexNotInteger(PythonValue.TypeName(index)));
}
