using System.Globalization;
using System.Text;

namespace Portique.Templating.Parsing;

/// <summary>
/// Tokenizes a Python-like expression on demand, from <c>start</c> up to <c>limit</c> (the end of the line):
/// a placeholder in text stops wherever its syntax stops, so the text after it must never be tokenized.
/// A <c>%#</c> comment ends the expression.
/// </summary>
internal sealed class ExpressionLexer(SourceText source, int start, int limit)
{
    private static readonly string[] TwoCharSymbols = ["==", "!=", "<=", ">=", "//"];
    private const string OneCharSymbols = "()[]{},.:<>+-*/%=";

    private Token? _peeked;

    /// <summary>The offset right after the last consumed token (no blanks skipped).</summary>
    public int Position { get; private set; } = start;

    public int Limit => limit;

    public Token Peek() => _peeked ??= Scan(Position);

    public Token Next()
    {
        var token = Peek();
        _peeked = null;
        Position = token.End;
        return token;
    }

    private Token Scan(int offset)
    {
        while (offset < limit && (SourceText.IsBlankChar(source.Text[offset]) || source.Text[offset] == '\r'))
        {
            offset++;
        }

        if (offset >= limit || (source.At(offset) == '%' && source.At(offset + 1) == '#' && offset + 1 < limit))
        {
            return new Token(TokenKind.End, string.Empty, offset, offset);
        }

        var c = source.Text[offset];
        if (SourceText.IsNameStart(c))
        {
            return ScanNameOrPrefixedString(offset);
        }

        if (c is >= '0' and <= '9')
        {
            return ScanNumber(offset);
        }

        if (c is '\'' or '"')
        {
            return ScanString(offset, offset, raw: false);
        }

        if (c == '%' && At(offset + 1) == '%')
        {
            return ScanPlaceholder(offset);
        }

        foreach (var symbol in TwoCharSymbols)
        {
            if (At(offset) == symbol[0] && At(offset + 1) == symbol[1])
            {
                return new Token(TokenKind.Symbol, symbol, offset, offset + 2);
            }
        }

        if (OneCharSymbols.Contains(c, StringComparison.Ordinal))
        {
            return new Token(TokenKind.Symbol, c.ToString(), offset, offset + 1);
        }

        throw new TemplateSyntaxException(offset, Messages.FormatUnexpectedCharacter(c.ToString()));
    }

    /// <summary>A character inside the limit, or <c>\0</c> past it.</summary>
    private char At(int offset) => offset < limit ? source.Text[offset] : '\0';

    private Token ScanNameOrPrefixedString(int offset)
    {
        var name = source.ReadName(offset);
        var end = offset + name.Length;
        var isStringPrefix = name.ToUpperInvariant() is "U" or "R" or "UR";
        if (isStringPrefix && At(end) is '\'' or '"')
        {
            return ScanString(offset, end, raw: name.Contains('r', StringComparison.OrdinalIgnoreCase));
        }

        return new Token(TokenKind.Name, name, offset, end);
    }

    private Token ScanNumber(int offset)
    {
        var end = SkipDigits(offset);
        var isFloat = false;
        if (At(end) == '.' && char.IsAsciiDigit(At(end + 1)))
        {
            isFloat = true;
            end = SkipDigits(end + 1);
        }

        if (At(end) is 'e' or 'E')
        {
            var exponent = At(end + 1) is '+' or '-' ? end + 2 : end + 1;
            if (char.IsAsciiDigit(At(exponent)))
            {
                isFloat = true;
                end = SkipDigits(exponent);
            }
        }

        var text = source.Text[offset..end];
        if (isFloat)
        {
            var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return new Token(TokenKind.Float, text, offset, end, value);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            throw new TemplateSyntaxException(offset, Messages.FormatNumberTooLarge(text));
        }

        return new Token(TokenKind.Integer, text, offset, end, integer);
    }

    private int SkipDigits(int offset)
    {
        while (char.IsAsciiDigit(At(offset)))
        {
            offset++;
        }

        return offset;
    }

    private Token ScanString(int tokenStart, int quoteOffset, bool raw)
    {
        var quote = source.Text[quoteOffset];
        var value = new StringBuilder();
        var i = quoteOffset + 1;
        while (true)
        {
            if (i >= limit)
            {
                throw new TemplateSyntaxException(tokenStart, Messages.FormatUnterminatedString(quote.ToString()));
            }

            var c = source.Text[i];
            if (c == quote)
            {
                return new Token(TokenKind.String, source.Text[tokenStart..(i + 1)], tokenStart, i + 1, value.ToString());
            }

            if (c == '\\' && i + 1 < limit)
            {
                i = raw ? AppendRawEscape(value, i) : AppendEscape(value, i);
                continue;
            }

            value.Append(c);
            i++;
        }
    }

    /// <summary>In a raw string a backslash stays, but still keeps the next quote from ending the string.</summary>
    private int AppendRawEscape(StringBuilder value, int backslash)
    {
        value.Append('\\').Append(source.Text[backslash + 1]);
        return backslash + 2;
    }

    private int AppendEscape(StringBuilder value, int backslash)
    {
        var code = source.Text[backslash + 1];
        char? simple = code switch
        {
            '\\' => '\\',
            '\'' => '\'',
            '"' => '"',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'a' => '\a',
            'b' => '\b',
            'f' => '\f',
            'v' => '\v',
            '0' => '\0',
            _ => null,
        };
        if (simple is { } escaped)
        {
            value.Append(escaped);
            return backslash + 2;
        }

        var hexLength = code switch { 'x' => 2, 'u' => 4, _ => 0 };
        if (hexLength == 0)
        {
            // Python keeps unknown escapes as written: '\d' is a backslash and a d.
            value.Append('\\').Append(code);
            return backslash + 2;
        }

        var digitsStart = backslash + 2;
        var digitsEnd = digitsStart + hexLength;
        if (digitsEnd > limit
            || !int.TryParse(source.Text.AsSpan(digitsStart, hexLength), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
        {
            throw new TemplateSyntaxException(backslash, Messages.FormatInvalidEscape("\\" + code));
        }

        value.Append((char)unit);
        return digitsEnd;
    }

    private Token ScanPlaceholder(int offset)
    {
        var nameStart = offset + 2;
        var braced = At(nameStart) == '{';
        if (braced)
        {
            nameStart = SkipBlanks(nameStart + 1);
        }

        if (!SourceText.IsNameStart(At(nameStart)))
        {
            throw new TemplateSyntaxException(offset, Messages.PlaceholderNameExpected);
        }

        var name = source.ReadName(nameStart);
        var end = nameStart + name.Length;
        if (braced)
        {
            end = SkipBlanks(end);
            if (At(end) != '}')
            {
                throw new TemplateSyntaxException(end, Messages.FormatExpected("}"));
            }

            end++;
        }

        return new Token(TokenKind.Placeholder, name, offset, end);
    }

    private int SkipBlanks(int offset)
    {
        while (SourceText.IsBlankChar(At(offset)))
        {
            offset++;
        }

        return offset;
    }
}
