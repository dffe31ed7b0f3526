using Portique.Templating.Parsing;

namespace Portique.Templating.Runtime;

/// <summary>
/// A render-time error. Value operations throw it without a position; the innermost expression or
/// directive it crosses stamps its own position, and <see cref="CreoleTemplate.Render"/> reports it.
/// </summary>
internal sealed class EvaluationException(string message) : Exception(message)
{
    public SourcePosition? Position { get; private set; }

    public void LocateAt(SourcePosition position) => Position ??= position;
}
