namespace Portique.Templating;

/// <summary>A <c>%%name</c> read from the configuration (not a local, not a helper function), where it is written.</summary>
public sealed record VariableReference(string Name, int Line, int Column);
