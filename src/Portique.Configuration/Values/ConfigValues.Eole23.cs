using System.Text;
using System.Text.Json.Nodes;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// EOLE 2.3's config.eol, an INI-like text (EOLE 2.4 moved to JSON): one section per variable, its values as Python lists.
/// <code>
/// [adresse_ip_eth0]
/// valdefault = []
/// valprec = []
/// val = ['192.168.0.1']
/// </code>
/// Read into the same entries as the JSON format (<c>val</c>: no item → null, one → the text, several → a list;
/// <c>valdefault</c> and <c>valprec</c> kept as written) and written back in this format, so EOLE 2.3's tools still read it.
/// </summary>
public sealed partial class ConfigValues
{
    private const string Eole23Owner = "eole23";

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial System.Text.RegularExpressions.Regex SectionName();

    /// <summary>Whether the text is EOLE 2.3's format: its first non-blank character opens a <c>[section]</c>.</summary>
    private static bool IsEole23(string text) => text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('[');

    private static JsonObject ParseEole23(string text, string subject)
    {
        var document = new JsonObject();
        var problems = new List<Diagnostic>();
        JsonObject? entry = null;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']') && SectionName().IsMatch(line[1..^1].Trim()))
            {
                var name = line[1..^1].Trim();
                entry = new JsonObject { ["owner"] = Eole23Owner, ["val"] = null };
                document[name] = entry;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? "" : line[..equals].Trim();
            var value = equals < 0 ? "" : line[(equals + 1)..].Trim();
            if (entry is null || key is not ("val" or "valdefault" or "valprec") || !PythonLiteral.TryEvaluate(value, out var evaluated) || evaluated is not List<object?> list)
            {
                problems.Add(new Diagnostic($"{subject}:{index + 1}", EoleMessages.FormatConfigEol23Line(index + 1, Messages.Shown(line))));
                continue;
            }

            if (key != "val")
            {
                entry[key] = value;
                continue;
            }

            var items = list.Select(PythonLiteral.Text).ToArray();
            entry["val"] = items.Length switch
            {
                0 => null,
                1 => items[0],
                _ => new JsonArray(items.Select(i => i is null ? null : (JsonNode)JsonValue.Create(i)).ToArray()),
            };
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationInvalidException(problems);
        }

        return document;
    }

    private string ToEole23()
    {
        var text = new StringBuilder();
        foreach (var (name, node) in _document)
        {
            if (node is not JsonObject entry || !_variables.TryGetValue(name, out var stored))
            {
                continue;
            }

            text.Append('[').Append(name).Append("]\n");
            text.Append("valdefault = ").Append(entry["valdefault"]?.GetValue<string>() ?? "[]").Append('\n');
            text.Append("valprec = ").Append(entry["valprec"]?.GetValue<string>() ?? "[]").Append('\n');
            text.Append("val = [").AppendJoin(", ", stored.Items.Select(PythonRepr)).Append("]\n\n");
        }

        return text.ToString();
    }

    /// <summary>Python's <c>repr</c> of a text as EOLE 2.3 writes it (<c>'a'</c>, <c>None</c>).</summary>
    private static string PythonRepr(string? item)
    {
        if (item is null)
        {
            return "None";
        }

        var quote = item.Contains('\'', StringComparison.Ordinal) && !item.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(item.Length + 2).Append(quote);
        foreach (var character in item)
        {
            builder.Append(character switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when character == quote => "\\" + character,
                _ when character < ' ' => $"\\x{(int)character:x2}",
                _ => character.ToString(),
            });
        }

        return builder.Append(quote).ToString();
    }
}
