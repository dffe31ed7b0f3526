using System.Text.Json;
using Portique.Templating;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>
/// The golden nginx files the integration tests run are the shipped templates (<c>share/distrib/portique-*.conf</c>)
/// rendered with the values of <c>Golden/values.json</c>, here, on every run: a template change that is not
/// reflected in the golden files fails (rewrite them with <c>scripts/update-goldens.sh</c>, then review).
/// </summary>
public sealed class ShippedTemplateTests
{
    public static TheoryData<string, string> GoldenFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var set in Values().EnumerateObject().Where(p => !p.Name.StartsWith('_')))
        {
            foreach (var file in set.Value.GetProperty("files").EnumerateObject())
            {
                data.Add(set.Name, file.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void A_golden_file_is_the_shipped_template_rendered_with_the_values_of_values_json(string set, string file)
    {
        var description = Values().GetProperty(set);
        var entry = description.GetProperty("files").GetProperty(file);
        var templateName = entry.GetProperty("template").GetString()!;
        var text = File.ReadAllText(Path.Join(AppContext.BaseDirectory, "Templates", templateName));
        if (entry.TryGetProperty("N", out var n))
        {
            text = text.Replace("{N}", n.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        var rendered = CreoleTemplate.Parse(text, templateName).Render(Scope(description.GetProperty("variables")));

        TestSupport.GoldenFiles.AssertMatches(
            $"tests/Portique.Frontend.Nginx.Tests/Golden/{set}/{file}",
            Path.Join(NginxSandbox.GoldenDirectory(set), file),
            rendered);
    }

    [Fact]
    public void Every_golden_file_is_described_in_values_json()
    {
        var described = GoldenFiles().Select(row => $"{row[0]}/{row[1]}").Order(StringComparer.Ordinal);
        var present = Directory.EnumerateFiles(Path.Join(AppContext.BaseDirectory, "Golden"), "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Path.Join(AppContext.BaseDirectory, "Golden"), path).Replace('\\', '/'))
            .Where(path => path != "values.json")
            .Order(StringComparer.Ordinal);
        Assert.Equal(described, present);
    }

    private static JsonElement Values() =>
        JsonDocument.Parse(File.ReadAllText(Path.Join(AppContext.BaseDirectory, "Golden", "values.json"))).RootElement;

    /// <summary>
    /// Values as the workspace gives them to templates: strings, multi variables as lists, a master's values as rows
    /// carrying their slaves (<c>conteneurN_port_in</c> → <c>conteneurN_port_out</c>, <c>conteneurN_port_proto</c>: empty
    /// when values.json leaves it out, as in a configuration that never set it).
    /// </summary>
    private static DictionaryTemplateScope Scope(JsonElement variables)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var variable in variables.EnumerateObject())
        {
            values[variable.Name] = variable.Value.ValueKind == JsonValueKind.Array
                ? variable.Value.EnumerateArray().Select(Text).ToList()
                : Text(variable.Value);
        }

        foreach (var master in values.Keys.Where(k => k.EndsWith("_port_in", StringComparison.Ordinal)).ToList())
        {
            var slave = master[..^"_in".Length] + "_out";
            var protocol = master[..^"_in".Length] + "_proto";
            var masters = (List<object?>)values[master]!;
            var slaves = values.GetValueOrDefault(slave) as List<object?> ?? [];
            var protocols = values.GetValueOrDefault(protocol) as List<object?> ?? [];
            values[master] = masters.Select((value, i) => (object?)new CreoleRow(value, new Dictionary<string, object?>
            {
                [slave] = i < slaves.Count ? slaves[i] : null,
                [protocol] = i < protocols.Count ? protocols[i] : null,
            })).ToList();
        }

        return new DictionaryTemplateScope(values);
    }

    private static object? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
