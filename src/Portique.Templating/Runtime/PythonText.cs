using System.Globalization;
using System.Text;

namespace Portique.Templating.Runtime;

/// <summary>Python's <c>str()</c> and <c>repr()</c>: what a placeholder prints.</summary>
internal static class PythonText
{
    public static string Str(object? value) => PythonValue.Unwrap(value) switch
    {
        string s => s,
        var other => Repr(other),
    };

    /// <summary>What a placeholder writes: Cheetah's filter prints <c>None</c> as nothing, everything else as <c>str()</c>.</summary>
    public static string Placeholder(object? value) => PythonValue.Unwrap(value) is null ? string.Empty : Str(value);

    public static string Repr(object? value)
    {
        var text = new StringBuilder(16, RenderLimits.MaxSequenceLength);
        try
        {
            AppendRepr(text, value, depth: 0);
        }
        catch (ArgumentOutOfRangeException)
        {
            // The bounded builder refused to grow past MaxSequenceLength.
            throw new EvaluationException(Messages.FormatValueTooLarge(RenderLimits.MaxSequenceLength));
        }

        return text.ToString();
    }

    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        // .NET gives the shortest round-trip digits; Python lays them out differently.
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var sign = roundTrip.StartsWith('-') ? "-" : string.Empty;
        var parts = roundTrip.TrimStart('-').Split('E');
        var exponent = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        var pointIndex = parts[0].IndexOf('.', StringComparison.Ordinal);
        var allDigits = parts[0].Replace(".", string.Empty, StringComparison.Ordinal);
        var leadingZeros = allDigits.Length - allDigits.TrimStart('0').Length;
        var digits = allDigits.Trim('0');
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        var scientificExponent = (pointIndex < 0 ? parts[0].Length : pointIndex) - 1 - leadingZeros + exponent;
        return sign + (scientificExponent is >= -4 and < 16
            ? FixedNotation(digits, scientificExponent)
            : ScientificNotation(digits, scientificExponent));
    }

    private static string FixedNotation(string digits, int exponent)
    {
        if (exponent < 0)
        {
            return "0." + new string('0', -exponent - 1) + digits;
        }

        var integerPart = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
        var fraction = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
        return integerPart + "." + fraction;
    }

    private static string ScientificNotation(string digits, int exponent)
    {
        var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
        var exponentSign = exponent < 0 ? "-" : "+";
        return mantissa + "e" + exponentSign + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    private static void AppendRepr(StringBuilder text, object? value, int depth)
    {
        RenderLimits.CheckValueDepth(depth);
        switch (PythonValue.Unwrap(value))
        {
            case null:
                text.Append("None");
                break;
            case bool b:
                text.Append(b ? "True" : "False");
                break;
            case long l:
                text.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                text.Append(FormatFloat(d));
                break;
            case string s:
                AppendStringRepr(text, s);
                break;
            case TupleValue tuple:
                AppendItems(text, tuple, "(", tuple.Count == 1 ? ",)" : ")", depth);
                break;
            case IReadOnlyList<object?> list:
                AppendItems(text, list, "[", "]", depth);
                break;
            case PythonDict dict:
                text.Append('{');
                var first = true;
                foreach (var (key, item) in dict.Entries)
                {
                    text.Append(first ? "" : ", ");
                    first = false;
                    AppendRepr(text, key, depth + 1);
                    text.Append(": ");
                    AppendRepr(text, PythonValue.Normalize(item), depth + 1);
                }

                text.Append('}');
                break;
            case var other:
                text.Append(Convert.ToString(other, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void AppendItems(StringBuilder text, IReadOnlyList<object?> items, string open, string close, int depth)
    {
        text.Append(open);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            AppendRepr(text, PythonValue.Normalize(items[i]), depth + 1);
        }

        text.Append(close);
    }

    /// <summary>Python 3 quoting: single quotes unless the text holds a single quote and no double quote.</summary>
    private static void AppendStringRepr(StringBuilder text, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        text.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '\r':
                    text.Append(@"\r");
                    break;
                case '\t':
                    text.Append(@"\t");
                    break;
                case var q when q == quote:
                    text.Append('\\').Append(q);
                    break;
                case < ' ' or '\x7f':
                    text.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append(quote);
    }
}
