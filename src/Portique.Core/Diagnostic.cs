namespace Portique.Core;

/// <summary>
/// What kind of problem a <see cref="Diagnostic"/> is. An <see cref="Invalid"/> value is wrong and must be changed
/// (wrong type, out of range, not allowed, a conflict, unsafe); an <see cref="Incomplete"/> configuration only lacks a
/// value not given yet (a mandatory value of an enabled family). <c>set</c> and genconfig's save refuse new invalid
/// problems only; <c>validate</c>, <c>plan</c>, <c>instance</c> and <c>reconfigure</c> refuse both.
/// </summary>
public enum ProblemKind
{
    Invalid,
    Incomplete,
}

/// <summary>
/// One problem found in user input. <see cref="Subject"/> is what the administrator must look at:
/// a variable name (<c>conteneur1_port_out</c>) or a location (<c>dicos/25_conteneur.xml:12</c>).
/// The message is already localised.
/// </summary>
public sealed record Diagnostic(string Subject, string Message, ProblemKind Kind = ProblemKind.Invalid)
{
    /// <summary>A missing value, not a wrong one.</summary>
    public bool IsIncomplete => Kind == ProblemKind.Incomplete;

    /// <summary>A value still to give (<see cref="ProblemKind.Incomplete"/>).</summary>
    public static Diagnostic Missing(string subject, string message) => new(subject, message, ProblemKind.Incomplete);

    public override string ToString() => $"{Subject}: {Message}";
}
