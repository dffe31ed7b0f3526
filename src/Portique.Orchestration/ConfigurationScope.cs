using Portique.Configuration;
using Portique.Core;
using Portique.Templating;

namespace Portique.Orchestration;

/// <summary>
/// What templates see: the enabled variables (a master's value as rows carrying its slaves) plus
/// <c>portique_root</c>, the root folder (empty for <c>/</c>) that private paths are written under.
/// </summary>
internal sealed class ConfigurationScope : ITemplateScope
{
    private readonly Dictionary<string, object?> variables;

    public ConfigurationScope(TemplateValues values, PortiqueRoot root)
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

        variables["portique_root"] = root.IsSystemRoot ? "" : root.Directory.TrimEnd('/');
    }

    public static bool IsBuiltIn(string name) => name == "portique_root";

    public bool TryGetVariable(string name, out object? value) => variables.TryGetValue(name, out value);
}
