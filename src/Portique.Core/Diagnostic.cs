namespace Portique.Core;

/// <summary>
/// One problem found in user input. <see cref="Subject"/> is what the administrator must look at:
/// a variable name (<c>conteneur1_port_out</c>) or a location (<c>dicos/25_conteneur.xml:12</c>).
/// The message is already localised.
/// </summary>
public sealed record Diagnostic(string Subject, string Message)
{
    public override string ToString() => $"{Subject}: {Message}";
}
