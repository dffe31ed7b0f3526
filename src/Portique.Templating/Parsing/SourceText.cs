namespace Portique.Templating.Parsing;

/// <summary>The template text with its line starts, to turn offsets into positions and find line bounds.</summary>
internal sealed class SourceText
{
    private readonly List<int> _lineStarts = [0];

    public SourceText(string text)
    {
        Text = text;
        for (var i = text.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            _lineStarts.Add(i + 1);
        }
    }

    public string Text { get; }

    public int Length => Text.Length;

    public char At(int offset) => offset < Text.Length ? Text[offset] : '\0';

    public SourcePosition PositionAt(int offset)
    {
        var line = LineIndexOf(offset);
        return new SourcePosition(line + 1, offset - _lineStarts[line] + 1);
    }

    public int LineStartOf(int offset) => _lineStarts[LineIndexOf(offset)];

    /// <summary>The offset of the line's <c>\n</c>, or the end of the text on the last line.</summary>
    public int LineBreakOf(int offset)
    {
        var lineBreak = Text.IndexOf('\n', offset);
        return lineBreak < 0 ? Text.Length : lineBreak;
    }

    /// <summary>Where the line's content ends: before its <c>\r\n</c> or <c>\n</c>.</summary>
    public int ContentEndOf(int offset)
    {
        var lineBreak = LineBreakOf(offset);
        return lineBreak > offset && Text[lineBreak - 1] == '\r' ? lineBreak - 1 : lineBreak;
    }

    /// <summary>The offset just after the line's line break (or the end of the text).</summary>
    public int NextLineStartOf(int offset) => Math.Min(LineBreakOf(offset) + 1, Text.Length);

    public bool IsBlank(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!IsBlankChar(Text[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsBlankChar(char c) => c is ' ' or '\t' or '\f' or '\v';

    public static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    public static bool IsNamePart(char c) => IsNameStart(c) || c is >= '0' and <= '9';

    public string ReadName(int start)
    {
        var end = start;
        while (end < Text.Length && IsNamePart(Text[end]))
        {
            end++;
        }

        return Text[start..end];
    }

    private int LineIndexOf(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        return index >= 0 ? index : ~index - 1;
    }
}
