using System.Collections.Frozen;
using System.Text;

namespace Portique.Templating.Runtime;

/// <summary>The Python <c>str</c> methods templates use.</summary>
internal static class StringMethods
{
    public static readonly FrozenDictionary<string, ValueMethod<string>> All = new Dictionary<string, ValueMethod<string>>
    {
        ["upper"] = new(0, 0, (text, _) => text.ToUpperInvariant()),
        ["lower"] = new(0, 0, (text, _) => text.ToLowerInvariant()),
        ["strip"] = new(0, 1, (text, args) => Strip("strip", text, args, start: true, end: true)),
        ["lstrip"] = new(0, 1, (text, args) => Strip("lstrip", text, args, start: true, end: false)),
        ["rstrip"] = new(0, 1, (text, args) => Strip("rstrip", text, args, start: false, end: true)),
        ["split"] = new(0, 2, Split),
        ["join"] = new(1, 1, (separator, args) => Join(separator, PythonSequences.Iterate(args[0]).Select(JoinedItem))),
        ["startswith"] = new(1, 1, (text, args) => text.StartsWith(Arity.String("startswith", args[0]), StringComparison.Ordinal)),
        ["endswith"] = new(1, 1, (text, args) => text.EndsWith(Arity.String("endswith", args[0]), StringComparison.Ordinal)),
        ["replace"] = new(2, 3, Replace),

        // More str methods real EOLE templates call.
        ["count"] = new(1, 1, (text, args) => (long)CountOccurrences(text, Arity.String("count", args[0]))),
        ["find"] = new(1, 1, (text, args) => (long)text.IndexOf(Arity.String("find", args[0]), StringComparison.Ordinal)),
        ["rfind"] = new(1, 1, (text, args) => (long)text.LastIndexOf(Arity.String("rfind", args[0]), StringComparison.Ordinal)),
        ["isdigit"] = new(0, 0, (text, _) => text.Length > 0 && text.All(char.IsDigit)),
        ["isalpha"] = new(0, 0, (text, _) => text.Length > 0 && text.All(char.IsLetter)),
        ["isalnum"] = new(0, 0, (text, _) => text.Length > 0 && text.All(char.IsLetterOrDigit)),
        ["capitalize"] = new(0, 0, (text, _) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant()),
        ["zfill"] = new(1, 1, (text, args) => ZeroFill(text, Arity.Integer("zfill", args[0]))),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Joins under the sequence-length limit, so a join cannot build a gigantic string.</summary>
    public static string Join(string separator, IEnumerable<string> items)
    {
        var joined = new StringBuilder();
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                joined.Append(separator);
            }

            first = false;

            RenderLimits.CheckSequenceLength((long)joined.Length + item.Length);
            joined.Append(item);
        }

        return joined.ToString();
    }

    private static string JoinedItem(object? item) => Arity.String("join", item);

    private static int CountOccurrences(string text, string part)
    {
        if (part.Length == 0)
        {
            return text.Length + 1;
        }

        var count = 0;
        for (var index = text.IndexOf(part, StringComparison.Ordinal); index >= 0; index = text.IndexOf(part, index + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string ZeroFill(string text, long width)
    {
        RenderLimits.CheckSequenceLength(width);
        if (text.Length >= width)
        {
            return text;
        }

        var sign = text.Length > 0 && text[0] is '+' or '-' ? text[..1] : "";
        return sign + new string('0', (int)width - text.Length) + text[sign.Length..];
    }

    private static string Strip(string name, string text, IReadOnlyList<object?> args, bool start, bool end)
    {
        var characters = args.Count > 0 && args[0] is not null ? Arity.String(name, args[0]).ToCharArray() : null;
        return (start, end, characters) switch
        {
            (true, true, null) => text.Trim(),
            (true, true, _) => text.Trim(characters),
            (true, false, null) => text.TrimStart(),
            (true, false, _) => text.TrimStart(characters),
            (_, _, null) => text.TrimEnd(),
            _ => text.TrimEnd(characters),
        };
    }

    private static object?[] Split(string text, IReadOnlyList<object?> args)
    {
        var separator = args.Count > 0 && args[0] is not null ? Arity.String("split", args[0]) : null;
        var maxSplit = args.Count > 1 ? Arity.Integer("split", args[1]) : -1;
        if (separator is null)
        {
            return SplitOnWhitespace(text, maxSplit);
        }

        if (separator.Length == 0)
        {
            throw new EvaluationException(Messages.EmptySeparator);
        }

        var pieces = maxSplit is < 0 or >= int.MaxValue ? int.MaxValue : (int)maxSplit + 1;
        return text.Split(separator, pieces);
    }

    /// <summary>Python's <c>split()</c> without separator: runs of whitespace, no empty pieces.</summary>
    private static object?[] SplitOnWhitespace(string text, long maxSplit)
    {
        var pieces = new List<object?>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return [.. pieces];
            }

            if (maxSplit >= 0 && pieces.Count >= maxSplit)
            {
                pieces.Add(text[i..]);
                return [.. pieces];
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            pieces.Add(text[start..i]);
        }
    }

    /// <summary>Python's <c>replace</c>, including an empty <c>old</c> (insert between characters).</summary>
    private static string Replace(string text, IReadOnlyList<object?> args)
    {
        var old = Arity.String("replace", args[0]);
        var replacement = Arity.String("replace", args[1]);
        var limit = args.Count > 2 ? Arity.Integer("replace", args[2]) : -1;
        var matches = Matches(text, old, limit);
        RenderLimits.CheckSequenceLength(text.Length + (long)matches.Count * (replacement.Length - old.Length));
        var result = new StringBuilder();
        var copied = 0;
        foreach (var match in matches)
        {
            result.Append(text, copied, match - copied).Append(replacement);
            copied = match + old.Length;
        }

        return result.Append(text, copied, text.Length - copied).ToString();
    }

    private static List<int> Matches(string text, string old, long limit)
    {
        var matches = new List<int>();
        for (var at = 0; at <= text.Length && (limit < 0 || matches.Count < limit); at += Math.Max(old.Length, 1))
        {
            at = text.IndexOf(old, at, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            matches.Add(at);
        }

        return matches;
    }
}
