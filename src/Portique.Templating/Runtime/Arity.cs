namespace Portique.Templating.Runtime;

/// <summary>Argument-count checks shared by functions (at parse time) and methods (at render time).</summary>
internal static class Arity
{
    public static string Message(string name, int min, int max, int given) => min == max
        ? Messages.FormatArgumentCount(name, min, given)
        : max == int.MaxValue
            ? Messages.FormatArgumentCountAtLeast(name, min, given)
            : Messages.FormatArgumentCountRange(name, min, max, given);

    public static void Check(string name, int min, int max, IReadOnlyList<object?> arguments)
    {
        if (arguments.Count < min || arguments.Count > max)
        {
            throw new EvaluationException(Message(name, min, max, arguments.Count));
        }
    }

    public static EvaluationException WrongType(string name, string expectedType, object? actual) =>
        new(Messages.FormatArgumentType(name, expectedType, PythonValue.TypeName(actual)));

    public static string String(string name, object? argument) =>
        PythonValue.Unwrap(argument) as string ?? throw WrongType(name, "str", argument);

    public static long Integer(string name, object? argument) =>
        PythonValue.IsInteger(argument, out var value) ? value : throw WrongType(name, "int", argument);
}
