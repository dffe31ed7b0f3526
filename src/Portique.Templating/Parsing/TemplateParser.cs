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

    private readonly SourceText source;
    private readonly List<ParseError> errors = [];
    private readonly NameUses names = new();
    private readonly BlockBuilder blocks;
    private readonly StringBuilder text = new();
    private int textStart;
    private int position;

    private TemplateParser(string template)
    {
        source = new SourceText(template);
        blocks = new BlockBuilder(errors.Add);
        foreach (Match definition in DefinitionLine().Matches(template))
        {
            names.DefinitionNames.Add(definition.Groups["name"].Value);
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
        while (position < source.Length)
        {
            var special = source.Text.IndexOfAny(SpecialCharacters, position);
            var textEnd = special < 0 ? source.Length : special;
            AppendText(position, textEnd);
            position = textEnd;
            if (special < 0)
            {
                break;
            }

            if (source.Text[position] == '\\')
            {
                ScanBackslashes();
            }
            else
            {
                ScanPercent();
            }
        }

        FlushText();
        var root = blocks.Finish(source.PositionAt(source.Length));
        foreach (var unknown in names.UnknownBareReads())
        {
            Report(unknown.Offset, Messages.FormatUnknownName(unknown.Name));
        }

        var sortedErrors = errors.OrderBy(error => error.Position.Line).ThenBy(error => error.Position.Column).ToList();
        var references = names.GlobalReads()
            .Select(read => (read.Name, At: source.PositionAt(read.Offset)))
            .Select(read => new VariableReference(read.Name, read.At.Line, read.At.Column));
        return new ParsedTemplate(root, sortedErrors, [.. references]);
    }

    private void ScanPercent()
    {
        var next = source.At(position + 1);
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

        var word = SourceText.IsNameStart(next) ? source.ReadName(position + 1) : string.Empty;
        if (DirectiveKeywords.Contains(word))
        {
            ScanDirective(position + 1, word);
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
            position = source.NextLineStartOf(position);
        }
        else
        {
            AppendText(position, position + 1);
            position++;
        }
    }

    /// <summary><c>%%</c>: a placeholder when a name or <c>{</c> follows, else literal text.</summary>
    private void ScanDoublePercent()
    {
        var after = source.At(position + 2);
        if (after == '{')
        {
            ScanPlaceholder(braced: true);
        }
        else if (!SourceText.IsNameStart(after))
        {
            AppendText(position, position + 2);
            position += 2;
        }
        else if (source.ReadName(position + 2) is var name && DirectiveKeywords.Contains(name))
        {
            // The workshop's "%%set x=0": report it, then read the line as the directive that was meant.
            var restStart = position + 2 + name.Length;
            Report(position, Messages.FormatPlaceholderIsDirective(name, Suggestion(name, restStart)));
            ScanDirective(position + 2, name);
        }
        else
        {
            ScanPlaceholder(braced: false);
        }
    }

    private string Suggestion(string keyword, int restStart)
    {
        var rest = source.Text[restStart..source.ContentEndOf(restStart)].Trim();
        if (keyword == "set" && Assignment().Match(rest) is { Success: true } assignment)
        {
            return $"%set %%{assignment.Groups["name"].Value} = {assignment.Groups["value"].Value.Trim()}";
        }

        return rest.Length == 0 ? "%" + keyword : $"%{keyword} {rest}";
    }

    private void ScanPlaceholder(bool braced)
    {
        var start = position;
        var lexer = new ExpressionLexer(source, braced ? start + 3 : start, source.ContentEndOf(start));
        var parser = new ExpressionParser(source, lexer, names);
        var checkpoint = names.Checkpoint();
        try
        {
            var expression = braced ? parser.ParseBracedPlaceholder() : parser.ParsePlaceholder(lexer.Next());
            AddNode(new PlaceholderNode(source.PositionAt(start), expression));
            position = lexer.Position;
        }
        catch (TemplateSyntaxException error)
        {
            // Names read by a broken line would only add noise ("unknown name") to the real error.
            names.Rollback(checkpoint);
            Report(error.Offset, error.Message);
            position = source.NextLineStartOf(start);
        }
    }

    /// <summary>
    /// A directive runs to the end of its line. Alone on its line (blanks aside) the whole line vanishes,
    /// newline included; after text, the newline stays unless the directive is <c>%slurp</c>.
    /// </summary>
    private void ScanDirective(int keywordStart, string keyword)
    {
        var start = position;
        var lineStart = source.LineStartOf(start);
        var standalone = source.IsBlank(lineStart, start);
        if (standalone)
        {
            text.Length -= start - lineStart;
        }

        FlushText();
        var argumentsStart = keywordStart + keyword.Length;
        var contentEnd = source.ContentEndOf(start);
        var at = source.PositionAt(start);
        var parser = new ExpressionParser(source, new ExpressionLexer(source, argumentsStart, contentEnd), names);
        var checkpoint = names.Checkpoint();
        try
        {
            ApplyDirective(keyword, parser, at);
        }
        catch (TemplateSyntaxException error)
        {
            names.Rollback(checkpoint);
            Report(error.Offset, error.Message);

            // A one-line "%if x: text" opens no block: no knock-on "%end if expected".
            if (error.Message != EoleMessages.FormatSingleLineDirective(keyword))
            {
                KeepBlockStructure(keyword, FirstWordAt(argumentsStart), at);
            }
        }

        position = standalone || keyword == "slurp" ? source.NextLineStartOf(start) : contentEnd;
    }

    private void ApplyDirective(string keyword, ExpressionParser parser, SourcePosition at)
    {
        switch (keyword)
        {
            case "if":
                blocks.OpenIf(ParseCondition(parser, keyword), at);
                break;
            case "elif":
                blocks.AddElif(ParseCondition(parser, keyword), at);
                break;
            case "else" when parser.Peek().IsKeyword("if"):
                parser.Next();
                blocks.AddElif(ParseCondition(parser, "else if"), at);
                break;
            case "else":
                ExpectBlockEnd(parser, keyword);
                blocks.AddElse(at);
                break;
            case "end":
                var kind = parser.Next();
                if (!kind.IsKeyword("if") && !kind.IsKeyword("for") && !kind.IsKeyword("def") && !kind.IsKeyword("unless"))
                {
                    throw new TemplateSyntaxException(kind.Start, Messages.EndKindExpected);
                }

                // Cheetah ignores what follows "%end if" on its line.
                blocks.Close(kind.Text, at);
                break;
            case "for":
                var targets = ParseLoopTargets(parser);
                var iterable = parser.ParseExpression();
                ExpectBlockEnd(parser, keyword);
                blocks.OpenFor(targets, iterable, at);
                break;
            case "silent" or "echo":
                var effect = parser.ParseExpression();
                parser.ExpectEnd(keyword);
                blocks.Add(new SilentNode(at, effect, echo: keyword == "echo"));
                break;
            case "include":
                var included = parser.ParseExpression();
                parser.ExpectEnd(keyword);
                blocks.Add(new IncludeNode(at, included));
                break;
            case "def":
                var (definition, parameters) = ParseDefinition(parser);
                blocks.OpenDef(definition, parameters, names.Definitions, at);
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
                names.AddLocal(name);
                if (augmented is not null)
                {
                    value = new BinaryExpression(at, augmented, new VariableExpression(at, name, isPlaceholder: true), value);
                }

                blocks.Add(new SetNode(at, name, value, isGlobal));
                break;
            case "unless":
                var unless = ParseCondition(parser, keyword);
                blocks.OpenIf(new UnaryExpression(at, static v => !PythonValue.IsTrue(v), unless), at, "unless");
                break;
            case "break" or "continue":
                parser.ExpectEnd(keyword);
                blocks.AddLoopControl(keyword, keyword == "break" ? Flow.Break : Flow.Continue, at);
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
        parameters.ForEach(names.AddLocal);
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

        targets.ForEach(names.AddLocal);
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
                blocks.OpenIf(invalid, at);
                break;
            case "for":
                blocks.OpenFor([], invalid, at);
                break;
            case "def":
                blocks.OpenDef(firstWord, [], names.Definitions, at);
                break;
            case "unless":
                blocks.OpenIf(invalid, at, "unless");
                break;
            case "elif":
            case "else" when firstWord == "if":
                blocks.AddElif(invalid, at);
                break;
            case "else":
                blocks.AddElse(at);
                break;
            case "end" when firstWord is "if" or "for" or "def" or "unless":
                blocks.Close(firstWord, at);
                break;
        }
    }

    private string FirstWordAt(int offset)
    {
        while (SourceText.IsBlankChar(source.At(offset)))
        {
            offset++;
        }

        return source.ReadName(offset);
    }

    /// <summary><c>%# ...</c>: to the end of the line; a line holding only the comment vanishes.</summary>
    private void ScanLineComment()
    {
        var start = position;
        var lineStart = source.LineStartOf(start);
        if (source.IsBlank(lineStart, start))
        {
            text.Length -= start - lineStart;
            position = source.NextLineStartOf(start);
        }
        else
        {
            position = source.ContentEndOf(start);
        }
    }

    /// <summary><c>%* ... *%</c>, possibly over several lines; lines it fills alone vanish with their newline.</summary>
    private void ScanBlockComment()
    {
        var start = position;
        var close = source.Text.IndexOf("*%", start + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            Report(start, Messages.UnterminatedComment);
            position = source.Length;
            return;
        }

        var end = close + 2;
        var lineStart = source.LineStartOf(start);
        if (source.IsBlank(lineStart, start) && source.IsBlank(end, source.ContentEndOf(end)))
        {
            text.Length -= start - lineStart;
            position = source.NextLineStartOf(end);
        }
        else
        {
            position = end;
        }
    }

    /// <summary>
    /// Creole's EOL slurp token: a <c>%</c> ending a line that has output before it joins the next line.
    /// </summary>
    private bool IsEndOfLineSlurp() =>
        source.IsBlank(position + 1, source.ContentEndOf(position))
        && !source.IsBlank(source.LineStartOf(position), position);

    /// <summary>
    /// Backslashes before <c>%</c> escape: <c>\%</c> is a literal <c>%</c> (<c>\%%</c> a literal <c>%%</c>)
    /// and <c>\\</c> a literal backslash. Elsewhere backslashes are plain text.
    /// </summary>
    private void ScanBackslashes()
    {
        var start = position;
        var end = start;
        while (source.At(end) == '\\')
        {
            end++;
        }

        if (source.At(end) != '%')
        {
            AppendText(start, end);
            position = end;
            return;
        }

        var count = end - start;
        AppendLiteral(start, new string('\\', count / 2));
        position = end;
        if (count % 2 == 1)
        {
            var escaped = source.At(end + 1) == '%' ? "%%" : "%";
            AppendLiteral(start, escaped);
            position += escaped.Length;
        }
    }

    private void ReportAndSkipLine(string message)
    {
        Report(position, message);
        position = source.NextLineStartOf(position);
    }

    private void Report(int offset, string message) => errors.Add(new ParseError(source.PositionAt(offset), message));

    private void AppendText(int start, int end)
    {
        if (text.Length == 0)
        {
            textStart = start;
        }

        text.Append(source.Text, start, end - start);
    }

    private void AppendLiteral(int at, string literal)
    {
        if (text.Length == 0)
        {
            textStart = at;
        }

        text.Append(literal);
    }

    private void AddNode(TemplateNode node)
    {
        FlushText();
        blocks.Add(node);
    }

    private void FlushText()
    {
        if (text.Length > 0)
        {
            blocks.Add(new TextNode(source.PositionAt(textStart), text.ToString()));
            text.Clear();
        }
    }
}
