using System.Text.Json.Nodes;
using Portique.Core;

namespace Portique.Configuration.Tests;

public sealed class ConfigEolTests
{
    private const string Sample = """
        {"___version___": "2.6.2", "nombre_conteneur": {"owner": "gen_config", "val": 2}, "conteneur1_port_in": {"owner": "gen_config", "val": ["80", "443"]},
         "conteneur1_port_out": {"owner": ["gen_config", "gen_config"], "val": ["8080", null]}, "activer": {"owner": "forced", "val": true, "extra": {"kept": [1, 2]}},
         "vide": {"owner": "default", "val": null}, "prix": {"owner": "gen_config", "val": 2.50}}
        """;

    [Fact]
    public void Entries_are_read_with_their_owner_and_items()
    {
        var values = ConfigValues.Parse(Sample);

        Assert.Equal(["nombre_conteneur", "conteneur1_port_in", "conteneur1_port_out", "activer", "vide", "prix"], values.Names);
        Assert.Equal(new StoredValue("gen_config", ["2"], false), values.Get("nombre_conteneur"));
        Assert.Equal(new StoredValue("gen_config", ["80", "443"], true), values.Get("conteneur1_port_in"));
        Assert.Equal(new StoredValue("gen_config", ["8080", null], true), values.Get("conteneur1_port_out"));
        Assert.Equal(new StoredValue("forced", ["True"], false), values.Get("activer"));
        Assert.Equal(new StoredValue("default", [], false), values.Get("vide"));
        Assert.Equal(["2.50"], values.Get("prix")!.Items);
    }

    [Fact]
    public void Everything_else_in_the_file_round_trips_untouched()
    {
        var values = ConfigValues.Parse(Sample).Set("nombre_conteneur", Owners.Portique, ["3"], asList: false);

        var written = JsonNode.Parse(values.ToJson())!.AsObject();
        var original = JsonNode.Parse(Sample)!.AsObject();

        Assert.Equal("2.6.2", (string?)written["___version___"]);
        Assert.Equal(original["activer"]!.ToJsonString(), written["activer"]!.ToJsonString());
        Assert.Equal("2.50", written["prix"]!["val"]!.ToJsonString());
        Assert.Equal("""{"owner":"portique","val":"3"}""", written["nombre_conteneur"]!.ToJsonString());
        Assert.Equal(original.Select(p => p.Key), written.Select(p => p.Key));
    }

    [Fact]
    public void Setting_keeps_the_other_fields_of_the_entry_and_appends_new_entries()
    {
        var values = ConfigValues.Parse(Sample)
            .Set("activer", Owners.GenConfig, ["False"], asList: false)
            .Set("nouvelle", Owners.Portique, ["a", null], asList: true);

        var written = JsonNode.Parse(values.ToJson())!.AsObject();

        Assert.Equal("""{"owner":"gen_config","val":"False","extra":{"kept":[1,2]}}""", written["activer"]!.ToJsonString());
        Assert.Equal("nouvelle", written.Last().Key);
        Assert.Equal(new StoredValue(Owners.Portique, ["a", null], true), values.Get("nouvelle"));
    }

    [Fact]
    public void Values_are_immutable_and_removal_brings_back_the_default()
    {
        var original = ConfigValues.Parse(Sample);

        var changed = original.Remove("nombre_conteneur").Set("x", Owners.Portique, ["1"], asList: false);

        Assert.NotNull(original.Get("nombre_conteneur"));
        Assert.Null(original.Get("x"));
        Assert.Null(changed.Get("nombre_conteneur"));
        Assert.Same(original, original.Remove("absente"));
    }

    [Fact]
    public void Text_is_written_with_accents_unescaped()
    {
        var json = ConfigValues.Empty.Set("nom", Owners.GenConfig, ["Académie"], asList: false).ToJson();

        Assert.Contains("Académie", json, StringComparison.Ordinal);
        Assert.EndsWith("\n", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"a\": {\"owner\": \"x\", \"val\": {\"nested\": 1}}}")]
    [InlineData("{\"a\": {\"owner\": \"x\", \"val\": [[[1]]]}}")]
    [InlineData("{\"a\": {\"owner\": \"x\", \"val\": [[1], 2]}}")]
    [InlineData("{\"a\": 1, \"a\": 2}")]
    public void An_invalid_file_is_a_configuration_error(string json)
    {
        var error = Assert.Throws<ConfigurationInvalidException>(() => ConfigValues.Parse(json, "/etc/eole/config.eol"));

        Assert.Single(error.Diagnostics);
    }

    [Fact]
    public void A_submulti_value_a_list_of_lists_is_loaded_as_rows_and_written_back_unchanged()
    {
        const string Json = """
            {
              "dns": {
                "owner": "gen_config",
                "val": [
                  [
                    "a.example.org",
                    "b.example.org"
                  ],
                  [],
                  [
                    "c.example.org",
                    null
                  ]
                ]
              },
              "autre": {
                "owner": "gen_config",
                "val": "x"
              }
            }

            """;
        var values = ConfigValues.Parse(Json);

        var stored = values.Get("dns")!;
        Assert.True(stored.IsList);
        Assert.Equal(3, stored.SubRows!.Count);
        Assert.Equal(["c.example.org", null], stored.SubRows[2]);
        Assert.Equal(["a.example.org", "b.example.org", "c.example.org", null], stored.Items);
        Assert.Equal(Json, values.ToJson());
        Assert.Contains("\"c.example.org\",\n        null\n      ]", values.Set("autre", Owners.Portique, ["y"], asList: false).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_means_no_values_yet()
    {
        using var folder = new TemporaryFolder();

        Assert.Empty(ConfigEolFile.Load(Path.Combine(folder.Path, "config.eol")).Names);
    }

    [Fact]
    public void Saving_creates_the_folder_and_writes_an_owner_only_file()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "etc", "eole", "config.eol");
        var values = ConfigValues.Parse(Sample);

        ConfigEolFile.Save(path, values);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(values.ToJson(), File.ReadAllText(path));
        Assert.Equal(values.Names, ConfigEolFile.Load(path).Names);
        Assert.False(File.Exists(path + ".bak"));
        Assert.Equal(["config.eol"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Saving_keeps_the_previous_file_as_a_backup()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("config.eol", Sample);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        ConfigEolFile.Save(path, ConfigEolFile.Load(path).Set("nombre_conteneur", Owners.Portique, ["3"], asList: false));

        Assert.Equal(Sample, File.ReadAllText(path + ".bak"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".bak"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["3"], ConfigEolFile.Load(path).Get("nombre_conteneur")!.Items);
    }

    [Fact]
    public void A_failure_before_the_rename_leaves_the_original_byte_identical()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("config.eol", Sample);
        var before = File.ReadAllBytes(path);
        var changed = ConfigEolFile.Load(path).Set("nombre_conteneur", Owners.Portique, ["3"], asList: false);

        var error = Assert.Throws<RuntimeFailureException>(() =>
            ConfigEolFile.Save(path, changed, serialise: null, beforeReplace: temporary => throw new IOException("disque plein")));

        Assert.Contains("disque plein", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.DoesNotContain(Directory.GetFiles(folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_serialisation_touches_nothing()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("config.eol", Sample);
        var before = File.ReadAllBytes(path);

        Assert.Throws<RuntimeFailureException>(() => ConfigEolFile.Save(
            path, ConfigValues.Parse(Sample), serialise: _ => throw new InvalidOperationException("sérialisation impossible"), beforeReplace: null));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_configuration_refused_by_validation_is_never_saved()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("config.eol", Sample);
        var before = File.ReadAllBytes(path);
        var source = Dictionaries.One("<family name='f'><variable name='nombre_conteneur' type='number'/></family>");

        // What the CLI does: set, evaluate, validate, and save only when valid.
        var configuration = EvaluatedConfiguration.Evaluate(source, ConfigEolFile.Load(path));
        var changed = configuration.SetValue("nombre_conteneur", ["beaucoup"], Owners.Portique);
        var problems = EvaluatedConfiguration.Evaluate(source, changed).Validate();
        if (problems.Count == 0)
        {
            ConfigEolFile.Save(path, changed);
        }

        Assert.Equal("nombre_conteneur", Assert.Single(problems).Subject);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused_not_read_with_replacement_characters()
    {
        var path = Path.Join(Path.GetTempPath(), $"portique-latin1-{Guid.NewGuid():N}.eol");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes("""{"a": {"owner": "x", "val": "é"}}"""));
        try
        {
            var error = Assert.Throws<ConfigurationInvalidException>(() => ConfigEolFile.Load(path));
            var problem = Assert.Single(error.Diagnostics);
            Assert.Equal(path, problem.Subject);
            Assert.Contains("UTF-8", problem.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bare_value_is_reported_and_creole_markers_are_not()
    {
        var error = Assert.Throws<ConfigurationInvalidException>(() => ConfigValues.Parse("""{"___version___": "2.8.1", "conteneur1_name": "wiki", "n": 3}"""));
        Assert.Equal(["conteneur1_name", "n"], error.Diagnostics.Select(d => d.Subject));
    }
}
