using System.Globalization;
using System.Resources;
using Portique.Core;

namespace Portique.Configuration.Tests;

public sealed class MessagesTests
{
    [Fact]
    public void Every_message_exists_in_french_and_english_with_the_same_placeholders()
    {
        var resources = Messages.Resources;
        var french = resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        var english = resources.GetResourceSet(CultureInfo.GetCultureInfo("en"), createIfNotExists: true, tryParents: false)!;

        foreach (var key in Messages.Keys)
        {
            var frenchText = french.GetString(key);
            var englishText = english.GetString(key);
            Assert.False(string.IsNullOrWhiteSpace(frenchText), key);
            Assert.False(string.IsNullOrWhiteSpace(englishText), key);
            Assert.NotEqual(frenchText, englishText);
            Assert.Equal(Placeholders(frenchText!), Placeholders(englishText!));
        }

        Assert.Equal(Messages.Keys.Count, french.Cast<System.Collections.DictionaryEntry>().Count());
        Assert.Equal(Messages.Keys.Count, english.Cast<System.Collections.DictionaryEntry>().Count());
    }

    [Fact]
    public void A_type_error_is_french_by_default_and_english_on_request()
    {
        using (UiCulture.French())
        {
            Assert.Equal(
                "« 70000 » n'est pas un port : un entier de 1 à 65535 est attendu",
                VariableTypes.Validate(VariableType.Port, "70000"));
        }

        using (UiCulture.English())
        {
            Assert.Equal(
                "'70000' is not a port: an integer from 1 to 65535 is expected",
                VariableTypes.Validate(VariableType.Port, "70000"));
        }
    }

    [Fact]
    public void A_dictionary_error_is_french_by_default_and_english_on_request()
    {
        static Diagnostic Load() => Assert.Single(Assert.Throws<DictionaryException>(() => Dictionaries.One("<family name='f'><variable name='v' type='strng'/></family>")).Diagnostics);

        using (UiCulture.French())
        {
            Assert.StartsWith("type « strng » inconnu pour la variable « v » ; types permis : string, number, oui/non", Load().Message, StringComparison.Ordinal);
        }

        using (UiCulture.English())
        {
            Assert.StartsWith("unknown type 'strng' for variable 'v'; allowed types: string, number, oui/non", Load().Message, StringComparison.Ordinal);
        }
    }

    private static string[] Placeholders(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"(?<!\{)\{[0-9]+\}").Select(m => m.Value).Order(StringComparer.Ordinal).Distinct().ToArray();
}
