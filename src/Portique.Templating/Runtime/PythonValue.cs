namespace Portique.Templating.Runtime;

/// <summary>Python's view of the values a template handles: type names, truthiness, rows seen as their value.</summary>
internal static class PythonValue
{
    /// <summary>Widens the numeric types a scope may hand over to the two the engine computes with.</summary>
    public static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        _ => value,
    };

    /// <summary>A master row behaves as its value everywhere but attribute access.</summary>
    public static object? Unwrap(object? value) => value is CreoleRow row ? Normalize(row.Value) : value;

    public static string TypeName(object? value) => Unwrap(value) switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        TupleValue => "tuple",
        IReadOnlyList<object?> => "list",
        PythonDict => "dict",
        var other => other.GetType().Name,
    };

    public static bool IsTrue(object? value) => Unwrap(value) switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        PythonDict dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>True for <c>int</c> and <c>bool</c> (a Python bool is an int).</summary>
    public static bool IsInteger(object? value, out long integer)
    {
        switch (Unwrap(value))
        {
            case long l:
                integer = l;
                return true;
            case bool b:
                integer = b ? 1 : 0;
                return true;
            default:
                integer = 0;
                return false;
        }
    }

    public static bool IsNumber(object? value, out double number)
    {
        if (IsInteger(value, out var integer))
        {
            number = integer;
            return true;
        }

        if (Unwrap(value) is double d)
        {
            number = d;
            return true;
        }

        number = 0;
        return false;
    }
}
