using Portique.Core;

namespace Portique.Configuration.Tests;

/// <summary>
/// Real config.eol files of EOLE 2.3 to 2.9 (TestData/eole-config-eol/, from EOLE's public test repository, see its README):
/// each loads, and written back unchanged it keeps every variable; EOLE's own deliberately invalid file is refused.
/// </summary>
public sealed class RealConfigEolTests
{
    private static readonly string Folder = Path.Join(AppContext.BaseDirectory, "TestData", "eole-config-eol");

    [Theory]
    [InlineData("dataset_2.3_config-horus23.eol", 562)]
    [InlineData("dataset_2.3_exceptions23.eol", 9)]
    [InlineData("dataset_2.3_warning.eol", 1)]
    [InlineData("dataset_2.4.0_exceptions240.eol", 10)]
    [InlineData("tests_migration_enchainement_config_maj_262.eol", 59)]
    [InlineData("dataset_lfikyoto_config.eol", 85)]
    [InlineData("output_bbohard_hapy281.eol", 49)]
    [InlineData("output_bbohard_hapy290.eol", 49)]
    public void A_real_config_eol_of_eole_2_3_to_2_9_loads_every_variable_and_is_written_back_with_all_of_them(string file, int variables)
    {
        var text = File.ReadAllText(Path.Join(Folder, file));
        var values = ConfigValues.Parse(text, file);

        Assert.Equal(variables, values.Names.Count);
        var written = values.ToJson();
        // EOLE 2.6+'s "___version___" is not a variable, but it is kept.
        Assert.Equal(text.Contains("\"___version___\"", StringComparison.Ordinal), written.Contains("\"___version___\"", StringComparison.Ordinal));
        var again = ConfigValues.Parse(written, file);
        Assert.Equal(values.Names, again.Names);
        Assert.All(values.Names, name => Assert.Equal(values.Get(name)!.Items, again.Get(name)!.Items));
    }

    [Fact]
    public void Eoles_own_invalid_test_config_eol_is_refused_naming_the_file_and_json()
    {
        var error = Assert.Throws<ConfigurationInvalidException>(() =>
            ConfigValues.Parse(File.ReadAllText(Path.Join(Folder, "dataset_2.3_invalid.eol")), "invalid.eol"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("invalid.eol", diagnostic.Subject);
        Assert.Contains("JSON", diagnostic.Message, StringComparison.Ordinal);
    }
}
