using Portique.Core;

namespace Portique.Cli;

/// <summary>
/// <c>set</c>'s two forms: <c>VAR VALUE...</c> (one variable, any number of values), or
/// <c>VAR=VALUE...</c> (several variables at once, a repeated VAR collecting a multi's values),
/// which is how a master and its slaves, or a whole new container, are set in one valid step.
/// </summary>
internal static class Assignments
{
    public static IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Parse(IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            throw new InvalidInputException("set", "VAR VALUE... | VAR=VALUE...");
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            return [new(words[0], words.Skip(1).ToArray())];
        }

        var collected = new List<(string Name, List<string> Values)>();
        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidInputException(word, "VAR=VALUE");
            }

            var name = word[..equals];
            var value = word[(equals + 1)..];
            var entry = collected.FirstOrDefault(c => c.Name == name);
            if (entry.Values is null)
            {
                entry = (name, []);
                collected.Add(entry);
            }

            // "VAR=" alone empties the variable.
            if (value.Length > 0)
            {
                entry.Values.Add(value);
            }
        }

        return collected.Select(c => new KeyValuePair<string, IReadOnlyList<string>>(c.Name, c.Values)).ToArray();
    }
}
