namespace Portique.Templating.Parsing;

/// <summary>A 1-based line and column (columns count UTF-16 characters, a tab is one column).</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    public string Subject(string fileName) => $"{fileName}:{Line}:{Column}";
}
