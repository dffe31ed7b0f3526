using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

public sealed partial class LocalizationTests
{
    [Fact]
    [UseCulture("fr-FR")]
    public void Messages_are_French_by_default() =>
        Assert.Equal("variable inconnue conteneur1_port", RenderError("%%conteneur1_port").Message);

    [Fact]
    [UseCulture("en-US")]
    public void Messages_are_English_when_the_UI_culture_is_English()
    {
        Assert.Equal("unknown variable conteneur1_port", RenderError("%%conteneur1_port").Message);
        Assert.Equal("`%end if` expected to close `%if` opened on line 1", ParseError("%if True\n").Message);
    }

    [Fact]
    [UseCulture("de")]
    public void Other_languages_fall_back_to_French() =>
        Assert.Equal("variable inconnue x", RenderError("%%x").Message);

    [Theory]
    [InlineData("Portique.Templating.Resources.Messages")]
    [InlineData("Portique.Templating.Resources.EoleMessages")]
    public void Both_languages_define_every_message_with_the_same_arguments(string resources)
    {
        var manager = new ResourceManager(resources, typeof(CreoleTemplate).Assembly);
        var french = Entries(manager, CultureInfo.InvariantCulture);
        var english = Entries(manager, CultureInfo.GetCultureInfo("en"));

        Assert.NotEmpty(french);
        Assert.Equal(french.Keys.Order(), english.Keys.Order());
        Assert.All(french, entry => Assert.Equal(Arguments(entry.Value), Arguments(english[entry.Key])));
    }

    private static Dictionary<string, string> Entries(ResourceManager manager, CultureInfo culture) =>
        manager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string)entry.Value!);

    private static string[] Arguments(string message) =>
        [.. FormatArgument().Matches(message).Select(match => match.Value).Distinct().Order()];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex FormatArgument();
}
