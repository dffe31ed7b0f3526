using Portique.Configuration;
using Portique.Core;
using Portique.Templating;

namespace Portique.Orchestration;

/// <summary>
/// What templates see: the enabled variables (a master's value as rows carrying its slaves) plus
/// <c>portique_root</c>, the root folder (empty for <c>/</c>) that private paths are written under, and
/// <c>portique_noeuds_swarm</c>, the addresses of a swarm's nodes when it has several (<see cref="RenderFacts"/>).
/// With <c>safeValues</c>, every text that could carry the syntax of a generated file (<c>; { } " ' # \</c>, control
/// characters) is replaced by a plain word: the templates' own structure for the same configuration.
/// </summary>
internal sealed class ConfigurationScope : ITemplateScope
{
    private readonly Dictionary<string, object?> _variables;

    private readonly PortiqueRoot _root;
    private readonly string? _templatesDirectory;

    /// <summary>What a value carrying file syntax becomes in a safe rendering.</summary>
    public const string SafeWord = "portique-safe-value";

    public ConfigurationScope(TemplateValues values, PortiqueRoot root, string? templatesDirectory = null, bool safeValues = false, RenderFacts? facts = null)
    {
        this._root = root;
        this._templatesDirectory = templatesDirectory;
        _variables = new Dictionary<string, object?>(values.Variables, StringComparer.Ordinal);

        // EOLE 2.3 templates read %%item.value and %%item.index on the items of any multi variable.
        foreach (var (name, value) in values.Variables)
        {
            if (value is IReadOnlyList<object?> items)
            {
                _variables[name] = items.Select((item, i) => (object?)new CreoleRow(item, EmptySlaves, i)).ToArray();
            }
        }

        foreach (var (master, rows) in values.Masters)
        {
            _variables[master] = rows.MasterValues
                .Select((value, i) => (object?)new CreoleRow(
                    value,
                    rows.Slaves.ToDictionary(s => s.Key, s => i < s.Value.Count ? s.Value[i] : null, StringComparer.Ordinal),
                    i))
                .ToArray();
        }

        if (safeValues)
        {
            foreach (var name in _variables.Keys.ToArray())
            {
                _variables[name] = Safe(_variables[name]);
            }
        }

        _variables[RootVariable] = root.IsSystemRoot ? "" : root.Directory.TrimEnd('/');

        // Read from the engine, never from the configuration: addresses, each checked as one by the driver.
        _variables[SwarmNodesVariable] = (facts ?? RenderFacts.None).SwarmNodes.Select(a => (object?)a).ToArray();
    }

    /// <summary>The root folder, empty for <c>/</c>.</summary>
    public const string RootVariable = "portique_root";

    /// <summary>The addresses of the swarm's nodes when the swarm has several, else empty (docs/multi-host.md).</summary>
    public const string SwarmNodesVariable = "portique_noeuds_swarm";

    private static object? Safe(object? value) => value switch
    {
        string text when text.Any(c => char.IsControl(c) && c is not (' ' or '\t') || c is ';' or '{' or '}' or '"' or '\'' or '#' or '\\') => SafeWord,
        object?[] items => items.Select(Safe).ToArray(),
        CreoleRow row => new CreoleRow(Safe(row.Value), row.Slaves.ToDictionary(s => s.Key, s => Safe(s.Value), StringComparer.Ordinal), row.Index),
        _ => value,
    };

    public static bool IsBuiltIn(string name) => name is RootVariable or SwarmNodesVariable;

    private const string EoleDistrib = "/usr/share/eole/creole/distrib/";

    private static readonly IReadOnlyDictionary<string, object?> EmptySlaves = new Dictionary<string, object?>();

    public bool TryGetVariable(string name, out object? value) => _variables.TryGetValue(name, out value);

    /// <summary>EOLE's <c>is_file</c>: a path of the managed system, resolved under the root.</summary>
    public bool FileExists(string path) => path.StartsWith('/') && !path.Split('/').Contains("..") && File.Exists(_root.Resolve(path));

    /// <summary><c>%include</c>: a template of the templates folder only, by its name (or a path inside that folder).</summary>
    public IncludeResult TryReadInclude(string name, out string text)
    {
        text = "";
        if (_templatesDirectory is null)
        {
            return IncludeResult.Unavailable;
        }

        // A bare template name, or a path in EOLE's distrib folder: never anything else.
        var fileName = name.StartsWith(EoleDistrib, StringComparison.Ordinal) ? name[EoleDistrib.Length..] : name;
        if (fileName.Length == 0 || fileName is "." or ".." || fileName.Contains('/', StringComparison.Ordinal) || fileName.Any(char.IsControl))
        {
            return IncludeResult.Outside;
        }

        var path = Path.Join(_templatesDirectory, fileName);
        if (!File.Exists(path))
        {
            return IncludeResult.Missing;
        }

        text = File.ReadAllText(path);
        return IncludeResult.Found;
    }
}
