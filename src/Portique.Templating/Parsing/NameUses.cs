namespace Portique.Templating.Parsing;

/// <summary>A name read somewhere in the template, by offset.</summary>
internal readonly record struct NameUse(string Name, int Offset);

/// <summary>
/// Which names the template reads and assigns. Locals are known only once the whole template is read
/// (a <c>%set</c> anywhere makes a name local to the whole template, as in Cheetah), so checks run at the end.
/// </summary>
internal sealed class NameUses
{
    private readonly HashSet<string> _locals = new(StringComparer.Ordinal);

    /// <summary>The template's <c>%def</c>s: their names are known before the template is read (a call may precede the definition).</summary>
    public Syntax.TemplateDefinitions Definitions { get; } = new();

    public HashSet<string> DefinitionNames { get; } = new(StringComparer.Ordinal);
    private readonly List<NameUse> _placeholderReads = [];
    private readonly List<NameUse> _bareReads = [];

    /// <summary>How many reads are recorded, to forget those of a line that turns out to be invalid.</summary>
    public (int Placeholders, int Bare) Checkpoint() => (_placeholderReads.Count, _bareReads.Count);

    public void Rollback((int Placeholders, int Bare) checkpoint)
    {
        _placeholderReads.RemoveRange(checkpoint.Placeholders, _placeholderReads.Count - checkpoint.Placeholders);
        _bareReads.RemoveRange(checkpoint.Bare, _bareReads.Count - checkpoint.Bare);
    }

    public void AddLocal(string name) => _locals.Add(name);

    public void AddPlaceholderRead(string name, int offset) => _placeholderReads.Add(new NameUse(name, offset));

    public void AddBareRead(string name, int offset) => _bareReads.Add(new NameUse(name, offset));

    /// <summary><c>%%name</c> reads that are not locals: the configuration variables the template needs.</summary>
    public IEnumerable<NameUse> GlobalReads() => _placeholderReads.Where(read => !_locals.Contains(read.Name));

    /// <summary>Bare names that are neither assigned locals nor functions: Python would raise a NameError.</summary>
    public IEnumerable<NameUse> UnknownBareReads() => _bareReads.Where(read => !_locals.Contains(read.Name));
}
