using System.Text.RegularExpressions;
using System.Xml.Linq;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>
/// Every user-facing text of every project (each <c>src/*/**/NAME.resx</c>, French, and its <c>NAME.en.resx</c>) exists in
/// both languages, with the same placeholders, and is translated (a sentence at least). One test for the whole source tree: a new project's
/// resources are covered without anything to add.
/// </summary>
public sealed partial class ResourceParityTests
{
    public static TheoryData<string> ResourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in NeutralFiles())
        {
            data.Add(Path.GetRelativePath(Repository.Root, file));
        }

        return data;
    }

    [Fact]
    public void Every_project_with_resources_is_covered()
    {
        var projects = NeutralFiles().Select(f => Path.GetRelativePath(Path.Join(Repository.Root, "src"), f).Split('/')[0]).ToHashSet();

        Assert.Contains("Portique.Cli", projects);
        Assert.Contains("Portique.Technologies.Lxc", projects);
        Assert.Contains("Portique.GenConfig", projects);
        Assert.True(projects.Count >= 15, $"only {projects.Count} projects with resources found: {string.Join(", ", projects)}");
    }

    [Fact]
    public void Every_english_file_translates_a_french_one()
    {
        var orphans = Directory.EnumerateFiles(Path.Join(Repository.Root, "src"), "*.en.resx", SearchOption.AllDirectories)
            .Where(english => !english.Contains("/obj/", StringComparison.Ordinal) && !File.Exists(english[..^".en.resx".Length] + ".resx"));

        Assert.Empty(orphans);
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void Every_text_exists_in_french_and_in_english_with_the_same_placeholders(string file)
    {
        var frenchPath = Path.Join(Repository.Root, file);
        var englishPath = frenchPath[..^".resx".Length] + ".en.resx";
        Assert.True(File.Exists(englishPath), $"{file} has no English translation ({Path.GetFileName(englishPath)})");
        var french = Read(frenchPath);
        var english = Read(englishPath);

        Assert.NotEmpty(french);
        Assert.Equal(french.Keys.Order(StringComparer.Ordinal), english.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in french)
        {
            Assert.True(
                Placeholders(text).SequenceEqual(Placeholders(english[key])),
                $"{file}: {key} has placeholders [{string.Join(", ", Placeholders(text))}] in French, [{string.Join(", ", Placeholders(english[key]))}] in English");

            // A label may be the same in both languages ("Service", "Image / version"); a sentence left in French is untranslated.
            Assert.True(text != english[key] || IsLabel(text), $"{file}: {key} is not translated");
        }
    }

    private static bool IsLabel(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Count(word => word.Any(char.IsLetter)) < 3;

    private static IEnumerable<string> NeutralFiles() =>
        Directory.EnumerateFiles(Path.Join(Repository.Root, "src"), "*.resx", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !Path.GetFileNameWithoutExtension(f).Contains('.', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data")
            .Where(data => data.Attribute("type") is null)
            .ToDictionary(data => (string)data.Attribute("name")!, data => (string?)data.Element("value") ?? "");

    /// <summary>The argument numbers <c>{0}</c>, <c>{1:N0}</c>... a text uses (escaped <c>{{</c> excluded), in order.</summary>
    private static int[] Placeholders(string text) =>
        [.. Placeholder().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order()];

    [GeneratedRegex(@"(?<!\{)\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();
}
