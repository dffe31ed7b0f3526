using Portique.Core;
using static Portique.Configuration.Tests.Dictionaries;

namespace Portique.Configuration.Tests;

public sealed class EvaluationTests
{
    [Fact]
    public void A_stored_value_wins_over_a_fill_which_wins_over_the_default()
    {
        var source = One(
            "<family name='f'><variable name='a'><value>défaut</value></variable><variable name='b'><value>défaut</value></variable><variable name='c'><value>défaut</value></variable></family>",
            "<fill name='calc_val' target='a'><param>calculé</param></fill><fill name='calc_val' target='b'><param>calculé</param></fill>");

        var configuration = source.Evaluate(("a", "stocké"));

        Assert.Equal(["stocké"], configuration.Variable("a").Values);
        Assert.Equal((ValueOrigin.Stored, "gen_config"), (configuration.Variable("a").Origin, configuration.Variable("a").Owner));
        Assert.Equal(["calculé"], configuration.Variable("b").Values);
        Assert.Equal(ValueOrigin.Fill, configuration.Variable("b").Origin);
        Assert.Equal(["défaut"], configuration.Variable("c").Values);
        Assert.Equal(ValueOrigin.Default, configuration.Variable("c").Origin);
    }

    [Fact]
    public void Calc_val_copies_a_variable_and_falls_back_to_the_default_when_it_has_no_value()
    {
        var source = One(
            "<family name='f'><variable name='source'/><variable name='copie'><value>défaut</value></variable></family>",
            "<fill name='calc_val' target='copie'><param type='eole' name='valeur'>source</param></fill>");

        Assert.Equal(["x"], source.Evaluate(("source", "x")).Variable("copie").Values);
        Assert.Equal(["défaut"], source.Evaluate().Variable("copie").Values);
    }

    [Fact]
    public void Concat_joins_positional_params_then_named_ones_by_name_as_eole_and_gives_no_value_if_one_is_missing()
    {
        var source = One(
            "<family name='f'><variable name='nom'/><variable name='domaine'/><variable name='fqdn'/></family>",
            "<fill name='concat' target='fqdn'><param type='eole' name='valeur2'>nom</param><param name='valeur1'>.</param><param type='eole'>domaine</param></fill>");

        Assert.Equal(["ac-test.fr.www"], source.Evaluate(("nom", "www"), ("domaine", "ac-test.fr")).Variable("fqdn").Values);
        Assert.Empty(source.Evaluate(("nom", "www")).Variable("fqdn").Values);
    }

    [Fact]
    public void Calc_multi_val_lists_every_param_and_allow_none_skips_missing_ones()
    {
        var source = One(
            "<family name='f'><variable name='a'/><variable name='b'/><variable name='liste' multi='True'/><variable name='tolerante' multi='True'/><variable name='stricte' multi='True'><value>défaut</value></variable></family>",
            """
            <fill name='calc_multi_val' target='tolerante'><param type='eole'>a</param><param type='eole'>b</param><param type='eole'>liste</param><param name='allow_none'>True</param></fill>
            <fill name='calc_multi_val' target='stricte'><param type='eole'>a</param><param type='eole'>b</param><param>fixe</param></fill>
            """);

        var configuration = source.Evaluate(("a", "1"), ("liste", new[] { "2", "3" }));

        Assert.Equal(["1", "2", "3"], configuration.Variable("tolerante").Values);
        Assert.Equal(["défaut"], configuration.Variable("stricte").Values);
        Assert.Equal(["1", "x", "fixe"], source.Evaluate(("a", "1"), ("b", "x")).Variable("stricte").Values);
    }

    [Fact]
    public void Fill_functions_follow_their_documented_semantics()
    {
        Assert.Equal(["a"], FillFunctions.Compute(FillKind.CalcVal, [["a"]]));
        Assert.Null(FillFunctions.Compute(FillKind.CalcVal, [[null]]));
        Assert.Equal(["ab"], FillFunctions.Compute(FillKind.Concat, [["a"], ["b"]]));
        Assert.Null(FillFunctions.Compute(FillKind.Concat, [["a"], [""]]));
        Assert.Equal(["a", "b", "a"], FillFunctions.Compute(FillKind.CalcMultiVal, [["a"], ["b", "a"]]));
        Assert.Null(FillFunctions.Compute(FillKind.CalcMultiVal, [["a"], []]));
        Assert.Equal(["a"], FillFunctions.Compute(FillKind.CalcMultiVal, [["a"], []], allowNone: true));
    }

    [Fact]
    public void A_fill_on_a_slave_gives_one_value_per_master_row()
    {
        var configuration = One(
            "<family name='f'><variable name='ip' multi='True'/><variable name='masque'/><variable name='passerelle'><value>oui</value></variable></family>",
            "<group master='ip'><slave>masque</slave><slave>passerelle</slave></group><fill name='calc_val' target='masque'><param>255.255.255.0</param></fill>")
            .Evaluate(("ip", new[] { "10.0.0.1", "10.0.0.2" }));

        Assert.Equal(["255.255.255.0", "255.255.255.0"], configuration.Variable("masque").Values);
        Assert.Equal(["oui", "oui"], configuration.Variable("passerelle").Values);
        Assert.Empty(configuration.Validate());
    }

    [Theory]
    [InlineData("disabled_if_in", "oui", true)]
    [InlineData("disabled_if_in", "non", false)]
    [InlineData("disabled_if_not_in", "oui", false)]
    [InlineData("disabled_if_not_in", "non", true)]
    public void Disabled_conditions_compare_the_source_value_with_their_params(string condition, string value, bool disabled)
    {
        var configuration = One(
            "<family name='f'><variable name='activer' type='oui/non'/><variable name='cible'/></family>",
            $"<condition name='{condition}' source='activer'><param>oui</param><target>cible</target></condition>")
            .Evaluate(("activer", value));

        Assert.Equal(disabled, configuration.Variable("cible").Disabled);
    }

    [Theory]
    [InlineData("hidden_if_in", "oui", true)]
    [InlineData("hidden_if_not_in", "oui", false)]
    public void Hidden_conditions_hide_without_disabling(string condition, string value, bool hidden)
    {
        var configuration = One(
            "<family name='f'><variable name='activer'/></family><family name='g'><variable name='cible'/></family>",
            $"<condition name='{condition}' source='activer'><param>oui</param><target type='family'>g</target></condition>")
            .Evaluate(("activer", value));

        Assert.Equal(hidden, configuration.Family("g").Hidden);
        Assert.Equal(hidden, configuration.Variable("cible").Hidden);
        Assert.False(configuration.Variable("cible").Disabled);
    }

    [Fact]
    public void A_multi_source_matches_when_any_of_its_values_matches()
    {
        var source = One(
            "<family name='f'><variable name='liste' multi='True'/><variable name='si'/><variable name='sinon'/></family>",
            """
            <condition name='disabled_if_in' source='liste'><param>b</param><target>si</target></condition>
            <condition name='disabled_if_not_in' source='liste'><param>b</param><target>sinon</target></condition>
            """);

        var matching = source.Evaluate(("liste", new[] { "a", "b" }));
        var notMatching = source.Evaluate(("liste", new[] { "a", "c" }));

        Assert.Equal((true, false), (matching.Variable("si").Disabled, matching.Variable("sinon").Disabled));
        Assert.Equal((false, true), (notMatching.Variable("si").Disabled, notMatching.Variable("sinon").Disabled));
    }

    [Fact]
    public void A_source_without_value_compares_as_the_empty_text()
    {
        var configuration = One(
            "<family name='f'><variable name='vide'/><variable name='cible'/></family>",
            "<condition name='disabled_if_in' source='vide'><param></param><target>cible</target></condition>").Evaluate();

        Assert.True(configuration.Variable("cible").Disabled);
    }

    [Fact]
    public void A_disabled_source_disables_the_targets_of_its_disabled_conditions()
    {
        var configuration = One(
            "<family name='f'><variable name='a' type='oui/non'/><variable name='b' type='oui/non'/><variable name='c'/></family>",
            """
            <condition name='disabled_if_in' source='a'><param>non</param><target>b</target></condition>
            <condition name='disabled_if_in' source='b'><param>non</param><target>c</target></condition>
            """).Evaluate(("a", "non"), ("b", "oui"));

        Assert.True(configuration.Variable("b").Disabled);
        Assert.True(configuration.Variable("c").Disabled);
    }

    [Theory]
    [InlineData("x", true)]
    [InlineData("y", false)]
    public void A_variable_disabling_its_own_family_is_evaluated_consistently(string value, bool disabled)
    {
        var configuration = One(
            "<family name='f'><variable name='a'/><variable name='b'/></family>",
            "<condition name='disabled_if_in' source='a'><param>x</param><target type='family'>f</target></condition>")
            .Evaluate(("a", value));

        Assert.Equal(disabled, configuration.Family("f").Disabled);
        Assert.Equal(disabled, configuration.Variable("a").Disabled);
        Assert.Equal(disabled, configuration.Variable("b").Disabled);
    }

    [Fact]
    public void Slaves_of_a_disabled_master_are_disabled()
    {
        var configuration = One(
            "<family name='f'><variable name='activer'/><variable name='m' multi='True'/><variable name='s'/></family>",
            """
            <group master='m'><slave>s</slave></group>
            <condition name='disabled_if_in' source='activer'><param>non</param><target>m</target></condition>
            """).Evaluate(("activer", "non"));

        Assert.True(configuration.Variable("s").Disabled);
    }

    [Fact]
    public void A_hidden_condition_on_a_file_list_disables_its_files_as_eole_does()
    {
        var source = One(
            "<family name='f'><variable name='a'/></family>",
            "<condition name='hidden_if_in' source='a'><param>x</param><target type='filelist'>web</target></condition>",
            "<file name='/etc/web.conf' filelist='web'/>");

        Assert.True(Assert.Single(source.Evaluate().Files).Enabled);
        Assert.False(Assert.Single(source.Evaluate(("a", "x")).Files).Enabled);
    }

    [Fact]
    public void A_filelist_condition_disables_its_files_and_services()
    {
        var source = One(
            "<family name='f'><variable name='activer_web' type='oui/non'><value>oui</value></variable></family>",
            "<condition name='disabled_if_in' source='activer_web'><param>non</param><target type='filelist'>web</target><target type='servicelist'>web-services</target></condition>",
            "<file name='/etc/nginx/site.conf' filelist='web' rm='True'/><file name='/etc/autre.conf'/><service servicelist='web-services'>nginx</service>");

        var enabled = source.Evaluate();
        var disabled = source.Evaluate(("activer_web", "non"));

        Assert.Equal([true, true], enabled.Files.Select(f => f.Enabled));
        Assert.Equal([false, true], disabled.Files.Select(f => f.Enabled));
        Assert.False(Assert.Single(disabled.Services).Enabled);
    }

    [Fact]
    public void Disabled_variables_are_not_validated_but_keep_their_values()
    {
        var configuration = One(
            "<family name='f'><variable name='activer' type='oui/non'/></family><family name='g'><variable name='port' type='port' mandatory='True'/><variable name='obligatoire' mandatory='True'/></family>",
            "<condition name='disabled_if_not_in' source='activer'><param>oui</param><target type='family'>g</target></condition>")
            .Evaluate(("activer", "non"), ("port", "99999"));

        Assert.Empty(configuration.Validate());
        Assert.Equal(["99999"], configuration.Variable("port").Values);
        Assert.True(configuration.Family("g").Disabled);
    }

    [Fact]
    public void Hidden_variables_are_validated()
    {
        var configuration = One("<family name='f'><variable name='port' type='port' hidden='True'/></family>").Evaluate(("port", "0"));

        Assert.Equal("port", Assert.Single(configuration.Validate()).Subject);
    }

    [Fact]
    public void Validation_reports_every_problem_in_dictionary_order()
    {
        using var culture = UiCulture.English();
        var configuration = Parse(
            ("10_a.xml", Creole(
                """
                <family name='f'>
                    <variable name='type' type='string'/>
                    <variable name='port' type='port'/>
                    <variable name='nombre' type='number'/>
                    <variable name='requis' mandatory='True'/>
                    <variable name='unique'/>
                    <variable name='ips' type='ip' multi='True'/>
                </family>
                """,
                """
                <check name='valid_enum' target='type'><param>['docker', 'snap']</param></check>
                <check name='valid_entier' target='nombre'><param name='mini'>1</param><param name='maxi'>10</param></check>
                """)),
            ("20_b.xml", Creole("<family name='g'><variable name='autre' type='oui/non'/></family>")))
            .Evaluate(("autre", "peut-être"), ("unique", new[] { "a", "b" }), ("ips", new[] { "10.0.0.1", "10.0.0.300" }), ("nombre", "11"), ("port", "http"), ("type", "vagrant"));

        var problems = configuration.Validate();

        Assert.Equal(["type", "port", "nombre", "requis", "unique", "ips", "autre"], problems.Select(p => p.Subject));
        Assert.Equal("'vagrant' is not an allowed value; allowed values: docker, snap", problems[0].Message);
        Assert.Contains("1 to 65535", problems[1].Message, StringComparison.Ordinal);
        Assert.Equal("'11' must be between 1 and 10", problems[2].Message);
        Assert.Equal("required value missing", problems[3].Message);
        Assert.Equal("2 values given to a variable that takes one (not multi)", problems[4].Message);
        Assert.StartsWith("row 2: '10.0.0.300' is not an IPv4 address", problems[5].Message, StringComparison.Ordinal);
        Assert.Contains("'oui' or 'non'", problems[6].Message, StringComparison.Ordinal);
        var exception = Assert.Throws<ConfigurationInvalidException>(configuration.EnsureValid);
        Assert.Equal(problems, exception.Diagnostics);
    }

    [Theory]
    [InlineData("mini", "5", "4", "'4' must be at least 5")]
    [InlineData("maxi", "5", "6", "'6' must be at most 5")]
    [InlineData("maxi", "5", "cinq", "'cinq' is not an integer")]
    [InlineData("mini", "5", "5", null)]
    public void Valid_entier_checks_its_bounds(string bound, string limit, string value, string? message)
    {
        using var culture = UiCulture.English();
        var configuration = One(
            "<family name='f'><variable name='v'/></family>",
            $"<check name='valid_entier' target='v'><param name='{bound}'>{limit}</param></check>").Evaluate(("v", value));

        Assert.Equal(message, configuration.Validate().SingleOrDefault()?.Message);
    }

    [Fact]
    public void A_mandatory_check_makes_a_variable_mandatory()
    {
        var configuration = One("<family name='f'><variable name='v'/></family>", "<check name='obligatoire' target='v'/>").Evaluate();

        Assert.True(configuration.Variable("v").Mandatory);
        Assert.Equal("v", Assert.Single(configuration.Validate()).Subject);
    }

    [Fact]
    public void Mandatory_slaves_need_a_value_on_every_row()
    {
        using var culture = UiCulture.English();
        var configuration = One(
            "<family name='f'><variable name='m' mandatory='True'/><variable name='s' mandatory='True'/></family>",
            "<group master='m'><slave>s</slave></group>").Evaluate(("m", new[] { "a", "b" }), ("s", new[] { "x", "" }));

        Assert.Equal(Diagnostic.Missing("s", "required value missing on row 2"), Assert.Single(configuration.Validate()));
    }

    [Fact]
    public void A_password_is_never_repeated_in_messages_or_display()
    {
        var configuration = One(
            "<family name='f'><variable name='secret' type='password'/><variable name='code' type='password'/></family>",
            "<check name='valid_enum' target='code'><param>['1234']</param></check>")
            .Evaluate(("secret", "Sup3r\nSecret"), ("code", "Hunter2"));

        var problems = configuration.Validate();

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.DoesNotContain("Secret", p.Message, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("Hunter2", p.Message, StringComparison.Ordinal));
        Assert.Equal([EvaluatedVariable.PasswordMask], configuration.Variable("code").DisplayValues);
    }

    [Fact]
    public void Values_no_dictionary_declares_are_warnings_not_errors()
    {
        var configuration = One("<family name='f'><variable name='v'/></family>").Evaluate(("v", "x"), ("ancienne", "y"));

        Assert.Empty(configuration.Validate());
        Assert.Equal("ancienne", Assert.Single(configuration.Warnings).Subject);
    }

    [Fact]
    public void Typed_values_are_longs_for_numbers_and_ports_and_lists_for_multi()
    {
        var configuration = One(
            "<family name='f'><variable name='n' type='number'/><variable name='p' type='port'/><variable name='s'/><variable name='l' type='number' multi='True'/><variable name='vide' type='number'/></family>")
            .Evaluate(("n", "-3"), ("p", "443"), ("s", "texte"), ("l", new[] { "1", "2" }));

        var values = configuration.GetTemplateValues().Variables;

        Assert.Equal(-3L, values["n"]);
        Assert.Equal(443L, values["p"]);
        Assert.Equal("texte", values["s"]);
        Assert.Equal([1L, 2L], (IReadOnlyList<object?>)values["l"]!);
        Assert.Null(values["vide"]);
    }

    [Fact]
    public void Template_values_leave_out_disabled_variables_and_slaves()
    {
        var values = One(
            "<family name='f'><variable name='m' multi='True'/><variable name='s1'/><variable name='s2'/><variable name='off'/></family>",
            """
            <group master='m'><slave>s1</slave><slave>s2</slave></group>
            <condition name='disabled_if_in' source='off'><param></param><target>s2</target></condition>
            """).Evaluate(("m", new[] { "a" }), ("s1", new[] { "b" }), ("s2", new[] { "c" })).GetTemplateValues();

        Assert.False(values.Variables.ContainsKey("s2"));
        Assert.Equal(["s1"], values.Masters["m"].Slaves.Keys);
    }

    [Fact]
    public void Template_values_are_refused_for_an_invalid_configuration()
    {
        var configuration = One("<family name='f'><variable name='p' type='port'/></family>").Evaluate(("p", "0"));

        Assert.Throws<ConfigurationInvalidException>(configuration.GetTemplateValues);
    }

    [Fact]
    public void Setting_a_value_returns_new_values_shaped_for_the_variable()
    {
        var configuration = One("<family name='f'><variable name='n' type='number'/><variable name='l' multi='True'/><variable name='s'/></family>").Evaluate(("s", "ancien"));

        var values = configuration.SetValue("n", ["42"], Owners.Portique);
        values = EvaluatedConfiguration.Evaluate(configuration.Dictionaries, values).SetValue("l", ["seul"], Owners.GenConfig);

        Assert.Contains("\"n\": {\n    \"owner\": \"portique\",\n    \"val\": 42\n  }", values.ToJson(), StringComparison.Ordinal);
        Assert.Equal(new StoredValue(Owners.GenConfig, ["seul"], true), values.Get("l"));
        Assert.Null(configuration.Values.Get("n"));
        Assert.Throws<ConfigurationInvalidException>(() => configuration.SetValue("inconnue", ["x"], Owners.Portique));
    }

    [Fact]
    public void Setting_several_values_on_a_single_variable_is_refused_by_validation()
    {
        var source = One("<family name='f'><variable name='s'/></family>");

        var values = source.Evaluate().SetValue("s", ["a", "b"], Owners.Portique);

        Assert.Equal("s", Assert.Single(EvaluatedConfiguration.Evaluate(source, values).Validate()).Subject);
    }
}
