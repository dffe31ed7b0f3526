using Portique.Core;
using static Portique.Configuration.Tests.Dictionaries;

namespace Portique.Configuration.Tests;

/// <summary>EOLE's Creole DTD, construct by construct (issue 11): loaded with EOLE's semantics, machinery kept.</summary>
public sealed class EoleDictionaryTests
{
    private const string Network =
        "<family name='Réseau avancé'><variable name='adresse_ip_eth0' type='ip'><value>192.168.10.25</value></variable>"
        + "<variable name='adresse_netmask_eth0' type='netmask'><value>255.255.255.0</value></variable>"
        + "<variable name='adresse_network_eth0' type='network'/><variable name='adresse_broadcast_eth0' type='broadcast'/>"
        + "<variable name='classe_eth0' type='string'/></family>";

    [Fact]
    public void Containers_of_the_mode_conteneur_load_and_their_files_are_the_hosts()
    {
        var source = Parse(("00_base.xml", """
            <creole>
              <containers>
                <container name='web' id='12' group='web'>
                  <package>apache2</package>
                  <service servicelist='web' method='service' startlevel='91' stoplevel='09'>apache2</service>
                  <file name='/etc/apache2/apache2.conf' source='apache.conf' filelist='web'/>
                  <host name='web' ip='127.0.0.1' crossed='True' hostlist='h'/>
                  <interface linkto='eth0' ip='adresse_ip_web' mask='m' bcast='b' interfacelist='i'>eth0</interface>
                  <disknod>/dev/null</disknod>
                  <fstab name='/home' type='bind' fstablist='f'>/home</fstab>
                  <service_access service='apache2'><port service_accesslist='acces' protocol='tcp'>80</port><tcpwrapper>apache2</tcpwrapper></service_access>
                  <service_restriction service='apache2'><ip interface='eth0' netmask='255.255.255.0' service_restrictionlist='r'>10.0.0.0</ip></service_restriction>
                </container>
                <all><package>eole-common</package><file name='/etc/all.conf'/></all>
              </containers>
              <files><package>nginx</package><service redefine='True' in_container='False' pty='False'>nginx</service></files>
              <family_action name='Actions'><action type='form' title='A'><input>Go</input></action></family_action>
              <variables>
                <family name='services'><variable name='activer_web' type='oui/non'><value>oui</value></variable></family>
              </variables>
              <constraints>
                <condition name='disabled_if_in' source='activer_web'><param>non</param>
                  <target type='filelist'>web</target><target type='servicelist'>web</target><target type='interfacelist'>i</target>
                  <target type='hostlist'>h</target><target type='service_accesslist'>acces</target>
                  <target type='service_restrictionlist'>r</target><target type='fstablist'>f</target></condition>
              </constraints>
            </creole>
            """));

        var enabled = source.Evaluate();
        var disabled = source.Evaluate(("activer_web", "non"));

        Assert.Equal(["/etc/apache2/apache2.conf", "/etc/all.conf"], enabled.Files.Select(f => f.Name));
        Assert.Equal([true, true], enabled.Files.Select(f => f.Enabled));
        Assert.Equal([false, true], disabled.Files.Select(f => f.Enabled));
        Assert.Equal(["apache2", "nginx"], enabled.Services.Select(s => s.Name));
        Assert.False(disabled.Services[0].Enabled);
    }

    [Fact]
    public void Separators_are_allowed_in_creole_variables_and_family()
    {
        var source = Parse(("00_base.xml", """
            <creole>
              <variables>
                <family name='f'><variable name='a'/><variable name='b'/>
                  <separators><separator name='a' never_hidden='True'>Premier</separator></separators></family>
                <separators><separator name='b'>Second</separator></separators>
              </variables>
              <separators/>
            </creole>
            """));

        var configuration = source.Evaluate();
        Assert.Equal("Premier", configuration.Variable("a").Separator);
        Assert.Equal("Second", configuration.Variable("b").Separator);
    }

    [Fact]
    public void Every_variable_attribute_of_the_dtd_is_accepted_and_mode_basic_is_basique()
    {
        var source = One("<family name='f' description='F' mode='basic'><variable name='a' mode='basic' auto_freeze='True' auto_save='False' submulti='False'/>"
            + "<variable name='b' disabled='True'/></family>");

        var configuration = source.Evaluate();
        Assert.Equal(DisplayMode.Basic, configuration.Variable("a").Mode);
        Assert.True(configuration.Variable("b").Disabled);
    }

    [Theory]
    [InlineData("Number", "12", "douze")]
    [InlineData("boolean", "True", "vrai")]
    [InlineData("yes/no", "yes", "oui")]
    [InlineData("schedule", "weekly", "hebdo")]
    [InlineData("schedulemod", "pre", "avant")]
    [InlineData("domain_strict", "ac-test.fr", "10.0.0.1")]
    [InlineData("hostname_strict", "scribe", "scribe.ac-test.fr")]
    [InlineData("netbios", "SCRIBE-01", "un-nom-bien-trop-long")]
    [InlineData("unix_user", "admin_eole", "Admin Eole")]
    [InlineData("filename", "/var/log/a.log", "a b")]
    [InlineData("network_cidr", "10.0.0.0/8", "10.0.0.1/8")]
    [InlineData("ip_cidr", "10.0.0.1/8", "10.0.0.1")]
    [InlineData("cidr", "10.0.0.1/8", "10.0.0.1/33")]
    [InlineData("local_ip", "192.168.0.1", "192.168.0")]
    [InlineData("mac", "00:16:3e:aa:bb:cc", "00:16:3e")]
    [InlineData("date", "2024-02-29", "2023-02-29")]
    [InlineData("float", "1.5", "1,5")]
    public void Every_dtd_type_is_accepted_with_its_exact_case_and_validated(string type, string valid, string invalid)
    {
        var source = One($"<family name='f'><variable name='v' type='{type}'/></family>");

        Assert.Empty(source.Evaluate(("v", valid)).Validate());
        Assert.Contains(invalid, Assert.Single(source.Evaluate(("v", invalid)).Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_in_the_wrong_case_is_refused()
    {
        var error = LoadFails(("10_test.xml", Creole("<family name='f'><variable name='v' type='Domain_Strict'/></family>")));

        Assert.Contains("Domain_Strict", Assert.Single(error.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calc_network_calc_broadcast_and_calc_classe_compute_from_address_and_mask()
    {
        var source = One(Network, """
            <fill name='calc_network' target='adresse_network_eth0'><param type='eole' name='ip'>adresse_ip_eth0</param><param type='eole' name='netmask'>adresse_netmask_eth0</param></fill>
            <auto name='calc_broadcast' target='adresse_broadcast_eth0'><param type='eole'>adresse_ip_eth0</param><param type='eole'>adresse_netmask_eth0</param></auto>
            <fill name='calc_classe' target='classe_eth0'><param type='eole'>adresse_netmask_eth0</param></fill>
            """);

        var configuration = source.Evaluate(("adresse_broadcast_eth0", "1.2.3.4"));

        Assert.Equal(["192.168.10.0"], configuration.Variable("adresse_network_eth0").Values);
        Assert.Equal(["192.168.10.255"], configuration.Variable("adresse_broadcast_eth0").Values); // auto: the stored value does not win
        Assert.Equal(["24"], configuration.Variable("classe_eth0").Values);
        Assert.Equal(["10.0.0.0"], source.Evaluate(("adresse_ip_eth0", "10.1.2.3"), ("adresse_netmask_eth0", "255.0.0.0")).Variable("adresse_network_eth0").Values);
    }

    [Theory]
    [InlineData("oui", "non", "AND", "active")]
    [InlineData("oui", "oui", "AND", "active")]
    [InlineData("non", "non", "AND", "inactive")]
    [InlineData("non", "oui", "OR", "active")]
    [InlineData("non", "non", "OR", "inactive")]
    public void Calc_multi_condition_compares_every_condition_with_the_param(string first, string second, string op, string expected)
    {
        var source = One(
            "<family name='f'><variable name='c1' type='oui/non'/><variable name='c2' type='oui/non'/><variable name='r'/></family>",
            $"<fill name='calc_multi_condition' target='r'><param>oui</param><param name='condition_1' type='eole'>c1</param>"
            + $"<param name='condition_2' type='eole'>{(op == "AND" ? "c1" : "c2")}</param>"
            + $"<param name='match'>active</param><param name='mismatch'>inactive</param><param name='operator'>{op}</param></fill>");

        Assert.Equal([expected], source.Evaluate(("c1", first), ("c2", second)).Variable("r").Values);
    }

    [Fact]
    public void Calc_multi_condition_takes_a_python_list_param_and_default_match_none()
    {
        var source = One(
            "<family name='f'><variable name='c1'><value>a</value></variable><variable name='c2'><value>b</value></variable><variable name='r'><value>défaut</value></variable><variable name='s'/></family>",
            "<fill name='calc_multi_condition' target='r'><param>['a', 'b']</param><param name='condition_1' type='eole'>c1</param><param name='condition_2' type='eole'>c2</param></fill>"
            + "<fill name='calc_multi_condition' target='s'><param>x</param><param name='condition_1' type='eole'>c1</param><param name='default_match'>None</param><param name='default_mismatch'>None</param></fill>");

        var configuration = source.Evaluate();
        Assert.Equal(["oui"], configuration.Variable("r").Values);
        Assert.Empty(configuration.Variable("s").Values);
        Assert.Equal(["non"], source.Evaluate(("c2", "z")).Variable("r").Values);
    }

    [Fact]
    public void Calc_val_first_value_auto_copy_val_and_python_and_number_params_compute()
    {
        var source = One(
            "<family name='f'><variable name='a'><value>premier</value></variable><variable name='b'/><variable name='c'/><variable name='l' multi='True'/><variable name='n' type='number'/></family>",
            "<fill name='calc_val_first_value' target='b'><param type='eole'>a</param><param>second</param></fill>"
            + "<fill name='auto_copy_val' target='c'><param type='eole'>a</param></fill>"
            + "<fill name='calc_val' target='l'><param type='python'>['x', u'y'] + [\"z\"]</param></fill>"
            + "<fill name='calc_val' target='n'><param type='number'>42</param></fill>");

        var configuration = source.Evaluate();
        Assert.Equal(["premier"], configuration.Variable("b").Values);
        Assert.Equal(["premier"], configuration.Variable("c").Values);
        Assert.Equal(["x", "y", "z"], configuration.Variable("l").Values);
        Assert.Equal(["42"], configuration.Variable("n").Values);
    }

    [Fact]
    public void Calc_val_test_gives_its_param_as_eoles_zephir_test_dictionary_defines_it()
    {
        // dico_test.xml of EOLE's Zephir client tests: <fill name='calc_val_test'><param type='eole'>nom_machine</param></fill>.
        var source = One(
            "<family name='f'><variable name='nom_machine'><value>scribe</value></variable><variable name='t'/><variable name='u'/></family>",
            "<fill name='calc_val_test' target='t'><param type='eole'>nom_machine</param></fill>"
            + "<fill name='calc_val_test' target='u'><param name='valeur'>fixe</param></fill>");

        Assert.Equal(["scribe"], source.Evaluate().Variable("t").Values);
        Assert.Equal(["fixe"], source.Evaluate().Variable("u").Values);
    }

    [Fact]
    public void Calc_multi_val_appends_a_multi_variables_items_only_once_as_eole()
    {
        var source = One(
            "<family name='f'><variable name='a'><value>x</value></variable><variable name='l' multi='True'><value>x</value><value>y</value><value>y</value></variable><variable name='r' multi='True'/></family>",
            "<fill name='calc_multi_val' target='r'><param type='eole'>a</param><param type='eole'>l</param><param>x</param></fill>");

        Assert.Equal(["x", "y", "x"], source.Evaluate().Variable("r").Values);
    }

    [Fact]
    public void An_eole_function_portique_does_not_compute_is_kept_and_the_stored_value_or_default_applies()
    {
        var source = One(
            "<family name='f'><variable name='zone'><value>eth0</value></variable><variable name='ip' type='ip'/></family>",
            "<fill name='get_zone_name' target='zone'><param type='eole'>ip</param><param type='container' name='container'>bdd</param></fill>"
            + "<check name='valid_country' target='zone'/>");

        Assert.Equal(["eth0"], source.Evaluate().Variable("zone").Values);
        Assert.Equal(["eth1"], source.Evaluate(("zone", "eth1")).Variable("zone").Values);
    }

    [Fact]
    public void A_python_param_outside_the_safe_subset_is_refused_at_file_and_line()
    {
        var error = LoadFails(("10_test.xml", Creole(
            "<family name='f'><variable name='v'/></family>",
            "<fill name='calc_val' target='v'>\n<param type='python'>open('/etc/shadow').read()</param></fill>")));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("10_test.xml:6", diagnostic.Subject);
        Assert.Contains("open(", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mandatory_if_in", "oui", true)]
    [InlineData("mandatory_if_not_in", "oui", false)]
    [InlineData("mandatory_if_not_in", "non", true)]
    public void Mandatory_conditions_make_their_targets_mandatory(string condition, string value, bool mandatory)
    {
        var source = One(
            "<family name='f'><variable name='s' type='oui/non'/><variable name='t'/></family>",
            $"<condition name='{condition}' source='s'><param>oui</param><target type='variable'>t</target></condition>");

        var configuration = source.Evaluate(("s", value));
        Assert.Equal(mandatory, configuration.Variable("t").Mandatory);
        Assert.Equal(mandatory ? 1 : 0, configuration.Validate().Count);
    }

    [Theory]
    [InlineData("frozen_if_in")]
    [InlineData("frozen_if_not_in")]
    [InlineData("auto_frozen_if_in")]
    public void Frozen_conditions_load_and_change_no_value(string condition)
    {
        var source = One(
            "<family name='f'><variable name='s'/><variable name='t'><value>v</value></variable></family>",
            $"<condition name='{condition}' source='s'><param>oui</param><target>t</target></condition>");

        Assert.Equal(["v"], source.Evaluate(("s", "oui")).Variable("t").Values);
    }

    [Theory]
    [InlineData("disabled_if_in", true)]
    [InlineData("disabled_if_not_in", false)]
    public void A_fallback_condition_on_a_missing_source_applies_if_in_and_drops_if_not_in(string condition, bool disabled)
    {
        var source = One(
            "<family name='f'><variable name='t'/></family>",
            $"<condition name='{condition}' source='absente' fallback='True'><param>oui</param><target>t</target></condition>");

        Assert.Equal(disabled, source.Evaluate().Variable("t").Disabled);
    }

    [Fact]
    public void Family_targets_and_help_use_eoles_normalised_family_names()
    {
        var source = Parse(
            ("00_a.xml", Creole("<family name='Réseau avancé'><variable name='a'/></family>")),
            ("01_b.xml", """
                <creole><variables><family name='reseau_avance'><variable name='b'/></family><family name='g'><variable name='s'/></family></variables>
                <constraints><condition name='hidden_if_in' source='s'><param>x</param><target type='family'>reseau_avance</target></condition></constraints>
                <help><family name='RÉSEAU-AVANCÉ'>Aide</family></help></creole>
                """));

        var configuration = source.Evaluate(("s", "x"));
        var family = Assert.Single(configuration.Families, f => f.Name == "Réseau avancé");
        Assert.Equal(["a", "b"], family.Variables);
        Assert.True(family.Hidden);
        Assert.Equal("Aide", family.Help);
    }

    [Fact]
    public void Remove_check_remove_condition_and_remove_fill_drop_what_earlier_dictionaries_said()
    {
        var source = Parse(
            ("00_a.xml", Creole(
                "<family name='f'><variable name='s'/><variable name='v'/><variable name='w'/></family>",
                "<check name='valid_enum' target='v'><param>['a']</param></check>"
                + "<condition name='disabled_if_in' source='s'><param>x</param><target>v</target><target>w</target></condition>"
                + "<fill name='calc_val' target='v'><param>calculé</param></fill>")),
            ("01_b.xml", Creole("<family name='f'><variable name='v' redefine='True' remove_check='True' remove_condition='True' remove_fill='True'/></family>")));

        var configuration = source.Evaluate(("s", "x"));
        Assert.Empty(configuration.Variable("v").Values);
        Assert.False(configuration.Variable("v").Disabled);
        Assert.True(configuration.Variable("w").Disabled);
        Assert.Empty(source.Evaluate(("v", "b")).Validate());
    }

    [Theory]
    [InlineData("<check name='valid_regexp' target='v'><param name='exp_reg'>^[a-z]+$</param><param name='err_msg'>minuscules</param></check>", "abc", "ABC")]
    [InlineData("<check name='valid_differ' target='v'><param type='eole'>autre</param></check>", "abc", "même")]
    [InlineData("<check name='valid_lower' target='v'/>", "abc", "aBc")]
    [InlineData("<check name='valid_upper' target='v'/>", "ABC", "aBC")]
    [InlineData("<check name='valid_len' target='v'><param name='max_len'>3</param></check>", "abc", "abcd")]
    [InlineData("<check name='valid_chaine' target='v'><param name='forbidden_chars'>['/', ' ']</param></check>", "abc", "a/b")]
    [InlineData("<check name='valid_enum' target='v'><param type='eole'>choix</param></check>", "a", "z")]
    [InlineData("<check name='valid_entier' target='v'><param name='mini'>1</param><param name='maxi' type='eole'>borne</param></check>", "5", "11")]
    [InlineData("<check name='valid_in_network' target='v'><param>10.0.0.0</param><param>255.0.0.0</param></check>", "10.2.3.4", "11.2.3.4")]
    [InlineData("<check name='valid_country' target='v'/>", "FR", "fr")]
    [InlineData("<check name='valid_country' target='v'/>", "DE", "FRA")]
    [InlineData("<check name='valid_netmask' target='v'/>", "255.255.255.0", "255.0.255.0")]
    [InlineData("<check name='valid_ipnetmask' target='v'><param type='eole'>ip</param></check>", "255.255.0.0", "255.255.255.0")]
    [InlineData("<check name='valid_ipnetmask' target='v'><param type='eole'>ip_broadcast</param></check>", "255.255.0.0", "255.255.255.0")]
    [InlineData("<check name='valid_network_netmask' target='v'><param type='eole'>ip</param></check>", "255.255.255.0", "255.255.0.0")]
    public void Eole_check_functions_are_enforced(string check, string valid, string invalid)
    {
        var source = One(
            "<family name='f'><variable name='v'/><variable name='autre'><value>même</value></variable>"
            + "<variable name='ip'><value>192.168.1.0</value></variable><variable name='ip_broadcast'><value>192.168.1.255</value></variable>"
            + "<variable name='choix' multi='True'><value>a</value><value>b</value></variable><variable name='borne' type='number'><value>10</value></variable></family>",
            check);

        Assert.Empty(source.Evaluate(("v", valid)).Validate());
        Assert.Equal("v", Assert.Single(source.Evaluate(("v", invalid)).Validate()).Subject);
    }

    [Fact]
    public void A_valid_regexp_message_is_shown_whole_as_eole_shows_it()
    {
        // EOLE's Bareos client dictionary (clientBareos-2.5.2): a positional exp_reg and a 141-character err_msg.
        const string Message = "Le nom du client ne peut être composé que de caractères alphanumériques et du caractère _ et ne peut pas commencer par un chiffre.";
        var source = One(
            "<family name='f'><variable name='v'/></family>",
            $"<check name='valid_regexp' target='v'><param>^[A-Za-z_][A-Za-z0-9_]+$</param><param name='err_msg'>{Message}</param></check>");

        Assert.Empty(source.Evaluate(("v", "client_1")).Validate());
        Assert.EndsWith(Message, Assert.Single(source.Evaluate(("v", "1client")).Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warning_level_check_never_blocks()
    {
        var source = One("<family name='f'><variable name='v'/></family>", "<check name='valid_lower' target='v' level='warning'/>");

        var evaluated = source.Evaluate(("v", "ABC"));
        Assert.Empty(evaluated.Validate());
        Assert.Equal("v", Assert.Single(evaluated.Warnings).Subject);
    }

    [Fact]
    public void A_submulti_variable_validates_every_item_of_every_row_and_gives_templates_the_rows()
    {
        var source = One("<family name='f'><variable name='v' type='ip' submulti='True'/></family>");
        var values = ConfigValues.Parse("""{"v": {"owner": "gen_config", "val": [["10.0.0.1", "10.0.0.2"], ["10.0.0.3"]]}}""");

        var evaluated = EvaluatedConfiguration.Evaluate(source, values);
        Assert.Empty(evaluated.Validate());
        var rows = Assert.IsType<object?[]>(evaluated.GetTemplateValues().Variables["v"]);
        Assert.Equal([new object?[] { "10.0.0.1", "10.0.0.2" }, new object?[] { "10.0.0.3" }], rows);
        var invalid = EvaluatedConfiguration.Evaluate(source, ConfigValues.Parse("""{"v": {"owner": "gen_config", "val": [["10.0.0.1"], ["nope"]]}}"""));
        Assert.Equal("v", Assert.Single(invalid.Validate()).Subject);
    }

    [Fact]
    public void Slave_rows_stored_by_index_as_eole_2_5_writes_them_load_with_the_default_for_the_rows_not_stored()
    {
        // EOLE 2.5+ (Tiramisu) stores only the slave rows given, by index, with an owner per row.
        var source = One("<family name='f'><variable name='ip' type='ip' multi='True'/>"
            + "<variable name='masque' type='netmask'><value>255.255.255.0</value></variable></family>",
            "<group master='ip'><slave>masque</slave></group>");
        var values = ConfigValues.Parse("""
            {"___version___": "2.8.1",
             "ip": {"owner": "gen_config", "val": ["10.0.0.1", "10.0.1.1", "10.0.2.1"]},
             "masque": {"owner": {"0": "gen_config", "2": "zephir_import"}, "val": {"0": "255.255.255.128", "2": "255.255.0.0"}}}
            """);

        var evaluated = EvaluatedConfiguration.Evaluate(source, values);

        Assert.Empty(evaluated.Validate());
        Assert.Equal(["255.255.255.128", "255.255.255.0", "255.255.0.0"], evaluated.Variable("masque").Values);
        Assert.Equal("gen_config", evaluated.Variable("masque").Owner);
    }

    [Fact]
    public void A_slave_eole_stored_by_index_is_written_back_by_index()
    {
        var values = ConfigValues.Parse("""{"masque": {"owner": {"1": "gen_config"}, "val": {"1": "255.0.0.0"}}}""");

        var written = values.Set("masque", Owners.Portique, ["255.255.255.0", null], asList: true).ToJson();

        var entry = System.Text.Json.Nodes.JsonNode.Parse(written)!["masque"]!;
        Assert.Equal("""{"0":"255.255.255.0","1":null}""", entry["val"]!.ToJsonString());
        Assert.Equal("""{"0":"portique","1":"portique"}""", entry["owner"]!.ToJsonString());
    }

    [Theory]
    [InlineData("2.6.2", true)]
    [InlineData("2.4.2", false)]
    public void Setting_a_slave_writes_it_by_row_index_when_config_eol_is_eole_2_5_or_later(string version, bool byIndex)
    {
        var source = One("<family name='f'><variable name='ip' type='ip' multi='True'/><variable name='masque' type='netmask'/></family>",
            "<group master='ip'><slave>masque</slave></group>");
        var values = ConfigValues.Parse($$$"""{"___version___": "{{{version}}}", "ip": {"owner": "gen_config", "val": ["10.0.0.1"]}}""");

        var written = EvaluatedConfiguration.Evaluate(source, values).SetValue("masque", ["255.0.0.0"], Owners.GenConfig).ToJson();

        var stored = System.Text.Json.Nodes.JsonNode.Parse(written)!["masque"]!["val"]!.ToJsonString();
        Assert.Equal(byIndex ? """{"0":"255.0.0.0"}""" : """["255.0.0.0"]""", stored);
    }

    [Fact]
    public void A_value_by_index_with_a_key_that_is_not_a_row_number_is_refused_naming_the_variable() =>
        Assert.Equal("masque", Assert.Single(Assert.Throws<ConfigurationInvalidException>(() =>
            ConfigValues.Parse("""{"masque": {"owner": "gen_config", "val": {"un": "255.0.0.0"}}}""")).Diagnostics).Subject);

    [Theory]
    [InlineData("netbios", "serveur-1", "serveur_1", "nom-beaucoup-trop-long")]
    [InlineData("local_ip", "192.168.0.1", "8.8.8.8", "192.168.0")]
    public void Netbios_and_local_ip_warn_where_eole_only_warns_and_block_a_malformed_value(string type, string valid, string warned, string invalid)
    {
        var source = One($"<family name='f'><variable name='v' type='{type}'/></family>", "");

        var ok = source.Evaluate(("v", valid));
        Assert.Empty(ok.Validate());
        Assert.Empty(ok.Warnings);
        var warning = source.Evaluate(("v", warned));
        Assert.Empty(warning.Validate());
        Assert.Equal("v", Assert.Single(warning.Warnings).Subject);
        Assert.Equal("v", Assert.Single(source.Evaluate(("v", invalid)).Validate()).Subject);
    }

    [Fact]
    public void File_attributes_templating_redefine_and_instance_mode_have_eoles_meaning()
    {
        var source = Parse(
            ("00_a.xml", Creole("", files: "<file name='/etc/a.conf' templating='False' del_comment='#'/><file name='/etc/b.conf' source='b1'/><file name='/etc/c.conf' instance_mode='when_container'/>")),
            ("01_b.xml", Creole("", files: "<file name='/etc/b.conf' source='b2' redefine='True'/>")));

        var files = source.Evaluate().Files;
        Assert.False(files.Single(f => f.Name == "/etc/a.conf").Templating);
        Assert.Equal("b2", Assert.Single(files, f => f.Name == "/etc/b.conf").Source);
        Assert.False(files.Single(f => f.Name == "/etc/c.conf").Enabled);
    }

    [Fact]
    public void A_file_engine_none_is_copied_and_an_engine_portique_cannot_run_is_refused()
    {
        var files = One("", files: "<file name='/etc/a.conf' engine='none' included='no'/><file name='/etc/b.conf' engine='creole'/>").Evaluate().Files;
        var error = LoadFails(("10_test.xml", Creole("", files: "<file name='/etc/c.conf' engine='jinja2'/>")));

        Assert.Equal([false, true], files.Select(f => f.Templating));
        Assert.Contains("jinja2", Assert.Single(error.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_of_structure_and_of_references_are_reported_in_one_pass()
    {
        var error = LoadFails(
            ("00_a.xml", Creole("<family name='f'><variable name='v' type='inconnu'/></family>")),
            ("01_b.xml", Creole("<family name='g'><variable name='w'/></family>", "<check name='valid_enum' target='fantome'><param>['a']</param></check>")));

        Assert.Equal(["00_a.xml:4", "01_b.xml:5"], error.Diagnostics.Select(d => d.Subject));
    }
}
