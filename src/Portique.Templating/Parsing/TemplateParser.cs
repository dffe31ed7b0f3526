using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using Portique.Templating.Runtime;
using Portique.Templating.Syntax;

namespace Portique.Templating.Parsing;

/// <summary>What parsing produced: the tree (meaningful only without errors), the errors, the configuration reads.</summary>
internal sealed record ParsedTemplate(Block Root, IReadOnlyList<ParseError> Errors, IReadOnlyList<VariableReference> References);

/// <summary>
/// Scans Creole text: plain text, <c>%%placeholders</c>, <c>%directives</c>, comments and escapes.
/// A bad line is reported and skipped so that every error of the template is found in one pass.
/// </summary>
internal sealed partial class TemplateParser
{
    private static readonly FrozenSet<string> DirectiveKeywords =
        FrozenSet.Create(
            StringComparer.Ordinal, "if", "elif", "else", "end", "for", "set", "slurp", "break", "continue", "silent", "echo", "def", "include", "unless");

    /// <summary>Cheetah directives Creole would run: written here they must not pass silently as text.</summary>
    private static readonly FrozenSet<string> UnsupportedCheetahDirectives = FrozenSet.Create(
        StringComparer.Ordinal,
        "import", "from", "block", "call", "raw", "while", "try",
        "except", "finally", "return", "pass", "stop", "filter", "cache", "capture", "extends", "repeat", "assert",
        "raise", "del");

    private static readonly FrozenDictionary<string, string> MisspelledDirectives = new Dictionary<string, string>
    {
        ["endif"] = "%end if",
        ["endfor"] = "%end for",
        ["elseif"] = "%elif",
        ["elsif"] = "%elif",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly char[] SpecialCharacters = ['%', '\\'];

    private readonly SourceText _source;
    private readonly List<ParseError> _errors = [];
    private readonly NameUses _names = new();
    private readonly BlockBuilder _blocks;
    private readonly StringBuilder _text = new();
    private int _textStart;
    private int _position;

    private TemplateParser(string template)
    {
        _source = new SourceText(template);
        _blocks = new BlockBuilder(_errors.Add);
        foreach (Match definition in DefinitionLine().Matches(template))
        {
            _names.DefinitionNames.Add(definition.Groups["name"].Value);
        }
    }

    [GeneratedRegex(@"^[ \t]*%def[ \t]+(?<name>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.Multiline)]
    private static partial Regex DefinitionLine();

    public static ParsedTemplate Parse(string template)
    {
        var parser = new TemplateParser(template);
        return parser.Run();
    }

    [GeneratedRegex(@"^(?:%%)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?<value>.*)$")]
    private static partial Regex Assignment();

    private ParsedTemplate Run()
    {
        while (_position < _source.Length)
        {
            var special = _source.Text.IndexOfAny(SpecialCharacters, _position);
            var textEnd = special < 0 ? _source.Length : special;
            AppendText(_position, textEnd);
            _position = textEnd;
            if (special < 0)
            {
                break;
            }

            if (_source.Text[_position] == '\\')
            {
                ScanBackslashes();
            }
            else
            {
                ScanPercent();
            }
        }

        FlushText();
        var root = _blocks.Finish(_source.PositionAt(_source.Length));
        foreach (var unknown in _names.UnknownBareReads())
        {
            Report(unknown.Offset, Messages.FormatUnknownName(unknown.Name));
        }

        var sortedErrors = _errors.OrderBy(error => error.Position.Line).ThenBy(error => error.Position.Column).ToList();
        var references = _names.GlobalReads()
            .Select(read => (read.Name, At: _source.PositionAt(read.Offset)))
            .Select(read => new VariableReference(read.Name, read.At.Line, read.At.Column));
        return new ParsedTemplate(root, sortedErrors, [.. references]);
    }

    private void ScanPercent()
    {
        var next = _source.At(_position + 1);
        switch (next)
        {
            case '%':
                ScanDoublePercent();
                return;
            case '#':
                ScanLineComment();
                return;
            case '*':
                ScanBlockComment();
                return;
        }

        var word = SourceText.IsNameStart(next) ? _source.ReadName(_position + 1) : string.Empty;
        if (DirectiveKeywords.Contains(word))
        {
            ScanDirective(_position + 1, word);
        }
        else if (MisspelledDirectives.TryGetValue(word, out var correct))
        {
            ReportAndSkipLine(Messages.FormatMisspelledDirective(word, correct));
        }
        else if (UnsupportedCheetahDirectives.Contains(word))
        {
            ReportAndSkipLine(Messages.FormatUnsupportedDirective(word));
        }
        else if (IsEndOfLineSlurp())
        {
            _position = _source.NextLineStartOf(_position);
        }
        else
        {
            AppendText(_position, _position + 1);
            _position++;
        }
    }

    /// <summary><c>%%</c>: a placeholder when a name or <c>{</c> follows, else literal text.</summary>
    private void ScanDoublePercent()
    {
        var after = _source.At(_position + 2);
        if (after == '{')
        {
            ScanPlaceholder(braced: true);
        }
        else if (!SourceText.IsNameStart(after))
        {
            AppendText(_position, _position + 2);
            _position += 2;
        }
        else if (_source.ReadName(_position + 2) is var name && DirectiveKeywords.Contains(name))
        {
            // The workshop's "%%set x=0": report it, then read the line as the directive that was meant.
            var restStart = _position + 2 + name.Length;
            Report(_position, Messages.FormatPlaceholderIsDirective(name, Suggestion(name, restStart)));
            ScanDirective(_position + 2, name);
        }
        else
        {
            ScanPlaceholder(braced: false);
        }
    }

    private string Suggestion(string keyword, int restStart)
    {
        var rest = _source.Text[restStart.._source.ContentEndOf(restStart)].Trim();
        if (keyword == "set" && Assignment().Match(rest) is { Success: true } assignment)
        {
            return $"%set %%{assignment.Groups["name"].Value} = {assignment.Groups["value"].Value.Trim()}";
        }

        return rest.Length == 0 ? "%" + keyword : $"%{keyword} {rest}";
    }

    private void ScanPlaceholder(bool braced)
    {
        var start = _position;
        var lexer = new ExpressionLexer(_source, braced ? start + 3 : start, _source.ContentEndOf(start));
        var parser = new ExpressionParser(_source, lexer, _names);
        var checkpoint = _names.Checkpoint();
        try
        {
            var expression = braced ? parser.ParseBracedPlaceholder() : parser.ParsePlaceholder(lexer.Next());
            AddNode(new PlaceholderNode(_source.PositionAt(start), expression));
            _position = lexer.Position;
        }
        catch (TemplateSyntaxException error)
        {
            // Names read by a broken line would only add noise ("unknown name") to the real error.
            _names.Rollback(checkpoint);
            Report(error.Offset, error.Message);
            _position = _source.NextLineStartOf(start);
        }
    }

    /// <summary>
    /// A directive runs to the end of its line. Alone on its line (blanks aside) the whole line vanishes,
    /// newline included; after text, the newline stays unless the directive is <c>%slurp</c>.
    /// </summary>
    private void ScanDirective(int keywordStart, string keyword)
    {
        var start = _position;
        var lineStart = _source.LineStartOf(start);
        var standalone = _source.IsBlank(lineStart, start);
        if (standalone)
        {
            _text.Length -= start - lineStart;
        }

        FlushText();
        var argumentsStart = keywordStart + keyword.Length;
        var contentEnd = _source.ContentEndOf(start);
        var at = _source.PositionAt(start);
        var parser = new ExpressionParser(_source, new ExpressionLexer(_source, argumentsStart, contentEnd), _names);
        var checkpoint = _names.Checkpoint();
        try
        {
            ApplyDirective(keyword, parser, at);
        }
        catch (TemplateSyntaxException error)
        {
            _names.Rollback(checkpoint);
            Report(error.Offset, error.Message);

            // A one-line "%if x: text" opens no block: no knock-on "%end if expected".
            if (error.Message != EoleMessages.FormatSingleLineDirective(keyword))
            {
                KeepBlockStructure(keyword, FirstWordAt(argumentsStart), at);
            }
        }

        _position = standalone || keyword == "slurp" ? _source.NextLineStartOf(start) : contentEnd;
    }

    private void ApplyDirective(string keyword, ExpressionParser parser, SourcePosition at)
    {
        switch (keyword)
        {
            case "if":
                _blocks.OpenIf(ParseCondition(parser, keyword), at);
                break;
            case "elif":
                _blocks.AddElif(ParseCondition(parser, keyword), at);
                break;
            case "else" when parser.Peek().IsKeyword("if"):
                parser.Next();
                _blocks.AddElif(ParseCondition(parser, "else if"), at);
                break;
            case "else":
                ExpectBlockEnd(parser, keyword);
                _blocks.AddElse(at);
                break;
            case "end":
                var kind = parser.Next();
                if (!kind.IsKeyword("if") && !kind.IsKeyword("for") && !kind.IsKeyword("def") && !kind.IsKeyword("unless"))
                {
                    throw new TemplateSyntaxException(kind.Start, Messages.EndKindExpected);
                }

                // Cheetah ignores what follows "%end if" on its line.
                _blocks.Close(kind.Text, at);
                break;
            case "for":
                var targets = ParseLoopTargets(parser);
                var iterable = parser.ParseExpression();
                ExpectBlockEnd(parser, keyword);
                _blocks.OpenFor(targets, iterable, at);
                break;
            case "silent" or "echo":
                var effect = parser.ParseExpression();
                parser.ExpectEnd(keyword);
                _blocks.Add(new SilentNode(at, effect, echo: keyword == "echo"));
                break;
            case "include":
                var included = parser.ParseExpression();
                parser.ExpectEnd(keyword);
                _blocks.Add(new IncludeNode(at, included));
                break;
            case "def":
                var (definition, parameters) = ParseDefinition(parser);
                _blocks.OpenDef(definition, parameters, _names.Definitions, at);
                break;
            case "set":
                var isGlobal = parser.Peek().IsKeyword("global");
                if (isGlobal)
                {
                    // %set global: shared with %include'd templates, as Cheetah's globalSetVars.
                    parser.Next();
                }

                var name = ParseTarget(parser);
                Func<object?, object?, object?>? augmented = parser.Peek() switch
                {
                    { Text: "+" } token when token.IsSymbol("+") => PythonOperators.Add,
                    { Text: "-" } token when token.IsSymbol("-") => PythonOperators.Subtract,
                    _ => null,
                };
                if (augmented is not null)
                {
                    // %set %%i += 1, as Cheetah allows.
                    parser.Next();
                }

                parser.Expect("=");
                var value = parser.ParseExpression();
                parser.ExpectEnd(keyword);
                _names.AddLocal(name);
                if (augmented is not null)
                {
                    value = new BinaryExpression(at, augmented, new VariableExpression(at, name, isPlaceholder: true), value);
                }

                _blocks.Add(new SetNode(at, name, value, isGlobal));
                break;
            case "unless":
                var unless = ParseCondition(parser, keyword);
                _blocks.OpenIf(new UnaryExpression(at, static v => !PythonValue.IsTrue(v), unless), at, "unless");
                break;
            case "break" or "continue":
                parser.ExpectEnd(keyword);
                _blocks.AddLoopControl(keyword, keyword == "break" ? Flow.Break : Flow.Continue, at);
                break;
            default:
                parser.ExpectEnd(keyword);
                break;
        }
    }

    private static Expression ParseCondition(ExpressionParser parser, string directive)
    {
        var condition = parser.ParseExpression();
        ExpectBlockEnd(parser, directive);
        return condition;
    }

    /// <summary>The end of a block directive: <c>%if x:</c> with Python's colon is accepted; the one-line form is named as unsupported.</summary>
    private static void ExpectBlockEnd(ExpressionParser parser, string directive)
    {
        if (parser.Peek().IsSymbol(":"))
        {
            var colon = parser.Next();
            if (parser.Peek().Kind != TokenKind.End)
            {
                throw new TemplateSyntaxException(colon.Start, EoleMessages.FormatSingleLineDirective(directive.Split(' ')[^1]));
            }
        }

        parser.ExpectEnd(directive);
    }

    /// <summary><c>%def name</c> or <c>%def name(a, %%b)</c>.</summary>
    private (string Name, List<string> Parameters) ParseDefinition(ExpressionParser parser)
    {
        var name = ParseTarget(parser);
        var parameters = new List<string>();
        if (parser.Peek().IsSymbol("("))
        {
            parser.Next();
            while (!parser.Peek().IsSymbol(")"))
            {
                var parameter = parser.Next();
                if (parameter.Kind is not (TokenKind.Placeholder or TokenKind.Name))
                {
                    throw new TemplateSyntaxException(parameter.Start, EoleMessages.ParameterExpected);
                }

                parameters.Add(parameter.Text);
                if (!parser.Peek().IsSymbol(","))
                {
                    break;
                }

                parser.Next();
            }

            parser.Expect(")");
        }

        ExpectBlockEnd(parser, "def");
        parameters.ForEach(_names.AddLocal);
        return (name, parameters);
    }

    /// <summary><c>%%x</c> or <c>%%i, %%x</c> (bare names too), up to and including <c>in</c>.</summary>
    private List<string> ParseLoopTargets(ExpressionParser parser)
    {
        var targets = new List<string> { ParseTarget(parser) };
        while (parser.Peek().IsSymbol(","))
        {
            parser.Next();
            targets.Add(ParseTarget(parser));
        }

        var inKeyword = parser.Next();
        if (!inKeyword.IsKeyword("in"))
        {
            throw new TemplateSyntaxException(inKeyword.Start, Messages.FormatExpectedButFound("in", parser.Describe(inKeyword)));
        }

        targets.ForEach(_names.AddLocal);
        return targets;
    }

    private static string ParseTarget(ExpressionParser parser)
    {
        var token = parser.Next();
        return token.Kind is TokenKind.Placeholder or TokenKind.Name && token.Text is not ("in" or "and" or "or" or "not" or "is")
            ? token.Text
            : throw new TemplateSyntaxException(token.Start, Messages.VariableNameExpected);
    }

    /// <summary>After a bad directive line, still open or close its block so later lines are judged correctly.</summary>
    private void KeepBlockStructure(string keyword, string firstWord, SourcePosition at)
    {
        var invalid = new ConstantExpression(at, value: null);
        switch (keyword)
        {
            case "if":
                _blocks.OpenIf(invalid, at);
                break;
            case "for":
                _blocks.OpenFor([], invalid, at);
                break;
            case "def":
                _blocks.OpenDef(firstWord, [], _names.Definitions, at);
                break;
            case "unless":
                _blocks.OpenIf(invalid, at, "unless");
                break;
            case "elif":
            case "else" when firstWord == "if":
                _blocks.AddElif(invalid, at);
                break;
            case "else":
                _blocks.AddElse(at);
                break;
            case "end" when firstWord is "if" or "for" or "def" or "unless":
                _blocks.Close(firstWord, at);
                break;
        }
    }

    private string FirstWordAt(int offset)
    {
        while (SourceText.IsBlankChar(_source.At(offset)))
        {
            offset++;
        }

        return _source.ReadName(offset);
    }

    /// <summary><c>%# ...</c>: to the end of the line; a line holding only the comment vanishes.</summary>
    private void ScanLineComment()
    {
        var start = _position;
        var lineStart = _source.LineStartOf(start);
        if (_source.IsBlank(lineStart, start))
        {
            _text.Length -= start - lineStart;
            _position = _source.NextLineStartOf(start);
        }
        else
        {
            _position = _source.ContentEndOf(start);
        }
    }

    /// <summary><c>%* ... *%</c>, possibly over several lines; lines it fills alone vanish with their newline.</summary>
    private void ScanBlockComment()
    {
        var start = _position;
        var close = _source.Text.IndexOf("*%", start + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            Report(start, Messages.UnterminatedComment);
            _position = _source.Length;
            return;
        }

        var end = close + 2;
        var lineStart = _source.LineStartOf(start);
        if (_source.IsBlank(lineStart, start) && _source.IsBlank(end, _source.ContentEndOf(end)))
        {
            _text.Length -= start - lineStart;
            _position = _source.NextLineStartOf(end);
        }
        else
        {
            _position = end;
        }
    }

    /// <summary>
    /// Creole's EOL slurp token: a <c>%</c> ending a line that has output before it joins the next line.
    /// </summary>
    private bool IsEndOfLineSlurp() =>
        _source.IsBlank(_position + 1, _source.ContentEndOf(_position))
        && !_source.IsBlank(_source.LineStartOf(_position), _position);

    /// <summary>
    /// Backslashes before <c>%</c> escape: <c>\%</c> is a literal <c>%</c> (<c>\%%</c> a literal <c>%%</c>)
    /// and <c>\\</c> a literal backslash. Elsewhere backslashes are plain text.
    /// </summary>
    private void ScanBackslashes()
    {
        var start = _position;
        var end = start;
        while (_source.At(end) == '\\')
        {
            end++;
        }

        if (_source.At(end) != '%')
        {
            AppendText(start, end);
            _position = end;
            return;
        }

        var count = end - start;
        AppendLiteral(start, new string('\\', count / 2));
        _position = end;
        if (count % 2 == 1)
        {
            var escaped = _source.At(end + 1) == '%' ? "%%" : "%";
            AppendLiteral(start, escaped);
            _position += escaped.Length;
        }
    }

    private void ReportAndSkipLine(string message)
    {
        Report(_position, message);
        _position = _source.NextLineStartOf(_position);
    }

    private void Report(int offset, string message) => _errors.Add(new ParseError(_source.PositionAt(offset), message));

    private void AppendText(int start, int end)
    {
        if (_text.Length == 0)
        {
            _textStart = start;
        }

        _text.Append(_source.Text, start, end - start);
    }

    private void AppendLiteral(int at, string literal)
    {
        if (_text.Length == 0)
        {
            _textStart = at;
        }

        _text.Append(literal);
    }

    private void AddNode(TemplateNode node)
    {
        FlushText();
        _blocks.Add(node);
    }

    private void FlushText()
    {
        if (_text.Length > 0)
        {
            _blocks.Add(new TextNode(_source.PositionAt(_textStart), _text.ToString()));
            _text.Clear();
        }
    }
}
