using Portique.Core;

namespace Portique.Configuration.Tests;

public sealed class MessagesTests
{
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
}
