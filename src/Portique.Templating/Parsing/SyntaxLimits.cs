namespace Portique.Templating.Parsing;

internal static class SyntaxLimits
{
    /// <summary>Deepest nesting of blocks, and of expressions, that a template may use; keeps recursion bounded.</summary>
    public const int MaxNesting = 100;
}
