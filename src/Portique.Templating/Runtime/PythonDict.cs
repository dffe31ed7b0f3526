namespace Portique.Templating.Runtime;

/// <summary>A Python dict (insertion-ordered, mutable): dict literals, <c>setdefault</c>, <c>get</c>, <c>items</c>...</summary>
internal sealed class PythonDict
{
    private readonly OrderedDictionary<string, KeyValuePair<object?, object?>> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public IEnumerable<object?> Keys => _entries.Values.Select(e => e.Key);

    public IEnumerable<KeyValuePair<object?, object?>> Entries => _entries.Values;

    public bool TryGet(object? key, out object? value)
    {
        if (_entries.TryGetValue(KeyOf(key), out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    public void Set(object? key, object? value)
    {
        RenderLimits.CheckSequenceLength(_entries.Count + 1);
        _entries[KeyOf(key)] = new(PythonValue.Unwrap(key), value);
    }

    public object? Get(object? key) =>
        TryGet(key, out var value) ? value : throw new EvaluationException(EoleMessages.FormatKeyNotFound(PythonText.Repr(key)));

    public object? SetDefault(object? key, object? value)
    {
        if (TryGet(key, out var existing))
        {
            return existing;
        }

        Set(key, value);
        return value;
    }

    public object? CallMethod(string name, IReadOnlyList<object?> arguments)
    {
        switch (name)
        {
            case "setdefault":
                Arity.Check(name, 1, 2, arguments);
                return SetDefault(arguments[0], arguments.Count > 1 ? arguments[1] : null);
            case "get":
                Arity.Check(name, 1, 2, arguments);
                return TryGet(arguments[0], out var value) ? value : arguments.Count > 1 ? arguments[1] : null;
            case "keys":
                Arity.Check(name, 0, 0, arguments);
                return Keys.ToList();
            case "values":
                Arity.Check(name, 0, 0, arguments);
                return _entries.Values.Select(e => e.Value).ToList();
            case "items":
                Arity.Check(name, 0, 0, arguments);
                return _entries.Values.Select(e => (object?)new TupleValue([e.Key, e.Value])).ToList();
            case "has_key":
                Arity.Check(name, 1, 1, arguments);
                return TryGet(arguments[0], out _);
            default:
                throw new EvaluationException(Messages.FormatUnknownMethod("dict", name));
        }
    }

    public static bool HasMethod(string name) => name is "setdefault" or "get" or "keys" or "values" or "items" or "has_key";

    private static string KeyOf(object? key) => PythonValue.TypeName(key) + ":" + PythonText.Repr(key);
}
