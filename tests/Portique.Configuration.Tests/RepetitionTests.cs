using Portique.Core;
using static Portique.Configuration.Tests.Dictionaries;

namespace Portique.Configuration.Tests;

public sealed class RepetitionTests
{
    private const string Global = """
        <creole>
            <variables>
                <family name='services'>
                    <variable name='nombre_conteneur' type='number' description='Nombre de conteneurs'><value>1</value></variable>
                    <variable name='maintenance' type='oui/non'><value>non</value></variable>
                </family>
            </variables>
        </creole>
        """;

    private const string Container = """
        <creole repeat='nombre_conteneur' repeat_max='200'>
            <files>
                <file name='/etc/eole/conteneur{N}-vars.conf' filelist='conteneur{N}' mode='0600'/>
                <file name='/etc/nginx/conteneur{N}.conf' source='nginx-{N}.conf'/>
            </files>
            <variables>
                <family name='Conteneur-{N}' icon='anchor'>
                    <variable name='conteneur{N}_name' type='service_name' description='Nom du conteneur {N}' mandatory='True'/>
                    <variable name='conteneur{N}_image' type='string'/>
                    <variable name='conteneur{N}_port_in' type='port' multi='True'/>
                    <variable name='conteneur{N}_port_out' type='port'/>
                    <variable name='conteneur{N}_url' type='string'/>
                </family>
            </variables>
            <constraints>
                <group master='conteneur{N}_port_in'><slave>conteneur{N}_port_out</slave></group>
                <fill name='concat' target='conteneur{N}_url'><param>/</param><param type='eole'>conteneur{N}_name</param></fill>
            </constraints>
            <help><variable name='conteneur{N}_name'>Sert d'URL : /nom</variable></help>
        </creole>
        """;

    private static DictionarySource Source(string global = Global, string container = Container) =>
        Parse(("10_global.xml", global), ("25_conteneur.xml", container));

    [Fact]
    public void A_repeated_file_is_instantiated_once_per_counted_container()
    {
        var configuration = Source().Evaluate(("nombre_conteneur", "3"), ("conteneur2_name", "wiki"));

        Assert.Equal(["services", "Conteneur-1", "Conteneur-2", "Conteneur-3"], configuration.Families.Select(f => f.Name));
        Assert.All(configuration.Families, f => Assert.False(f.Disabled));
        Assert.Equal(2, configuration.Variable("conteneur2_name").Instance);
        Assert.Equal("Nom du conteneur 2", configuration.Variable("conteneur2_name").Description);
        Assert.Equal("Sert d'URL : /nom", configuration.Variable("conteneur3_name").Help);
        Assert.Equal(["/wiki"], configuration.Variable("conteneur2_url").Values);
        Assert.Equal("conteneur2_port_in", configuration.Variable("conteneur2_port_out").Master);
        Assert.Null(configuration.Find("conteneur4_name"));
        Assert.Equal(new RepetitionState(new Repetition("25_conteneur.xml", "nombre_conteneur", 200), 3, 3), Assert.Single(configuration.Repetitions));
    }

    [Fact]
    public void Each_instance_generates_its_own_files_recording_its_number()
    {
        var files = Source().Evaluate(("nombre_conteneur", "2")).Files;

        Assert.Equal(
            ["/etc/eole/conteneur1-vars.conf", "/etc/nginx/conteneur1.conf", "/etc/eole/conteneur2-vars.conf", "/etc/nginx/conteneur2.conf"],
            files.Select(f => f.Name));
        Assert.Equal([1, 1, 2, 2], files.Select(f => f.Instance));
        Assert.Equal("conteneur2-vars.conf", files[2].Source);
        Assert.Equal("conteneur{N}-vars.conf", files[2].SourceAsWritten);
        Assert.Equal("nginx-2.conf", files[3].Source);
        Assert.Equal("nginx-{N}.conf", files[3].SourceAsWritten);
        Assert.Equal("conteneur2", files[2].FileList);
    }

    [Fact]
    public void Instances_beyond_the_count_keep_their_values_and_are_disabled()
    {
        var configuration = Source().Evaluate(("nombre_conteneur", "1"), ("conteneur1_name", "wiki"), ("conteneur3_name", "INVALIDE"));

        Assert.Equal(3, configuration.Repetitions[0].Instances);
        Assert.False(configuration.Family("Conteneur-1").Disabled);
        Assert.True(configuration.Family("Conteneur-2").Disabled);
        Assert.True(configuration.Family("Conteneur-3").Disabled);
        Assert.True(configuration.Variable("conteneur3_name").Disabled);
        Assert.Equal(["INVALIDE"], configuration.Variable("conteneur3_name").Values);
        Assert.Equal([true, false, false], configuration.Files.Where(f => f.Name.StartsWith("/etc/eole", StringComparison.Ordinal)).Select(f => f.Enabled));
        Assert.Empty(configuration.Validate());
        Assert.Empty(configuration.Warnings);
    }

    [Fact]
    public void Without_a_stored_count_the_default_applies()
    {
        var configuration = Source().Evaluate(("conteneur1_name", "wiki"));

        Assert.Equal(1, configuration.Repetitions[0].Count);
        Assert.Empty(configuration.Validate());
    }

    [Fact]
    public void An_invalid_count_means_no_container_and_is_reported()
    {
        var configuration = Source().Evaluate(("nombre_conteneur", "beaucoup"));

        Assert.Equal(0, configuration.Repetitions[0].Instances);
        Assert.DoesNotContain(configuration.Families, f => f.Name.StartsWith("Conteneur", StringComparison.Ordinal));
        Assert.Equal("nombre_conteneur", Assert.Single(configuration.Validate()).Subject);
    }

    [Fact]
    public void A_count_above_repeat_max_enables_nothing_and_is_the_only_problem()
    {
        using var culture = UiCulture.English();
        var configuration = Source().Evaluate(("nombre_conteneur", "201"));

        Assert.Equal(0, configuration.Repetitions[0].Count);
        var problem = Assert.Single(configuration.Validate());
        Assert.Equal("nombre_conteneur", problem.Subject);
        Assert.Contains("0 to 200", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_beyond_repeat_max_are_unknown_variables()
    {
        var configuration = Source().Evaluate(("conteneur1_name", "wiki"), ("conteneur201_name", "trop"));

        Assert.Equal(1, configuration.Repetitions[0].Instances);
        Assert.Equal("conteneur201_name", Assert.Single(configuration.Warnings).Subject);
    }

    [Fact]
    public void The_count_variable_must_be_declared()
    {
        var error = LoadFails(("25_conteneur.xml", Container));

        Assert.Contains(error.Diagnostics, d => d.Subject == "25_conteneur.xml:1" && d.Message.Contains("nombre_conteneur", StringComparison.Ordinal));
    }

    [Fact]
    public void The_count_variable_must_be_a_number()
    {
        var error = LoadFails(("10_global.xml", Global.Replace("type='number'", "type='string'", StringComparison.Ordinal)), ("25_conteneur.xml", Container));

        Assert.Equal("25_conteneur.xml:1", Assert.Single(error.Diagnostics).Subject);
    }

    [Fact]
    public void The_count_variable_may_be_made_a_number_by_a_redefinition()
    {
        var source = Parse(
            ("10_global.xml", Global.Replace("type='number'", "type='string'", StringComparison.Ordinal)),
            ("20_redefine.xml", "<creole><variables><family name='services'><variable name='nombre_conteneur' type='number' redefine='True'><value>2</value></variable></family></variables></creole>"),
            ("25_conteneur.xml", Container));

        Assert.Equal(2, source.Evaluate().Repetitions[0].Count);
    }

    [Fact]
    public void A_repeated_variable_must_carry_the_instance_token()
    {
        var error = LoadFails(("10_global.xml", Global), ("25_conteneur.xml", Container.Replace("conteneur{N}_image", "image", StringComparison.Ordinal)));

        Assert.Equal("25_conteneur.xml:9", Assert.Single(error.Diagnostics).Subject);
    }

    [Theory]
    [InlineData("beaucoup")]
    [InlineData("0")]
    [InlineData("10001")]
    public void An_invalid_repeat_max_is_an_error(string max)
    {
        var error = LoadFails(("10_global.xml", Global), ("25_conteneur.xml", Container.Replace("repeat_max='200'", $"repeat_max='{max}'", StringComparison.Ordinal)));

        Assert.Equal("25_conteneur.xml:1", Assert.Single(error.Diagnostics).Subject);
    }

    [Fact]
    public void A_condition_may_target_an_instance_that_exists_only_for_some_counts()
    {
        var global = Global.Replace("</creole>", """
            <constraints>
                <condition name='disabled_if_in' source='maintenance'><param>oui</param><target type='family'>Conteneur-3</target></condition>
            </constraints>
            </creole>
            """, StringComparison.Ordinal);
        var source = Source(global);

        Assert.DoesNotContain(source.Evaluate(("nombre_conteneur", "1"), ("maintenance", "oui")).Families, f => f.Name == "Conteneur-3");
        var configuration = source.Evaluate(("nombre_conteneur", "3"), ("maintenance", "oui"));
        Assert.True(configuration.Family("Conteneur-3").Disabled);
        Assert.False(configuration.Family("Conteneur-2").Disabled);
    }

    [Fact]
    public void An_instance_colliding_with_a_static_declaration_is_reported_when_instantiated()
    {
        var global = Global.Replace("</family>", "<variable name='conteneur3_name'/></family>", StringComparison.Ordinal);
        var source = Source(global);

        var error = Assert.Throws<DictionaryException>(() => source.Evaluate(("nombre_conteneur", "3")));

        Assert.Contains(error.Diagnostics, d => d.Subject == "25_conteneur.xml:8");
    }

    [Fact]
    public void A_variable_of_an_instance_not_yet_created_can_be_set()
    {
        var source = Source();
        var configuration = source.Evaluate(("nombre_conteneur", "1"));

        var values = configuration.SetValue("conteneur4_port_in", ["80", "443"], Owners.Portique);

        var after = EvaluatedConfiguration.Evaluate(source, values);
        Assert.Equal(new StoredValue(Owners.Portique, ["80", "443"], true), values.Get("conteneur4_port_in"));
        Assert.True(after.Variable("conteneur4_port_in").Disabled);
        Assert.Throws<ConfigurationInvalidException>(() => configuration.SetValue("conteneur999_name", ["x"], Owners.Portique));
    }

    [Fact]
    public void Setting_new_containers_in_one_batch_stores_what_setting_them_one_at_a_time_stores()
    {
        var source = Source();
        var before = source.Evaluate(("nombre_conteneur", "1"));
        var assignments = new List<KeyValuePair<string, IReadOnlyList<string>>> { new("nombre_conteneur", ["3"]) };
        for (var n = 1; n <= 3; n++)
        {
            assignments.Add(new($"conteneur{n}_name", [$"app{n}"]));
            assignments.Add(new($"conteneur{n}_port_in", ["80", "443"]));
            assignments.Add(new($"conteneur{n}_port_out", ["8080", "8443"]));
            assignments.Add(new($"conteneur{n}_image", [""]));
        }

        var batch = before.SetValues(assignments, Owners.Portique);
        var oneAtATime = before.Values;
        foreach (var (name, values) in assignments)
        {
            oneAtATime = EvaluatedConfiguration.Evaluate(source, oneAtATime).SetValue(name, values, Owners.Portique);
        }

        Assert.Equal(oneAtATime.ToJson(), batch.ToJson());
        Assert.Equal(new StoredValue(Owners.Portique, ["8080", "8443"], true), batch.Get("conteneur3_port_out"));
        Assert.DoesNotContain(EvaluatedConfiguration.Evaluate(source, batch).Validate(), d => !d.IsIncomplete);
    }

    [Fact]
    public void A_batch_naming_an_unknown_variable_is_refused_whole()
    {
        var before = Source().Evaluate(("nombre_conteneur", "1"));

        var error = Assert.Throws<ConfigurationInvalidException>(() => before.SetValues(
            [new("nombre_conteneur", ["2"]), new("conteneur2_name", ["wiki"]), new("conteneur2_nom", ["x"])], Owners.Portique));

        Assert.Equal("conteneur2_nom", Assert.Single(error.Diagnostics).Subject);
        Assert.Null(before.Values.Get("conteneur2_name"));
    }

    [Fact]
    public void A_hundred_containers_load_expand_and_validate_into_a_hundred_families_and_masters()
    {
        var values = new List<(string, object)> { ("nombre_conteneur", "100") };
        for (var n = 1; n <= 100; n++)
        {
            values.Add(($"conteneur{n}_name", $"app{n}"));
            values.Add(($"conteneur{n}_port_in", new[] { "80", "443" }));
            values.Add(($"conteneur{n}_port_out", new[] { $"{8000 + n}", $"{9000 + n}" }));
        }

        var configValues = Values(values.ToArray());
        // How fast this is belongs to benchmarks/run.sh (measured against a baseline, not a wall-clock limit here).
        var configuration = EvaluatedConfiguration.Evaluate(Source(), configValues);
        var problems = configuration.Validate();
        var templateValues = configuration.GetTemplateValues();

        Assert.Empty(problems);
        Assert.Equal(1 + 100, configuration.Families.Count);
        Assert.Equal(100, templateValues.Masters.Count);
    }
}
