namespace Portique.Templating.Parsing;

/// <summary>A syntax error at an offset; the parser records it and resumes at the next line.</summary>
internal sealed class TemplateSyntaxException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
