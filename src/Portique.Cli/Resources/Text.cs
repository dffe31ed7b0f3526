using Portique.Planning;

namespace Portique.Cli;

/// <summary>Hand-written part of the generated accessor of <c>Resources/Text.resx</c>: the one text chosen by a value.</summary>
internal static partial class Text
{
    /// <summary>The word of a plan action (<c>ActionCreate</c>, <c>ActionKeep</c>...).</summary>
    public static string ActionName(ActionKind kind) => GetResourceString("Action" + kind) ?? "Action" + kind;
}
