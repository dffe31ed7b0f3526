using System.Globalization;
using System.Text;

namespace Portique.Configuration;

/// <summary>
/// The safe subset of Python that Creole's <c>&lt;param type='python'&gt;</c> and <c>eval_match</c> use in real
/// dictionaries: string literals (<c>'...'</c>, <c>"..."</c>, <c>u</c>/<c>r</c> prefixes), integers, <c>True</c>,
/// <c>False</c>, <c>None</c>, lists and tuples of those, <c>range(...)</c>, and <c>+</c> between two values of
/// the same kind. Anything else (names, calls, attributes, imports) is refused: nothing is ever executed.
/// Values are <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, <see langword="null"/> or a list of them.
/// </summary>
internal static class PythonLiteral
{
    private const int MaxRange = 100_000;

    /// <summary>Evaluates <paramref name="text"/>; <see langword="false"/> when it is outside the subset.</summary>
    public static bool TryEvaluate(string text, out object? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(text);
        try
        {
            value = reader.Sum();
            reader.SkipSpaces();
            return reader.AtEnd;
        }
        catch (FormatException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>A value as the items of a Creole parameter: a list gives one item per element, <c>None</c> gives no text.</summary>
    public static IReadOnlyList<string?> Items(object? value) =>
        value is List<object?> list ? list.Select(Text).ToArray() : [Text(value)];

    /// <summary>Python's <c>str()</c> of a scalar (<see langword="null"/> for <c>None</c>).</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "True" : "False",
        long n => n.ToString(CultureInfo.InvariantCulture),
        string s => s,
        List<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        _ => value.ToString(),
    };

    private static string Repr(object? value) => value switch
    {
        null => "None",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        _ => Text(value)!,
    };

    private sealed class Reader(string text)
    {
        private int _position;

        public bool AtEnd => _position >= text.Length;

        public void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        public object? Sum()
        {
            var value = Unary();
            while (true)
            {
                SkipSpaces();
                if (!Take('+'))
                {
                    return value;
                }

                var right = Unary();
                value = (value, right) switch
                {
                    (string a, string b) => a + b,
                    (long a, long b) => checked(a + b),
                    (List<object?> a, List<object?> b) => a.Concat(b).ToList(),
                    _ => throw new FormatException(),
                };
            }
        }

        private object? Unary()
        {
            SkipSpaces();
            if (Take('-'))
            {
                return Unary() is long n ? -n : throw new FormatException();
            }

            return Atom();
        }

        private object? Atom()
        {
            SkipSpaces();
            if (AtEnd)
            {
                throw new FormatException();
            }

            var c = text[_position];
            if (c is '[' or '(')
            {
                _position++;
                return Sequence(c == '[' ? ']' : ')');
            }

            if (c is '\'' or '"')
            {
                return String(raw: false);
            }

            if (char.IsAsciiDigit(c))
            {
                var start = _position;
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }

                return long.Parse(text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture);
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = _position;
                while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_'))
                {
                    _position++;
                }

                var name = text[start.._position];
                if (name is "u" or "U" or "r" or "R" or "ur" or "UR" && _position < text.Length && text[_position] is '\'' or '"')
                {
                    return String(raw: name.Contains('r', StringComparison.OrdinalIgnoreCase));
                }

                switch (name)
                {
                    case "True":
                        return true;
                    case "False":
                        return false;
                    case "None":
                        return null;
                    case "range":
                        SkipSpaces();
                        if (!Take('('))
                        {
                            throw new FormatException();
                        }

                        return Range(Sequence(')'));
                }
            }

            throw new FormatException();
        }

        private List<object?> Sequence(char close)
        {
            var items = new List<object?>();
            while (true)
            {
                SkipSpaces();
                if (Take(close))
                {
                    return items;
                }

                items.Add(Sum());
                SkipSpaces();
                if (Take(close))
                {
                    return items;
                }

                if (!Take(','))
                {
                    throw new FormatException();
                }
            }
        }

        private static List<object?> Range(List<object?> arguments)
        {
            if (arguments.Count is < 1 or > 3 || arguments.Any(a => a is not long))
            {
                throw new FormatException();
            }

            var numbers = arguments.Cast<long>().ToArray();
            var (start, stop, step) = numbers.Length switch
            {
                1 => (0L, numbers[0], 1L),
                2 => (numbers[0], numbers[1], 1L),
                _ => (numbers[0], numbers[1], numbers[2]),
            };
            if (step == 0)
            {
                throw new FormatException();
            }

            var result = new List<object?>();
            for (var i = start; step > 0 ? i < stop : i > stop; i += step)
            {
                if (result.Count >= MaxRange)
                {
                    throw new FormatException();
                }

                result.Add(i);
            }

            return result;
        }

        private string String(bool raw)
        {
            var quote = text[_position++];
            var builder = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                var c = text[_position++];
                if (c == '\\' && _position < text.Length)
                {
                    var next = text[_position++];
                    if (raw)
                    {
                        builder.Append(c).Append(next);
                        continue;
                    }

                    builder.Append(next switch
                    {
                        'n' => "\n",
                        't' => "\t",
                        'r' => "\r",
                        '\\' => "\\",
                        '\'' => "'",
                        '"' => "\"",
                        _ => "\\" + next,
                    });
                    continue;
                }

                builder.Append(c);
            }

            if (!Take(quote))
            {
                throw new FormatException();
            }

            return builder.ToString();
        }

        private bool Take(char expected)
        {
            if (_position < text.Length && text[_position] == expected)
            {
                _position++;
                return true;
            }

            return false;
        }
    }
}
