namespace Portique.Templating.Parsing;

/// <summary>A name read somewhere in the template, by offset.</summary>
internal readonly record struct NameUse(string Name, int Offset);

/// <summary>
/// Which names the template reads and assigns. Locals are known only once the whole template is read
/// (a <c>%set</c> anywhere makes a name local to the whole template, as in Cheetah), so checks run at the end.
/// </summary>
internal sealed class NameUses
{
    private readonly HashSet<string> locals = new(StringComparer.Ordinal);

    /// <summary>The template's <c>%def</c>s: their names are known before the template is read (a call may precede the definition).</summary>
    public Syntax.TemplateDefinitions Definitions { get; } = new();

    public HashSet<string> DefinitionNames { get; } = new(StringComparer.Ordinal);
    private readonly List<NameUse> placeholderReads = [];
    private readonly List<NameUse> bareReads = [];

    /// <summary>How many reads are recorded, to forget those of a line that turns out to be invalid.</summary>
    public (int Placeholders, int Bare) Checkpoint() => (placeholderReads.Count, bareReads.Count);

    public void Rollback((int Placeholders, int Bare) checkpoint)
    {
        placeholderReads.RemoveRange(checkpoint.Placeholders, placeholderReads.Count - checkpoint.Placeholders);
        bareReads.RemoveRange(checkpoint.Bare, bareReads.Count - checkpoint.Bare);
    }

    public void AddLocal(string name) => locals.Add(name);

    public void AddPlaceholderRead(string name, int offset) => placeholderReads.Add(new NameUse(name, offset));

    public void AddBareRead(string name, int offset) => bareReads.Add(new NameUse(name, offset));

    /// <summary><c>%%name</c> reads that are not locals: the configuration variables the template needs.</summary>
    public IEnumerable<NameUse> GlobalReads() => placeholderReads.Where(read => !locals.Contains(read.Name));

    /// <summary>Bare names that are neither assigned locals nor functions: Python would raise a NameError.</summary>
    public IEnumerable<NameUse> UnknownBareReads() => bareReads.Where(read => !locals.Contains(read.Name));
}
