namespace Portique.Templating.Parsing;

internal sealed record ParseError(SourcePosition Position, string Message);
