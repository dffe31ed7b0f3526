using System.Net;
using System.Text.RegularExpressions;

namespace Portique.GenConfig.Tests;

/// <summary>Just enough HTML reading for pages this project renders itself.</summary>
public static partial class HtmlText
{
    /// <summary>Every <c>input</c>, <c>select</c> and <c>textarea</c> start tag, outside <c>template</c> elements.</summary>
    public static IReadOnlyList<string> Controls(string html) =>
        ControlPattern().Matches(Templates().Replace(html, "")).Select(m => m.Value).ToArray();

    public static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, "\\s" + Regex.Escape(name) + "=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : Regex.IsMatch(tag, "\\s" + Regex.Escape(name) + "[\\s>]") ? "" : null;
    }

    /// <summary>The markup of a variable's row (<c>id="row-NAME"</c>) up to the next row or the end of its panel.</summary>
    public static string Row(string html, string variable)
    {
        var id = html.IndexOf($"id=\"row-{variable}\"", StringComparison.Ordinal);
        Assert.True(id >= 0, $"no row for {variable}");
        var start = html.LastIndexOf("<div", id, StringComparison.Ordinal);
        var end = html.IndexOf("id=\"row-", id + 10, StringComparison.Ordinal);
        var panelEnd = html.IndexOf("</fieldset>", start, StringComparison.Ordinal);
        end = end < 0 ? panelEnd : panelEnd < 0 ? end : Math.Min(end, panelEnd);
        return html[start..(end < 0 ? html.Length : end)];
    }

    /// <summary>The panel (<c>section id="fam-NAME"</c>) of a family.</summary>
    public static string Panel(string html, string family)
    {
        var id = html.IndexOf($"id=\"fam-{family}\"", StringComparison.Ordinal);
        Assert.True(id >= 0, $"no panel for {family}");
        var start = html.LastIndexOf("<section", id, StringComparison.Ordinal);
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    /// <summary>The start tag of the element whose id is <paramref name="id"/>.</summary>
    public static string? ById(string html, string id) =>
        Regex.Match(html, "<[a-z]+\\b[^>]*\\sid=\"" + Regex.Escape(id) + "\"[^>]*>").Value is { Length: > 0 } tag ? tag : null;

    public static string Decode(string html) => WebUtility.HtmlDecode(html);

    [GeneratedRegex("<(input|select|textarea)\\b[^>]*>")]
    private static partial Regex ControlPattern();

    [GeneratedRegex("<template\\b.*?</template>", RegexOptions.Singleline)]
    private static partial Regex Templates();
}
