namespace Portique.Templating.Runtime;

/// <summary>Python 3 arithmetic, equality, ordering and membership on template values.</summary>
internal static class PythonOperators
{
    public static object? Add(object? left, object? right)
    {
        if (TryArithmetic(left, right, static (a, b) => checked(a + b), static (a, b) => a + b, out var sum))
        {
            return sum;
        }

        switch (PythonValue.Unwrap(left), PythonValue.Unwrap(right))
        {
            case (string a, string b):
                RenderLimits.CheckSequenceLength((long)a.Length + b.Length);
                return a + b;
            case (IReadOnlyList<object?> a, IReadOnlyList<object?> b) when a is TupleValue == b is TupleValue:
                RenderLimits.CheckSequenceLength((long)a.Count + b.Count);
                object?[] items = [.. a, .. b];
                return a is TupleValue ? new TupleValue(items) : items;
            default:
                throw Unsupported("+", left, right);
        }
    }

    public static object? Subtract(object? left, object? right) =>
        TryArithmetic(left, right, static (a, b) => checked(a - b), static (a, b) => a - b, out var difference)
            ? difference
            : throw Unsupported("-", left, right);

    public static object? Multiply(object? left, object? right)
    {
        if (TryArithmetic(left, right, static (a, b) => checked(a * b), static (a, b) => a * b, out var product))
        {
            return product;
        }

        var (sequence, count) = PythonValue.IsInteger(right, out var rightCount)
            ? (PythonValue.Unwrap(left), rightCount)
            : PythonValue.IsInteger(left, out var leftCount) ? (PythonValue.Unwrap(right), leftCount) : (null, 0);
        switch (sequence)
        {
            case string text:
                return string.Concat(Enumerable.Repeat(text, Repetitions(text.Length, count)));
            case IReadOnlyList<object?> list:
                object?[] items = [.. Enumerable.Repeat(list, Repetitions(list.Count, count)).SelectMany(copy => copy)];
                return list is TupleValue ? new TupleValue(items) : items;
            default:
                throw Unsupported("*", left, right);
        }
    }

    /// <summary>True division, always a float as in Python 3.</summary>
    public static object? Divide(object? left, object? right)
    {
        if (!PythonValue.IsNumber(left, out var a) || !PythonValue.IsNumber(right, out var b))
        {
            throw Unsupported("/", left, right);
        }

        return b == 0 ? throw new EvaluationException(Messages.DivisionByZero) : a / b;
    }

    /// <summary>Python rounds the quotient toward negative infinity.</summary>
    public static object? FloorDivide(object? left, object? right) =>
        TryArithmetic(left, right, FloorDivide, static (a, b) => Math.Floor(a / b), out var quotient, checkZero: true)
            ? quotient
            : throw Unsupported("//", left, right);

    /// <summary>Python's modulo takes the sign of the divisor.</summary>
    public static object? Modulo(object? left, object? right) =>
        TryArithmetic(left, right, Modulo, Modulo, out var remainder, checkZero: true)
            ? remainder
            : throw Unsupported("%", left, right);

    public static object? Negate(object? operand)
    {
        if (PythonValue.IsInteger(operand, out var integer))
        {
            return integer == long.MinValue ? throw new EvaluationException(Messages.ArithmeticOverflow) : -integer;
        }

        return PythonValue.Unwrap(operand) is double d ? -d : throw UnsupportedUnary("-", operand);
    }

    public static object? Plus(object? operand)
    {
        if (PythonValue.IsInteger(operand, out var integer))
        {
            return integer;
        }

        return PythonValue.Unwrap(operand) is double d ? d : throw UnsupportedUnary("+", operand);
    }

    public static bool AreEqual(object? left, object? right) => AreEqual(left, right, depth: 0);

    /// <summary>Ordering for <c>&lt; &lt;= &gt; &gt;=</c>, <c>min</c> and <c>max</c>; <paramref name="symbol"/> names the operation in errors.</summary>
    public static int Compare(object? left, object? right, string symbol) => Compare(left, right, symbol, depth: 0);

    public static bool Contains(object? container, object? item)
    {
        switch (PythonValue.Unwrap(container))
        {
            case string text when PythonValue.Unwrap(item) is string part:
                return text.Contains(part, StringComparison.Ordinal);
            case IReadOnlyList<object?> list:
                return list.Any(element => AreEqual(element, item));
            case PythonDict dict:
                return dict.TryGet(item, out _);
            default:
                throw Unsupported("in", item, container);
        }
    }

    /// <summary>Python's <c>is</c>, for the values a template can hold: identity of singletons and objects.</summary>
    public static bool AreIdentical(object? left, object? right) => (left, right) switch
    {
        (bool a, bool b) => a == b,
        (long a, long b) => a == b,
        _ => ReferenceEquals(left, right),
    };

    private static bool AreEqual(object? left, object? right, int depth)
    {
        RenderLimits.CheckValueDepth(depth);
        left = PythonValue.Unwrap(left);
        right = PythonValue.Unwrap(right);
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (PythonValue.IsInteger(left, out var i) && PythonValue.IsInteger(right, out var j))
        {
            return i == j;
        }

        if (PythonValue.IsNumber(left, out var x) && PythonValue.IsNumber(right, out var y))
        {
            return x == y;
        }

        return (left, right) switch
        {
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (IReadOnlyList<object?> a, IReadOnlyList<object?> b) => a is TupleValue == b is TupleValue
                && a.Count == b.Count
                && a.Select((element, index) => AreEqual(element, b[index], depth + 1)).All(equal => equal),
            _ => Equals(left, right),
        };
    }

    private static int Compare(object? left, object? right, string symbol, int depth)
    {
        RenderLimits.CheckValueDepth(depth);
        if (PythonValue.IsInteger(left, out var i) && PythonValue.IsInteger(right, out var j))
        {
            return i.CompareTo(j);
        }

        if (PythonValue.IsNumber(left, out var x) && PythonValue.IsNumber(right, out var y))
        {
            return x.CompareTo(y);
        }

        switch (PythonValue.Unwrap(left), PythonValue.Unwrap(right))
        {
            case (string a, string b):
                return string.CompareOrdinal(a, b);
            case (IReadOnlyList<object?> a, IReadOnlyList<object?> b) when a is TupleValue == b is TupleValue:
                for (var index = 0; index < Math.Min(a.Count, b.Count); index++)
                {
                    if (!AreEqual(a[index], b[index], depth + 1))
                    {
                        return Compare(a[index], b[index], symbol, depth + 1);
                    }
                }

                return a.Count.CompareTo(b.Count);
            default:
                throw Unsupported(symbol, left, right);
        }
    }

    private static bool TryArithmetic(
        object? left,
        object? right,
        Func<long, long, long> onIntegers,
        Func<double, double, double> onFloats,
        out object? result,
        bool checkZero = false)
    {
        if (PythonValue.IsInteger(left, out var a) && PythonValue.IsInteger(right, out var b))
        {
            if (checkZero && b == 0)
            {
                throw new EvaluationException(Messages.DivisionByZero);
            }

            try
            {
                result = onIntegers(a, b);
            }
            catch (OverflowException)
            {
                throw new EvaluationException(Messages.ArithmeticOverflow);
            }

            return true;
        }

        if (PythonValue.IsNumber(left, out var x) && PythonValue.IsNumber(right, out var y))
        {
            if (checkZero && y == 0)
            {
                throw new EvaluationException(Messages.DivisionByZero);
            }

            result = onFloats(x, y);
            return true;
        }

        result = null;
        return false;
    }

    private static long FloorDivide(long a, long b)
    {
        var quotient = checked(a / b);
        return a % b != 0 && (a < 0) != (b < 0) ? quotient - 1 : quotient;
    }

    private static long Modulo(long a, long b)
    {
        // long.MinValue % -1 faults on x64; the answer is 0 anyway.
        var remainder = b == -1 ? 0 : a % b;
        return remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder;
    }

    private static double Modulo(double a, double b)
    {
        var remainder = a % b;
        return remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder;
    }

    /// <summary>How many copies a repetition makes (none for a negative count), refusing huge results.</summary>
    private static int Repetitions(int length, long count)
    {
        if (count <= 0 || length == 0)
        {
            return 0;
        }

        RenderLimits.CheckSequenceLength(count > RenderLimits.MaxSequenceLength ? long.MaxValue : length * count);
        return (int)count;
    }

    private static EvaluationException Unsupported(string symbol, object? left, object? right) =>
        new(Messages.FormatUnsupportedOperands(symbol, PythonValue.TypeName(left), PythonValue.TypeName(right)));

    private static EvaluationException UnsupportedUnary(string symbol, object? operand) =>
        new(Messages.FormatUnsupportedOperand(symbol, PythonValue.TypeName(operand)));
}
