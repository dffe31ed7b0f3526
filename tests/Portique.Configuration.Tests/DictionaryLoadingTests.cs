using Portique.Core;
using static Portique.Configuration.Tests.Dictionaries;

namespace Portique.Configuration.Tests;

public sealed class DictionaryLoadingTests
{
    [Fact]
    public void The_workshop_dictionaries_load_unchanged()
    {
        var source = DictionarySource.Load(AtelierFolder);

        Assert.Equal(
            ["10_conteneur.xml", "25_conteneur1.xml", "25_conteneur2.xml", "25_conteneur3.xml", "25_conteneur4.xml", "25_conteneur5.xml"],
            source.FileNames);
        var configuration = EvaluatedConfiguration.Evaluate(source, ConfigValues.Empty);
        Assert.Equal(["services", "Conteneur-1", "Conteneur-2", "Conteneur-3", "Conteneur-4", "Conteneur-5"], configuration.Families.Select(f => f.Name));
        Assert.Equal(1 + (5 * 9), configuration.Variables.Count);
        Assert.Equal("anchor", configuration.Family("Conteneur-1").Icon);
    }

    [Fact]
    public void Files_load_in_ordinal_file_name_order()
    {
        using var folder = new TemporaryFolder();
        folder.Write("b.xml", Creole("<family name='f'><variable name='x' redefine='True' description='from b'/></family>"));
        folder.Write("B.xml", Creole("<family name='f'><variable name='x' description='from B'/></family>"));
        folder.Write("a.xml", Creole("<family name='f'><variable name='y'/></family>"));
        folder.Write("notes.txt", "not a dictionary");
        folder.Write("sub/c.xml", "<not-loaded/>");

        var source = DictionarySource.Load(folder.Path);

        Assert.Equal(["B.xml", "a.xml", "b.xml"], source.FileNames);
        Assert.Equal("from b", source.Evaluate().Variable("x").Description);
    }

    [Fact]
    public void Sections_may_come_in_any_order_and_each_is_optional()
    {
        var source = Parse(
            ("1.xml", "<creole/>"),
            ("2.xml", "<creole><help><variable name='v'>Aide</variable></help><constraints/><variables><family name='f'><variable name='v'/></family></variables><files/></creole>"));

        Assert.Equal("Aide", source.Evaluate().Variable("v").Help);
    }

    [Fact]
    public void Variable_attributes_and_defaults_are_read()
    {
        var configuration = One("""
            <family name='réseau' mode='expert' icon='globe' hidden='True'>
                <variable name='ports' type='port' description='Ports ouverts' multi='True' mandatory='True' hidden='False' mode='basique'>
                    <value>80</value>
                    <value>443</value>
                </variable>
                <variable name='nom'/>
            </family>
            """).Evaluate();

        var ports = configuration.Variable("ports");
        Assert.Equal(VariableType.Port, ports.Type);
        Assert.Equal("port", ports.TypeName);
        Assert.Equal("Ports ouverts", ports.Description);
        Assert.True(ports.Multi);
        Assert.True(ports.Mandatory);
        Assert.Equal(DisplayMode.Basic, ports.Mode);
        Assert.Equal(["80", "443"], ports.Values);
        Assert.Equal(ValueOrigin.Default, ports.Origin);
        Assert.Equal([80L, 443L], (IReadOnlyList<object?>)ports.TypedValue!);
        var nom = configuration.Variable("nom");
        Assert.Equal(VariableType.String, nom.Type);
        Assert.False(nom.Multi);
        Assert.Equal(DisplayMode.Normal, nom.Mode);
        Assert.Equal(ValueOrigin.None, nom.Origin);
        var family = configuration.Family("réseau");
        Assert.Equal(DisplayMode.Expert, family.Mode);
        Assert.True(family.Hidden);
        Assert.True(nom.Hidden);
    }

    [Fact]
    public void Separators_and_help_are_attached_to_their_variables_and_families()
    {
        var configuration = Parse(("1.xml", """
            <creole>
                <variables>
                    <family name='web'><variable name='url'/></family>
                    <separators><separator name='url'>Accès public</separator></separators>
                </variables>
                <help>
                    <variable name='url'>L'adresse publiée</variable>
                    <family name='web'>Le service web</family>
                </help>
            </creole>
            """)).Evaluate();

        Assert.Equal("Accès public", configuration.Variable("url").Separator);
        Assert.Equal("L'adresse publiée", configuration.Variable("url").Help);
        Assert.Equal("Le service web", configuration.Family("web").Help);
    }

    [Fact]
    public void Files_are_read_with_their_defaults()
    {
        var configuration = One(
            "<family name='f'><variable name='v'/></family>",
            files: """
                <file name='/etc/app/app.conf' source='app.tmpl' mode='0640' owner='root' group='www-data' filelist='app' rm='True' mkdir='True'/>
                <file name='/etc/eole/plain.conf'/>
                """).Evaluate();

        var app = configuration.Files[0];
        Assert.Equal("/etc/app/app.conf", app.Name);
        Assert.Equal("app.tmpl", app.Source);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, app.Mode);
        Assert.Equal("root", app.Owner);
        Assert.Equal("www-data", app.Group);
        Assert.Equal("app", app.FileList);
        Assert.True(app.Remove);
        Assert.True(app.MakeDirectory);
        Assert.True(app.Enabled);
        Assert.Null(app.Instance);
        var plain = configuration.Files[1];
        Assert.Equal("plain.conf", plain.Source);
        Assert.Null(plain.Mode);
        Assert.False(plain.Remove);
        Assert.False(plain.MakeDirectory);
        Assert.Equal("10_test.xml", plain.Location.File);
    }

    [Fact]
    public void Services_are_kept_with_their_lists()
    {
        var configuration = One(
            "<family name='f'><variable name='v'/></family>",
            files: "<service servicelist='web' filelist='webfiles'>nginx</service><service>cron</service>").Evaluate();

        Assert.Equal(
            [new EvaluatedService("nginx", "webfiles", "web", true, null, new SourceLocation("10_test.xml", 3)), new EvaluatedService("cron", null, null, true, null, new SourceLocation("10_test.xml", 3))],
            configuration.Services);
    }

    [Fact]
    public void Booleans_accept_lowercase_spelling()
    {
        var variable = One("<family name='f'><variable name='v' multi='true' mandatory='false'/></family>").Evaluate().Variable("v");

        Assert.True(variable.Multi);
        Assert.False(variable.Mandatory);
    }

    [Fact]
    public void A_redefinition_overrides_only_the_attributes_it_gives()
    {
        var configuration = Parse(
            ("10_a.xml", Creole("<family name='f'><variable name='v' type='number' description='avant' mandatory='True'><value>1</value></variable></family>")),
            ("20_b.xml", Creole("<family name='g'><variable name='v' redefine='True' description='après'><value>2</value></variable></family>"))).Evaluate();

        var variable = configuration.Variable("v");
        Assert.Equal("après", variable.Description);
        Assert.Equal(VariableType.Number, variable.Type);
        Assert.True(variable.Mandatory);
        Assert.Equal(["2"], variable.Values);
        Assert.Equal("f", variable.Family);
    }

    [Fact]
    public void Declaring_a_variable_twice_without_redefine_is_an_error()
    {
        var error = LoadFails(
            ("10_a.xml", Creole("<family name='f'><variable name='v'/></family>")),
            ("20_b.xml", Creole("<family name='f'><variable name='v'/></family>")));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("20_b.xml:4", diagnostic.Subject);
        Assert.Contains("10_a.xml:4", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redefining_an_unknown_variable_is_an_error()
    {
        var error = LoadFails(("10_a.xml", Creole("<family name='f'><variable name='v' redefine='True'/></family>")));

        Assert.Equal("10_a.xml:4", Assert.Single(error.Diagnostics).Subject);
    }

    [Fact]
    public void Exists_false_declares_a_variable_only_if_it_is_absent()
    {
        var configuration = Parse(
            ("10_a.xml", Creole("<family name='f'><variable name='v' description='premier'/></family>")),
            ("20_b.xml", Creole("<family name='f'><variable name='v' exists='False' description='ignoré'/><variable name='w' exists='False' description='créé'/></family>")),
            ("30_c.xml", Creole("<family name='f'><variable name='absente' redefine='True' exists='False'/></family>"))).Evaluate();

        Assert.Equal("premier", configuration.Variable("v").Description);
        Assert.Equal("créé", configuration.Variable("w").Description);
        Assert.Null(configuration.Find("absente"));
    }

    [Fact]
    public void A_family_declared_by_several_files_gathers_their_variables()
    {
        var configuration = Parse(
            ("10_a.xml", Creole("<family name='f'><variable name='a'/></family>")),
            ("20_b.xml", Creole("<family name='f' mode='expert'><variable name='b'/></family>"))).Evaluate();

        Assert.Equal(["a", "b"], configuration.Family("f").Variables);
        Assert.Equal(DisplayMode.Expert, configuration.Family("f").Mode);
    }

    [Theory]
    [InlineData("<family name='f'><variable name='v'/><choice/></family>", "<choice>")]
    [InlineData("<family name='f'><variable name='v' typ='string'/></family>", "typ")]
    [InlineData("<family name='f'><variable name='v' type='strng'/></family>", "strng")]
    [InlineData("<family name='f' mode='pro'><variable name='v'/></family>", "pro")]
    [InlineData("<family name='f'><variable name='v' multi='oui'/></family>", "oui")]
    [InlineData("<family name='f'><variable name='v-1'/></family>", "v-1")]
    [InlineData("<family><variable name='v'/></family>", "name")]
    [InlineData("<family name='f'><variable name='v'>texte</variable></family>", "<variable>")]
    public void An_unknown_or_invalid_construct_in_variables_is_an_error_naming_file_line_and_construct(string variables, string named)
    {
        using var culture = UiCulture.English();
        var error = LoadFails(("25_conteneur1.xml", $"<creole>\n<variables>\n{variables}\n</variables>\n</creole>"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("25_conteneur1.xml:3", diagnostic.Subject);
        Assert.Contains(named, diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<check name='valid_enum' target='v'><param>[a, b]</param></check>", "[a, b]")]
    [InlineData("<check name='valid_enum' target='v'><param>['a']</param><param name='checkval'>peut-être</param></check>", "peut-être")]
    [InlineData("<check name='valid_entier' target='v'><param name='mini'>un</param></check>", "un")]
    [InlineData("<check name='valid_entier' target='v'><param name='minimum'>1</param></check>", "minimum")]
    [InlineData("<check name='valid_entier' target='v'/>", "mini/maxi")]
    [InlineData("<check name='valid_entier' target='v'><param name='mini'>1</param><param name='mini'>2</param></check>", "mini")]
    [InlineData("<check name='valid_entier' target='v'><param name='mini'>5</param><param name='maxi'>2</param></check>", "5")]
    [InlineData("<check name='valid_enum' target='v'><param>['a']</param><param>['b']</param></check>", "[...]")]
    [InlineData("<check name='valid_enum' target='v'><param type='eole'>fantome</param></check>", "fantome")]
    [InlineData("<condition name='disabled_if_in' source='v'><param type='eole'>v</param><target>v</target></condition>", "disabled_if_in")]
    [InlineData("<condition name='hidden_if_in' source='v'><param name='x'>a</param><target>v</target></condition>", "'x'")]
    [InlineData("<fill name='concat' target='v'><param name='a'>1</param><param name='a'>2</param></fill>", "'a'")]
    [InlineData("<fill name='calc_multi_val' target='v'><param>1</param><param name='allow_none'>peut-être</param></fill>", "peut-être")]
    [InlineData("<check name='valid_enum' target='inconnue'><param>['a']</param></check>", "inconnue")]
    [InlineData("<condition name='disabled_if' source='v'><param>a</param><target>v</target></condition>", "disabled_if")]
    [InlineData("<condition name='disabled_if_in' source='v'><param>a</param><target type='famille'>f</target></condition>", "famille")]
    [InlineData("<condition name='disabled_if_in' source='v'><param>a</param><target type='family'>nulle-part</target></condition>", "nulle-part")]
    [InlineData("<condition name='disabled_if_in' source='v'><param>a</param><target type='filelist'>rien</target></condition>", "rien")]
    [InlineData("<condition name='disabled_if_in' source='v'><param>a</param><target>fantome</target></condition>", "fantome")]
    [InlineData("<condition name='disabled_if_in' source='fantome'><param>a</param><target>v</target></condition>", "fantome")]
    [InlineData("<condition name='disabled_if_in' source='v'><param>a</param></condition>", "<target>")]
    [InlineData("<fill name='calc_val' target='v'><param type='eole'>fantome</param></fill>", "fantome")]
    [InlineData("<fill name='calc_val' target='v'><param type='python'>__import__('os')</param></fill>", "__import__")]
    [InlineData("<fill name='calc_val' target='v'><param type='pyton'>1</param></fill>", "pyton")]
    [InlineData("<fill name='calc-value' target='v'><param>a</param></fill>", "calc-value")]
    [InlineData("<check name='valid_regexp' target='v'><param name='exp_reg'>[a-</param></check>", "[a-")]
    [InlineData("<group master='fantome'><slave>v</slave></group>", "fantome")]
    [InlineData("<group master='v'><slave>fantome</slave></group>", "fantome")]
    [InlineData("<restriction target='v'/>", "<restriction>")]
    public void An_unknown_or_invalid_constraint_is_an_error_naming_file_line_and_construct(string constraint, string named)
    {
        using var culture = UiCulture.English();
        var error = LoadFails(("10_test.xml", $"<creole>\n<variables><family name='f'><variable name='v'/></family></variables>\n<constraints>\n{constraint}\n</constraints>\n</creole>"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("10_test.xml:4", diagnostic.Subject);
        Assert.Contains(named, diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<file name='etc/relative.conf'/>", "/")]
    [InlineData("<file name='/etc/a.conf' mode='rw-r--r--'/>", "rw-r--r--")]
    [InlineData("<file name='/etc/a.conf' rm='Yes'/>", "Yes")]
    [InlineData("<file name='/etc/a.conf' source='../escape'/>", "../escape")]
    [InlineData("<file name='/etc/a.conf' owner='root user'/>", "root user")]
    [InlineData("<file name='/etc/a.conf' container='web'/>", "container")]
    [InlineData("<file/>", "name")]
    public void An_unknown_or_invalid_file_declaration_is_an_error(string files, string named)
    {
        using var culture = UiCulture.English();
        var error = LoadFails(("10_test.xml", $"<creole>\n<files>\n{files}\n</files>\n</creole>"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("10_test.xml:3", diagnostic.Subject);
        Assert.Contains(named, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_xml_is_an_error_at_its_line()
    {
        var error = LoadFails(("10_test.xml", "<creole>\n<variables>\n<family name='f'>\n</variables>\n</creole>"));

        Assert.Equal("10_test.xml:4", Assert.Single(error.Diagnostics).Subject);
    }

    [Fact]
    public void A_root_other_than_creole_is_an_error()
    {
        var error = LoadFails(("10_test.xml", "<dico/>"));

        Assert.Contains("<dico>", Assert.Single(error.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_type_declaration_is_ignored_and_its_entities_never_expanded()
    {
        var source = DictionarySource.Parse([new("10_test.xml", "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE creole SYSTEM 'creole.dtd'>\n<creole/>")]);
        var error = LoadFails(("10_test.xml", "<!DOCTYPE creole [<!ENTITY e 'x'>]><creole><variables><family name='f'><variable name='v'><value>&e;</value></variable></family></variables></creole>"));

        Assert.Equal(["10_test.xml"], source.FileNames);
        Assert.Single(error.Diagnostics);
    }

    [Fact]
    public void Every_error_of_every_file_is_reported_at_once()
    {
        using var folder = new TemporaryFolder();
        folder.Write("10_a.xml", "<creole>\n<variables>\n<family name='f'>\n<variable name='a' type='entier'/>\n<variable name='b' mode='pro'/>\n</family>\n</variables>\n</creole>");
        folder.Write("20_b.xml", "<creole>\n<oops/>\n</creole>");
        folder.Write("30_c.xml", "<creole>\n<variables>\n</creole>");

        var error = Assert.Throws<DictionaryException>(() => DictionarySource.Load(folder.Path));

        Assert.Equal(["10_a.xml:4", "10_a.xml:5", "20_b.xml:2", "30_c.xml:3"], error.Diagnostics.Select(d => d.Subject));
        Assert.Equal(ExitCode.InvalidInput, error.ExitCode);
    }

    [Fact]
    public void Cross_file_reference_errors_are_all_reported()
    {
        var error = LoadFails(
            ("10_a.xml", Creole("<family name='f'><variable name='a'/></family>", "<check name='obligatoire' target='b'/>")),
            ("20_b.xml", Creole("<family name='g'><variable name='a'/></family>", "<fill name='calc_val' target='a'><param type='eole'>c</param></fill>")));

        Assert.Equal(3, error.Diagnostics.Count);
    }

    [Fact]
    public void A_missing_folder_is_a_dictionary_error()
    {
        Assert.Throws<DictionaryException>(() => DictionarySource.Load("/nonexistent/portique/dicos"));
    }

    [Fact]
    public void An_empty_folder_gives_an_empty_configuration()
    {
        using var folder = new TemporaryFolder();

        var configuration = EvaluatedConfiguration.Evaluate(DictionarySource.Load(folder.Path), ConfigValues.Empty);

        Assert.Empty(configuration.Variables);
        Assert.Empty(configuration.Validate());
    }

    [Fact]
    public void A_group_makes_its_master_and_slaves_multi()
    {
        var configuration = One(
            "<family name='f'><variable name='m'/><variable name='s'/></family>",
            "<group master='m'><slave>s</slave></group>").Evaluate();

        Assert.True(configuration.Variable("m").Multi);
        Assert.True(configuration.Variable("s").Multi);
        Assert.Equal(["s"], configuration.Variable("m").Slaves);
        Assert.Equal("m", configuration.Variable("s").Master);
    }

    [Theory]
    [InlineData("<group master='m'><slave>m</slave></group>")]
    [InlineData("<group master='m'><slave>s</slave></group><group master='t'><slave>s</slave></group>")]
    [InlineData("<group master='m'><slave>s</slave></group><group master='s'><slave>t</slave></group>")]
    [InlineData("<group master='m'><slave>autre</slave></group>")]
    public void An_inconsistent_group_is_an_error(string groups)
    {
        var error = Assert.Throws<DictionaryException>(() => One(
            "<family name='f'><variable name='m'/><variable name='s'/><variable name='t'/></family><family name='g'><variable name='autre'/></family>",
            groups));

        Assert.Single(error.Diagnostics);
    }

    [Theory]
    [InlineData("<fill name='calc_val' target='a'><param type='eole'>b</param></fill><fill name='calc_val' target='b'><param type='eole'>a</param></fill>")]
    [InlineData("<fill name='calc_val' target='a'><param>1</param></fill><fill name='calc_val' target='a'><param>2</param></fill>")]
    [InlineData("<fill name='concat' target='liste'><param>1</param></fill>")]
    [InlineData("<fill name='calc_multi_val' target='a'><param>1</param></fill>")]
    [InlineData("<fill name='concat' target='a'><param type='eole'>liste</param></fill>")]
    [InlineData("<fill name='calc_val' target='a'><param type='eole'>liste</param></fill>")]
    [InlineData("<fill name='calc_val' target='a'><param>1</param><param>2</param></fill>")]
    public void An_inconsistent_fill_is_an_error(string fills)
    {
        var error = Assert.Throws<DictionaryException>(() => One(
            "<family name='f'><variable name='a'/><variable name='b'/><variable name='liste' multi='True'/></family>",
            fills));

        Assert.Single(error.Diagnostics);
    }

    [Fact]
    public void Several_defaults_for_a_single_variable_are_an_error()
    {
        var error = Assert.Throws<DictionaryException>(() => One("<family name='f'><variable name='v'><value>a</value><value>b</value></variable></family>"));

        Assert.Single(error.Diagnostics);
    }

    [Fact]
    public void An_optional_target_or_param_may_name_nothing()
    {
        var configuration = One(
            "<family name='f'><variable name='v'/><variable name='w'><value>défaut</value></variable></family>",
            """
            <condition name='disabled_if_in' source='v'><param>x</param><target optional='True'>absente</target></condition>
            <fill name='calc_val' target='w'><param type='eole' optional='True'>absente</param></fill>
            """).Evaluate();

        Assert.Equal(["défaut"], configuration.Variable("w").Values);
    }
}
