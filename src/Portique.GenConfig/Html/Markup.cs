using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Portique.GenConfig.Html;

/// <summary>HTML that is already safe to write as is. Every other text goes through <see cref="Encode"/>.</summary>
public readonly record struct Markup(string? Value)
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static Markup Empty => new("");

    /// <summary>Encodes text for an element's content or a double-quoted attribute.</summary>
    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? "" : Encoder.Encode(text);

    public static Markup Text(string? text) => new(Encode(text));

    public static Markup Join(IEnumerable<Markup> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary>Builds markup from an interpolated string whose holes are encoded, unless they are <see cref="Markup"/>.</summary>
    public static Markup Of(ref HtmlInterpolation html) => html.ToMarkup();

    /// <summary><paramref name="markup"/> when <paramref name="condition"/>, else nothing.</summary>
    public static Markup If(bool condition, Markup markup) => condition ? markup : Empty;

    public override string ToString() => Value ?? "";
}

/// <summary>The interpolation behind <see cref="Markup.Of"/>: strings are HTML-encoded, numbers written invariantly.</summary>
[InterpolatedStringHandler]
public ref struct HtmlInterpolation
{
    private readonly StringBuilder _builder;

    public HtmlInterpolation(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public readonly void AppendLiteral(string value) => _builder.Append(value);

    public readonly void AppendFormatted(string? value) => _builder.Append(Markup.Encode(value));

    public readonly void AppendFormatted(Markup value) => _builder.Append(value.Value);

    public readonly void AppendFormatted(IEnumerable<Markup> values)
    {
        foreach (var value in values)
        {
            _builder.Append(value.Value);
        }
    }

    public readonly void AppendFormatted(int value) => _builder.Append(value.ToString(CultureInfo.InvariantCulture));

    public readonly void AppendFormatted(long value) => _builder.Append(value.ToString(CultureInfo.InvariantCulture));

    public readonly Markup ToMarkup() => new(_builder.ToString());
}
