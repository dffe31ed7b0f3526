using Portique.Configuration;
using Portique.Core;
using Portique.Templating;

namespace Portique.Orchestration;

/// <summary>
/// What templates see: the enabled variables (a master's value as rows carrying its slaves) plus
/// <c>portique_root</c>, the root folder (empty for <c>/</c>) that private paths are written under.
/// With <c>safeValues</c>, every text that could carry the syntax of a generated file (<c>; { } " ' # \</c>, control
/// characters) is replaced by a plain word: the templates' own structure for the same configuration.
/// </summary>
internal sealed class ConfigurationScope : ITemplateScope
{
    private readonly Dictionary<string, object?> variables;

    /// <summary>What a value carrying file syntax becomes in a safe rendering.</summary>
    public const string SafeWord = "portique-safe-value";

    public ConfigurationScope(TemplateValues values, PortiqueRoot root, bool safeValues = false)
    {
        variables = new Dictionary<string, object?>(values.Variables, StringComparer.Ordinal);
        foreach (var (master, rows) in values.Masters)
        {
            variables[master] = rows.MasterValues
                .Select((value, i) => (object?)new CreoleRow(
                    value,
                    rows.Slaves.ToDictionary(s => s.Key, s => i < s.Value.Count ? s.Value[i] : null, StringComparer.Ordinal)))
                .ToArray();
        }

        if (safeValues)
        {
            foreach (var name in variables.Keys.ToArray())
            {
                variables[name] = Safe(variables[name]);
            }
        }

        variables["portique_root"] = root.IsSystemRoot ? "" : root.Directory.TrimEnd('/');
    }

    private static object? Safe(object? value) => value switch
    {
        string text when text.Any(c => char.IsControl(c) && c is not (' ' or '\t') || c is ';' or '{' or '}' or '"' or '\'' or '#' or '\\') => SafeWord,
        object?[] items => items.Select(Safe).ToArray(),
        CreoleRow row => new CreoleRow(Safe(row.Value), row.Slaves.ToDictionary(s => s.Key, s => Safe(s.Value), StringComparer.Ordinal)),
        _ => value,
    };

    public static bool IsBuiltIn(string name) => name == "portique_root";

    public bool TryGetVariable(string name, out object? value) => variables.TryGetValue(name, out value);
}
