namespace Portique.Templating.Parsing;

internal enum TokenKind
{
    /// <summary>A bare name: a local, a function, or a keyword (<c>and</c>, <c>in</c>, <c>True</c>...).</summary>
    Name,

    /// <summary><c>%%name</c> or <c>%%{name}</c>; <see cref="Token.Text"/> is the name.</summary>
    Placeholder,
    Integer,
    Float,
    String,
    Symbol,
    End,
}

/// <summary>One expression token; <see cref="Value"/> holds the literal of numbers and strings.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End, object? Value = null)
{
    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public bool IsKeyword(string keyword) => Kind == TokenKind.Name && Text == keyword;
}
