namespace Portique.Templating;

/// <summary>An <see cref="ITemplateScope"/> over a plain dictionary: handy for tests and previews.</summary>
public sealed class DictionaryTemplateScope(IReadOnlyDictionary<string, object?> variables) : ITemplateScope
{
    public bool TryGetVariable(string name, out object? value) => variables.TryGetValue(name, out value);
}
