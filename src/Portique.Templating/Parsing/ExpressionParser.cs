using Portique.Templating.Runtime;
using Portique.Templating.Syntax;

namespace Portique.Templating.Parsing;

/// <summary>
/// Recursive-descent parser for the Python-like expressions of directives and placeholders, with Python's
/// precedence: <c>or</c> &lt; <c>and</c> &lt; <c>not</c> &lt; comparisons &lt; <c>+ -</c> &lt; <c>* / // %</c>
/// &lt; unary <c>- +</c> &lt; trailers (<c>.name</c>, <c>[index]</c>, <c>(arguments)</c>).
/// </summary>
internal sealed class ExpressionParser(SourceText source, ExpressionLexer lexer, NameUses names)
{
    private static readonly Dictionary<string, Func<object?, object?, object?>> AdditiveOperators = new(StringComparer.Ordinal)
    {
        ["+"] = PythonOperators.Add,
        ["-"] = PythonOperators.Subtract,
    };

    private static readonly Dictionary<string, Func<object?, object?, object?>> MultiplicativeOperators = new(StringComparer.Ordinal)
    {
        ["*"] = PythonOperators.Multiply,
        ["/"] = PythonOperators.Divide,
        ["//"] = PythonOperators.FloorDivide,
        ["%"] = PythonOperators.Modulo,
    };

    private static readonly Dictionary<string, Func<object?, object?, bool>> ComparisonOperators = new(StringComparer.Ordinal)
    {
        ["=="] = PythonOperators.AreEqual,
        ["!="] = static (a, b) => !PythonOperators.AreEqual(a, b),
        ["<"] = static (a, b) => PythonOperators.Compare(a, b, "<") < 0,
        ["<="] = static (a, b) => PythonOperators.Compare(a, b, "<=") <= 0,
        [">"] = static (a, b) => PythonOperators.Compare(a, b, ">") > 0,
        [">="] = static (a, b) => PythonOperators.Compare(a, b, ">=") >= 0,
        ["in"] = static (a, b) => PythonOperators.Contains(b, a),
        ["not in"] = static (a, b) => !PythonOperators.Contains(b, a),
        ["is"] = PythonOperators.AreIdentical,
        ["is not"] = static (a, b) => !PythonOperators.AreIdentical(a, b),
    };

    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal) { "and", "or", "not", "in", "is" };

    private int _nesting;

    public Token Peek() => lexer.Peek();

    public Token Next() => lexer.Next();

    public void Expect(string symbol)
    {
        var token = lexer.Next();
        if (!token.IsSymbol(symbol))
        {
            throw new TemplateSyntaxException(token.Start, Messages.FormatExpectedButFound(symbol, Describe(token)));
        }
    }

    /// <summary>Checks that nothing but blanks or a <c>%#</c> comment follows on the directive line.</summary>
    public void ExpectEnd(string directive)
    {
        var token = lexer.Peek();
        if (token.Kind != TokenKind.End)
        {
            throw new TemplateSyntaxException(token.Start, Messages.FormatUnexpectedAfterDirective(directive, Describe(token)));
        }
    }

    public Expression ParseExpression()
    {
        Enter(lexer.Peek().Start);
        try
        {
            return ParseOr();
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>
    /// A placeholder in text, <c>%%name</c> already read: its trailers must touch it (<c>%%x.upper()</c>,
    /// <c>%%x[0]</c>), so <c>%%x .</c> or <c>%%name.</c> at the end of a sentence leave the rest as text.
    /// </summary>
    public Expression ParsePlaceholder(Token placeholder) =>
        ParseTrailers(ParseNameReference(placeholder, isPlaceholder: true, adjacent: true), adjacent: true);

    /// <summary><c>%%{name...}</c> in text, <c>%%{</c> already read: a name, trailers, then <c>}</c>.</summary>
    public Expression ParseBracedPlaceholder()
    {
        var name = lexer.Next();
        if (name.Kind != TokenKind.Name)
        {
            throw new TemplateSyntaxException(name.Start, Messages.PlaceholderNameExpected);
        }

        var expression = ParseTrailers(ParseNameReference(name, isPlaceholder: true, adjacent: false), adjacent: false);
        Expect("}");
        return expression;
    }

    /// <summary>A token as written (<c>%%name</c>, not just the name), or "end of line", for error messages.</summary>
    public string Describe(Token token) => token.Kind == TokenKind.End ? Messages.EndOfLine : source.Text[token.Start..token.End];

    private SourcePosition At(Token token) => source.PositionAt(token.Start);

    private void Enter(int offset)
    {
        if (++_nesting > SyntaxLimits.MaxNesting)
        {
            throw new TemplateSyntaxException(offset, Messages.FormatExpressionTooDeep(SyntaxLimits.MaxNesting));
        }
    }

    private static Expression Bounded(Expression expression, Token token) => expression.Depth > SyntaxLimits.MaxNesting
        ? throw new TemplateSyntaxException(token.Start, Messages.FormatExpressionTooDeep(SyntaxLimits.MaxNesting))
        : expression;

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (lexer.Peek().IsKeyword("or"))
        {
            var token = lexer.Next();
            left = Bounded(new LogicalExpression(At(token), isAnd: false, left, ParseAnd()), token);
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (lexer.Peek().IsKeyword("and"))
        {
            var token = lexer.Next();
            left = Bounded(new LogicalExpression(At(token), isAnd: true, left, ParseNot()), token);
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (!lexer.Peek().IsKeyword("not"))
        {
            return ParseComparison();
        }

        var token = lexer.Next();
        Enter(token.Start);
        try
        {
            return Bounded(new UnaryExpression(At(token), static value => !PythonValue.IsTrue(value), ParseNot()), token);
        }
        finally
        {
            _nesting--;
        }
    }

    private Expression ParseComparison()
    {
        var first = ParseArithmetic();
        var firstOperator = lexer.Peek();
        var links = new List<ComparisonLink>();
        while (TryComparisonOperator() is { } symbol)
        {
            links.Add(new ComparisonLink(ComparisonOperators[symbol], ParseArithmetic()));
        }

        // Errors point at the first operator: in a chain, that is close enough to the culprit.
        return links.Count == 0 ? first : Bounded(new ComparisonExpression(At(firstOperator), first, links), firstOperator);
    }

    private string? TryComparisonOperator()
    {
        var token = lexer.Peek();
        if (token.Kind == TokenKind.Symbol && ComparisonOperators.ContainsKey(token.Text))
        {
            lexer.Next();
            return token.Text;
        }

        if (token.IsKeyword("in"))
        {
            lexer.Next();
            return "in";
        }

        if (token.IsKeyword("not"))
        {
            lexer.Next();
            var inToken = lexer.Next();
            return inToken.IsKeyword("in")
                ? "not in"
                : throw new TemplateSyntaxException(inToken.Start, Messages.FormatExpectedButFound("in", Describe(inToken)));
        }

        if (token.IsKeyword("is"))
        {
            lexer.Next();
            if (!lexer.Peek().IsKeyword("not"))
            {
                return "is";
            }

            lexer.Next();
            return "is not";
        }

        return null;
    }

    private Expression ParseArithmetic()
    {
        var left = ParseTerm();
        while (lexer.Peek() is { Kind: TokenKind.Symbol } token && AdditiveOperators.TryGetValue(token.Text, out var operation))
        {
            lexer.Next();
            left = Bounded(new BinaryExpression(At(token), operation, left, ParseTerm()), token);
        }

        return left;
    }

    private Expression ParseTerm()
    {
        var left = ParseUnary();
        while (lexer.Peek() is { Kind: TokenKind.Symbol } token && MultiplicativeOperators.TryGetValue(token.Text, out var operation))
        {
            lexer.Next();
            left = Bounded(new BinaryExpression(At(token), operation, left, ParseUnary()), token);
        }

        return left;
    }

    private Expression ParseUnary()
    {
        var token = lexer.Peek();
        if (!token.IsSymbol("-") && !token.IsSymbol("+"))
        {
            return ParseTrailers(ParsePrimary(), adjacent: false);
        }

        lexer.Next();
        Enter(token.Start);
        try
        {
            Func<object?, object?> operation = token.Text == "-" ? PythonOperators.Negate : PythonOperators.Plus;
            return Bounded(new UnaryExpression(At(token), operation, ParseUnary()), token);
        }
        finally
        {
            _nesting--;
        }
    }

    private Expression ParsePrimary()
    {
        var token = lexer.Next();
        switch (token.Kind)
        {
            case TokenKind.Integer or TokenKind.Float or TokenKind.String:
                return new ConstantExpression(At(token), token.Value);
            case TokenKind.Placeholder:
                return ParseNameReference(token, isPlaceholder: true, adjacent: false);
            case TokenKind.Name when token.Text is "True" or "False" or "None":
                return new ConstantExpression(At(token), token.Text == "None" ? null : token.Text == "True");
            case TokenKind.Name when !ReservedWords.Contains(token.Text):
                return ParseNameReference(token, isPlaceholder: false, adjacent: false);
            case TokenKind.Symbol when token.Text == "(":
                if (lexer.Peek().IsSymbol(")"))
                {
                    lexer.Next();
                    return new TupleExpression(At(token), []);
                }

                var inner = ParseExpression();
                if (lexer.Peek().IsSymbol(","))
                {
                    lexer.Next();
                    return Bounded(new TupleExpression(At(token), [inner, .. ParseSequence(")")]), token);
                }

                Expect(")");
                return inner;
            case TokenKind.Symbol when token.Text == "{":
                return Bounded(ParseDict(token), token);
            case TokenKind.Symbol when token.Text == "[":
                return Bounded(new ListExpression(At(token), ParseSequence("]")), token);
            case TokenKind.End:
                throw new TemplateSyntaxException(token.Start, Messages.ExpressionExpected);
            default:
                throw new TemplateSyntaxException(token.Start, Messages.FormatUnexpectedToken(Describe(token)));
        }
    }

    /// <summary>Comma-separated expressions up to <paramref name="closing"/> (consumed); a trailing comma is allowed.</summary>
    private List<Expression> ParseSequence(string closing)
    {
        var items = new List<Expression>();
        while (!lexer.Peek().IsSymbol(closing))
        {
            items.Add(ParseExpression());
            if (!lexer.Peek().IsSymbol(","))
            {
                break;
            }

            lexer.Next();
        }

        Expect(closing);
        return items;
    }

    /// <summary><c>{k: v, ...}</c>, <c>{</c> already read.</summary>
    private DictExpression ParseDict(Token brace)
    {
        var entries = new List<(Expression, Expression)>();
        while (!lexer.Peek().IsSymbol("}"))
        {
            var key = ParseExpression();
            Expect(":");
            entries.Add((key, ParseExpression()));
            if (!lexer.Peek().IsSymbol(","))
            {
                break;
            }

            lexer.Next();
        }

        Expect("}");
        return new DictExpression(At(brace), entries);
    }

    /// <summary>A name followed by <c>(</c> calls a function known at parse time; otherwise it reads a variable.</summary>
    private Expression ParseNameReference(Token name, bool isPlaceholder, bool adjacent)
    {
        if (names.DefinitionNames.Contains(name.Text))
        {
            // A %def: called with its arguments, or without parentheses (Cheetah's autocall).
            List<Expression> defArguments = [];
            if (CallFollows(adjacent))
            {
                lexer.Next();
                defArguments = ParseSequence(")");
            }

            return Bounded(new DefCallExpression(At(name), name.Text, defArguments, names.Definitions), name);
        }

        if (!CallFollows(adjacent))
        {
            if (isPlaceholder)
            {
                names.AddPlaceholderRead(name.Text, name.Start);
            }
            else
            {
                names.AddBareRead(name.Text, name.Start);
            }

            return new VariableExpression(At(name), name.Text, isPlaceholder);
        }

        if (!BuiltinFunctions.TryGet(name.Text, out var function))
        {
            throw new TemplateSyntaxException(name.Start, Messages.FormatUnknownFunction(name.Text));
        }

        lexer.Next();
        var arguments = ParseSequence(")");
        return function.Accepts(arguments.Count)
            ? Bounded(new FunctionCallExpression(At(name), function, arguments), name)
            : throw new TemplateSyntaxException(name.Start, function.ArityMessage(arguments.Count));
    }

    private Expression ParseTrailers(Expression target, bool adjacent)
    {
        while (TrailerFollows(adjacent))
        {
            var token = lexer.Next();
            target = token.Text switch
            {
                "." => ParseMember(target, adjacent),
                "[" => ParseSubscript(target, token),
                _ => throw new TemplateSyntaxException(token.Start, Messages.NotCallable),
            };
            target = Bounded(target, token);
        }

        return target;
    }

    private Expression ParseMember(Expression target, bool adjacent)
    {
        var name = lexer.Next();
        if (name.Kind != TokenKind.Name)
        {
            throw new TemplateSyntaxException(name.Start, Messages.FormatExpectedButFound(Messages.AttributeName, Describe(name)));
        }

        if (!CallFollows(adjacent))
        {
            return new AttributeExpression(At(name), target, name.Text);
        }

        lexer.Next();
        return new MethodCallExpression(At(name), target, name.Text, ParseSequence(")"));
    }

    private Expression ParseSubscript(Expression target, Token bracket)
    {
        Expression? start = null;
        if (!lexer.Peek().IsSymbol(":"))
        {
            start = ParseExpression();
            if (!lexer.Peek().IsSymbol(":"))
            {
                Expect("]");
                return new IndexExpression(At(bracket), target, start);
            }
        }

        lexer.Next();
        var stop = lexer.Peek().IsSymbol("]") ? null : ParseExpression();
        Expect("]");
        return new SliceExpression(At(bracket), target, start, stop);
    }

    private bool CallFollows(bool adjacent) => adjacent
        ? source.At(lexer.Position) == '(' && lexer.Position < lexer.Limit
        : lexer.Peek().IsSymbol("(");

    private bool TrailerFollows(bool adjacent)
    {
        if (!adjacent)
        {
            var token = lexer.Peek();
            return token.IsSymbol(".") || token.IsSymbol("[") || token.IsSymbol("(");
        }

        var position = lexer.Position;
        if (position >= lexer.Limit)
        {
            return false;
        }

        return source.At(position) switch
        {
            '.' => SourceText.IsNameStart(source.At(position + 1)),
            '[' or '(' => true,
            _ => false,
        };
    }
}
