using Portique.Templating.Syntax;

namespace Portique.Templating.Parsing;

/// <summary>
/// Assembles nodes into nested blocks as directives open and close them, reporting mismatches and
/// recovering so that one mistake does not cascade into a flood of follow-up errors.
/// </summary>
internal sealed class BlockBuilder(Action<ParseError> report)
{
    private readonly List<TemplateNode> _root = [];
    private readonly Stack<OpenBlock> _open = new();
    private int _openLoops;
    private bool _nestingReported;

    public void Add(TemplateNode node) => (_open.Count > 0 ? _open.Peek().Body : _root).Add(node);

    public void OpenIf(Expression condition, SourcePosition at, string keyword = "if") => Push(new IfUnderConstruction(at, condition, keyword));

    public void OpenFor(IReadOnlyList<string> targets, Expression iterable, SourcePosition at)
    {
        Push(new ForUnderConstruction(at, targets, iterable));
        _openLoops++;
    }

    /// <summary><c>%def name(params)</c>: its body is registered in <paramref name="definitions"/> when closed.</summary>
    public void OpenDef(string name, IReadOnlyList<string> parameters, TemplateDefinitions definitions, SourcePosition at) =>
        Push(new DefUnderConstruction(at, name, parameters, definitions));

    public void AddElif(Expression condition, SourcePosition at)
    {
        if (CurrentIf("elif", at) is { } block)
        {
            block.StartBranch(condition);
        }
    }

    public void AddElse(SourcePosition at)
    {
        if (CurrentIf("else", at) is { } block)
        {
            block.StartElse();
        }
    }

    public void AddLoopControl(string keyword, Flow signal, SourcePosition at)
    {
        if (_openLoops == 0)
        {
            report(new ParseError(at, Messages.FormatLoopControlOutsideFor(keyword)));
            return;
        }

        Add(new LoopControlNode(at, signal));
    }

    /// <summary>
    /// <c>%end if</c> or <c>%end for</c>: closes the innermost block, which must be of that kind. On a
    /// mismatch, closes down to the block of that kind if one is open (blocks left open inside were
    /// forgotten), else the innermost block (its end was misspelt): either way one error, no cascade.
    /// </summary>
    public void Close(string keyword, SourcePosition at)
    {
        if (_open.Count == 0)
        {
            report(new ParseError(at, Messages.FormatEndWithoutBlock(keyword)));
            return;
        }

        var innermost = _open.Peek();
        if (innermost.Keyword == keyword || !_open.Any(block => block.Keyword == keyword))
        {
            if (innermost.Keyword != keyword)
            {
                report(new ParseError(at, Messages.FormatEndMismatch(keyword, innermost.Keyword, innermost.OpenedAt.Line)));
            }

            Pop();
            return;
        }

        report(new ParseError(at, Messages.FormatEndMismatch(keyword, innermost.Keyword, innermost.OpenedAt.Line)));
        OpenBlock closed;
        do
        {
            closed = Pop();
        }
        while (closed.Keyword != keyword);
    }

    public Block Finish(SourcePosition end)
    {
        while (_open.Count > 0)
        {
            var block = Pop();
            report(new ParseError(end, Messages.FormatBlockNotClosed(block.Keyword, block.OpenedAt.Line)));
        }

        return new Block(_root);
    }

    private void Push(OpenBlock block)
    {
        if (_open.Count >= SyntaxLimits.MaxNesting && !_nestingReported)
        {
            _nestingReported = true;
            report(new ParseError(block.OpenedAt, Messages.FormatTooManyNestedBlocks(SyntaxLimits.MaxNesting)));
        }

        _open.Push(block);
    }

    private OpenBlock Pop()
    {
        var block = _open.Pop();
        if (block is ForUnderConstruction)
        {
            _openLoops--;
        }

        Add(block.Close());
        return block;
    }

    private IfUnderConstruction? CurrentIf(string keyword, SourcePosition at)
    {
        if (_open.Count == 0 || _open.Peek() is not IfUnderConstruction block)
        {
            report(new ParseError(at, Messages.FormatBranchWithoutIf(keyword)));
            return null;
        }

        if (block.InElse)
        {
            report(new ParseError(at, Messages.FormatBranchAfterElse(keyword, block.OpenedAt.Line)));
            return null;
        }

        return block;
    }

    private abstract class OpenBlock(SourcePosition openedAt)
    {
        public SourcePosition OpenedAt { get; } = openedAt;

        public List<TemplateNode> Body { get; protected set; } = [];

        public abstract string Keyword { get; }

        public abstract TemplateNode Close();
    }

    private sealed class IfUnderConstruction(SourcePosition openedAt, Expression condition, string keyword = "if") : OpenBlock(openedAt)
    {
        private readonly List<ConditionalBranch> _branches = [];
        private Expression _currentCondition = condition;

        public bool InElse { get; private set; }

        public override string Keyword => keyword;

        public void StartBranch(Expression nextCondition)
        {
            _branches.Add(new ConditionalBranch(_currentCondition, new Block(Body)));
            _currentCondition = nextCondition;
            Body = [];
        }

        public void StartElse()
        {
            _branches.Add(new ConditionalBranch(_currentCondition, new Block(Body)));
            InElse = true;
            Body = [];
        }

        public override TemplateNode Close() => InElse
            ? new IfNode(OpenedAt, _branches, new Block(Body))
            : new IfNode(OpenedAt, [.. _branches, new ConditionalBranch(_currentCondition, new Block(Body))], otherwise: null);
    }

    private sealed class DefUnderConstruction(SourcePosition openedAt, string name, IReadOnlyList<string> parameters, TemplateDefinitions definitions)
        : OpenBlock(openedAt)
    {
        public override string Keyword => "def";

        public override TemplateNode Close()
        {
            definitions.Add(name, parameters, new Block(Body));
            return new DefinitionNode(OpenedAt);
        }
    }

    private sealed class ForUnderConstruction(SourcePosition openedAt, IReadOnlyList<string> targets, Expression iterable) : OpenBlock(openedAt)
    {
        public override string Keyword => "for";

        public override TemplateNode Close() => new ForNode(OpenedAt, targets, iterable, new Block(Body));
    }
}
