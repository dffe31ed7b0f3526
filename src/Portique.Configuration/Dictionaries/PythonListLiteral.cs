using System.Text;

namespace Portique.Configuration;

/// <summary>
/// Reads the Python list literals Creole's <c>valid_enum</c> takes, e.g. <c>['docker','snap', 'qemu']</c>:
/// single- or double-quoted strings (optionally <c>u</c>-prefixed, backslash escapes), bare integers,
/// commas, optional trailing comma. Nothing else: no expressions, no nesting.
/// </summary>
internal static class PythonListLiteral
{
    public static bool TryParse(string text, out IReadOnlyList<string> values)
    {
        var items = new List<string>();
        values = items;
        var position = 0;
        SkipSpaces(text, ref position);
        if (!Take(text, ref position, '['))
        {
            return false;
        }

        while (true)
        {
            SkipSpaces(text, ref position);
            if (Take(text, ref position, ']'))
            {
                break;
            }

            if (!TryReadItem(text, ref position, out var item))
            {
                return false;
            }

            items.Add(item);
            SkipSpaces(text, ref position);
            if (Take(text, ref position, ']'))
            {
                break;
            }

            if (!Take(text, ref position, ','))
            {
                return false;
            }
        }

        SkipSpaces(text, ref position);
        return position == text.Length;
    }

    private static bool TryReadItem(string text, ref int position, out string item)
    {
        item = "";
        if (position < text.Length && text[position] is 'u' or 'U' && position + 1 < text.Length && text[position + 1] is '\'' or '"')
        {
            position++;
        }

        if (position >= text.Length)
        {
            return false;
        }

        var quote = text[position];
        if (quote is '\'' or '"')
        {
            position++;
            var builder = new StringBuilder();
            while (position < text.Length && text[position] != quote)
            {
                if (text[position] == '\\' && position + 1 < text.Length)
                {
                    position++;
                }

                builder.Append(text[position]);
                position++;
            }

            if (position >= text.Length)
            {
                return false;
            }

            position++;
            item = builder.ToString();
            return true;
        }

        var start = position;
        if (position < text.Length && text[position] is '-' or '+')
        {
            position++;
        }

        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        item = text[start..position];
        return VariableTypes.TryParseInteger(item, out _);
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private static bool Take(string text, ref int position, char expected)
    {
        if (position < text.Length && text[position] == expected)
        {
            position++;
            return true;
        }

        return false;
    }
}
