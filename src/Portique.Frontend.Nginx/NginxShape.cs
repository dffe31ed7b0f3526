using System.Text;

namespace Portique.Frontend.Nginx;

/// <summary>
/// The structure of an nginx configuration text: each directive as its block path, name and argument count
/// (<c>server/location/proxy_pass(1)</c>), in order, with the line it starts on. Two renderings of one template
/// have the same shape unless a value carried nginx syntax (<c>;</c>, braces, quotes, <c>#</c>, whitespace).
/// </summary>
internal static class NginxShape
{
    public readonly record struct Directive(string Shape, int Line);

    /// <summary>
    /// Tokenises like nginx: words separated by whitespace, <c>"..."</c> and <c>'...'</c> with backslash escapes,
    /// <c>#</c> comments to the end of line, <c>;</c> ends a directive, <c>{</c> opens its block, <c>}</c> closes it.
    /// Text nginx itself would refuse (unbalanced braces, an unterminated quote) gives a shape no template produces.
    /// </summary>
    public static IReadOnlyList<Directive> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<Directive>();
        var context = new List<string>();
        var words = new List<string>();
        var line = 1;
        var start = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is ';' or '{')
            {
                var name = words.Count > 0 ? words[0] : "";
                var prefix = context.Count > 0 ? string.Join('/', context) + "/" : "";
                result.Add(new Directive($"{prefix}{name}({Math.Max(0, words.Count - 1)}){(c == '{' ? "{" : "")}", start));
                if (c == '{')
                {
                    context.Add(name);
                }

                words.Clear();
                i++;
            }
            else if (c == '}')
            {
                if (words.Count > 0)
                {
                    result.Add(new Directive("!unterminated " + string.Join(' ', words), start));
                    words.Clear();
                }

                result.Add(new Directive(context.Count > 0 ? "}" : "!unbalanced }", line));
                if (context.Count > 0)
                {
                    context.RemoveAt(context.Count - 1);
                }

                i++;
            }
            else
            {
                if (words.Count == 0)
                {
                    start = line;
                }

                var word = new StringBuilder();
                if (c is '"' or '\'')
                {
                    var quote = c;
                    i++;
                    while (i < text.Length && text[i] != quote)
                    {
                        if (text[i] == '\n')
                        {
                            line++;
                        }

                        if (text[i] == '\\' && i + 1 < text.Length)
                        {
                            i++;
                        }

                        word.Append(text[i]);
                        i++;
                    }

                    if (i >= text.Length)
                    {
                        result.Add(new Directive("!unterminated quote", start));
                    }

                    i++;
                }
                else
                {
                    while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (';' or '{' or '}' or '"' or '\'' or '#'))
                    {
                        if (text[i] == '\\' && i + 1 < text.Length)
                        {
                            i++;
                        }

                        word.Append(text[i]);
                        i++;
                    }
                }

                words.Add(word.ToString());
            }
        }

        if (words.Count > 0)
        {
            result.Add(new Directive("!unterminated " + string.Join(' ', words), start));
        }

        if (context.Count > 0)
        {
            result.Add(new Directive("!unclosed " + string.Join('/', context), line));
        }

        return result;
    }

    /// <summary>
    /// The first directive of <paramref name="actual"/> that differs in shape from <paramref name="reference"/>, or null
    /// when both have the same directives in the same blocks with the same argument counts.
    /// </summary>
    public static Directive? FirstDifference(string actual, string reference)
    {
        var got = Parse(actual);
        var expected = Parse(reference);
        for (var i = 0; i < got.Count; i++)
        {
            if (i >= expected.Count || !string.Equals(got[i].Shape, expected[i].Shape, StringComparison.Ordinal))
            {
                return got[i];
            }
        }

        return got.Count < expected.Count ? new Directive(expected[got.Count].Shape, got.Count > 0 ? got[^1].Line : 1) : null;
    }
}
