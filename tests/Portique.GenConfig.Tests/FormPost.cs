using System.Text.RegularExpressions;

namespace Portique.GenConfig.Tests;

/// <summary>
/// Builds the POST a browser would send from the configuration page: every named control with its rendered value
/// (checkboxes only when checked, selects with their selected option), then the test's changes.
/// </summary>
public sealed partial class FormPost
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    private FormPost()
    {
    }

    public static FormPost FromPage(string html)
    {
        var post = new FormPost();
        var form = html[html.IndexOf("<form method=\"post\" action=\"/config\"", StringComparison.Ordinal)..];
        form = form[..form.IndexOf("</form>", StringComparison.Ordinal)];
        form = Templates().Replace(form, "");
        foreach (Match match in Controls().Matches(form))
        {
            var tag = match.Value;
            var name = HtmlText.Attribute(tag, "name");
            if (name is null || HtmlText.Attribute(tag, "disabled") is not null)
            {
                continue;
            }

            if (tag.StartsWith("<select", StringComparison.Ordinal))
            {
                var options = match.Groups["options"].Value;
                var selected = Regex.Match(options, "<option value=\"([^\"]*)\" selected>");
                var first = Regex.Match(options, "<option value=\"([^\"]*)\"");
                post._fields.Add(new(name, HtmlText.Decode(selected.Success ? selected.Groups[1].Value : first.Groups[1].Value)));
                continue;
            }

            var type = HtmlText.Attribute(tag, "type");
            if (type == "checkbox" && HtmlText.Attribute(tag, "checked") is null)
            {
                continue;
            }

            post._fields.Add(new(name, HtmlText.Attribute(tag, "value") ?? ""));
        }

        return post;
    }

    /// <summary>Replaces every value of <paramref name="name"/> by <paramref name="values"/>.</summary>
    public FormPost Set(string name, params string[] values)
    {
        var index = _fields.FindIndex(f => f.Key == name);
        _fields.RemoveAll(f => f.Key == name);
        var insertAt = index < 0 ? _fields.Count : index;
        _fields.InsertRange(insertAt, values.Select(v => new KeyValuePair<string, string>(name, v)));
        if (!_fields.Any(f => f.Key == "__fields" && f.Value == name))
        {
            _fields.Add(new("__fields", name));
        }

        return this;
    }

    public FormPost Without(string name)
    {
        _fields.RemoveAll(f => f.Key == name);
        return this;
    }

    public IReadOnlyList<string> Values(string name) => _fields.Where(f => f.Key == name).Select(f => f.Value).ToArray();

    public FormUrlEncodedContent Content() => new(_fields);

    [GeneratedRegex("<input\\b[^>]*>|<select\\b[^>]*>(?<options>.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex Controls();

    [GeneratedRegex("<template\\b.*?</template>", RegexOptions.Singleline)]
    private static partial Regex Templates();
}
