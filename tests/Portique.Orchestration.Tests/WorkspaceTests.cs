using Portique.Configuration;
using Portique.Core;

namespace Portique.Orchestration.Tests;

public class WorkspaceTests
{
    private static KeyValuePair<string, IReadOnlyList<string>> Assign(string name, params string[] values) => new(name, values);

    [Fact]
    public void A_refused_set_leaves_config_eol_byte_identical()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        var before = File.ReadAllBytes(sandbox.Temp.Root.ConfigEol);

        var error = Assert.Throws<ConfigurationInvalidException>(() => sandbox.Workspace.Set([Assign("conteneur1_port_out", "70000")], Owners.Portique));

        Assert.Equal("conteneur1_port_out", Assert.Single(error.Diagnostics).Subject);
        Assert.Equal(before, File.ReadAllBytes(sandbox.Temp.Root.ConfigEol));
    }

    [Fact]
    public void An_accepted_set_is_saved_with_its_owner_and_mode_0600()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        sandbox.Workspace.Set([Assign("conteneur1_tag", "2.0")], Owners.GenConfig);

        var stored = ConfigEolFile.Load(sandbox.Temp.Root.ConfigEol).Get("conteneur1_tag");
        Assert.Equal(("gen_config", "2.0"), (stored!.Owner, stored.Items[0]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sandbox.Temp.Root.ConfigEol));
    }

    [Fact]
    public void A_master_and_its_slave_set_together_are_accepted()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        sandbox.Workspace.Set([Assign("conteneur1_port_in", "8080", "8443"), Assign("conteneur1_port_out", "18081", "18443")], Owners.Portique);
        Assert.Equal(["18081", "18443"], sandbox.Workspace.Evaluate().Find("conteneur1_port_out")!.Values);
    }

    [Fact]
    public async Task Rendering_twice_rewrites_nothing_the_second_time()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        var workspace = sandbox.Workspace;

        var first = await Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None);
        var second = await Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None);

        Assert.Equal(["/etc/eole/conteneur-vars.conf", "/etc/eole/conteneur1-vars.conf"], first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task The_file_of_a_container_beyond_the_count_is_removed()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. Sandbox.Container(1, "a", 18081), .. Sandbox.Container(2, "b", 18082)]);
        var workspace = sandbox.Workspace;
        await Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None);
        var second = sandbox.Temp.Root.Resolve("/etc/eole/conteneur2-vars.conf");
        Assert.True(File.Exists(second));

        workspace.Set([Assign("nombre_conteneur", "1")], Owners.Portique);
        var changed = await Workspace.WriteAsync(workspace.RenderAll(workspace.Evaluate()), CancellationToken.None);

        Assert.Contains("/etc/eole/conteneur2-vars.conf", changed);
        Assert.False(File.Exists(second));
        Assert.Equal("b", workspace.Evaluate().Find("conteneur2_name")!.Values[0]);
    }

    [Fact]
    public void A_service_with_route_web_non_gets_no_location_while_the_others_keep_theirs()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["2"]), .. Sandbox.Container(1, "wiki", 18081), .. Sandbox.Container(2, "base", 18082), ("conteneur2_route_web", ["non"])]);
        var workspace = sandbox.Workspace;
        var files = Workspace.FrontendFiles(workspace.RenderAll(workspace.Evaluate()));

        Assert.Contains("location /wiki/ {", files["portique/services/conteneur1.conf"], StringComparison.Ordinal);
        var database = files["portique/services/conteneur2.conf"];
        Assert.DoesNotContain("location", database, StringComparison.Ordinal);
        Assert.Contains("conteneur2_route_web = non", database, StringComparison.Ordinal);
    }

    [Fact]
    public void The_frontend_files_are_handed_over_keyed_under_etc_nginx()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        var workspace = sandbox.Workspace;
        var files = Workspace.FrontendFiles(workspace.RenderAll(workspace.Evaluate()));
        Assert.Equal(["portique/frontend.conf", "portique/services/conteneur1.conf", "portique/stream/conteneur1.conf"], files.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_template_naming_an_unknown_variable_is_reported_with_its_file_line_and_column()
    {
        using var sandbox = new Sandbox();
        var root = sandbox.Temp.Root;
        Directory.CreateDirectory(root.DictionariesDirectory);
        Directory.CreateDirectory(root.TemplatesDirectory);
        File.WriteAllText(Path.Join(root.DictionariesDirectory, "10_test.xml"), """
            <creole>
              <files><file name='/etc/test.conf' source='test.conf'/></files>
              <variables><family name='f'><variable name='known' type='string'><value>x</value></variable></family></variables>
            </creole>
            """);
        File.WriteAllText(Path.Join(root.TemplatesDirectory, "test.conf"), "A=%%known\nB=%%unknown_thing\n");
        var workspace = sandbox.Workspace;

        var problem = Assert.Single(workspace.Validate(workspace.Evaluate()).Problems);

        Assert.Equal("test.conf:2:3", problem.Subject);
        Assert.Contains("unknown_thing", problem.Message);
    }

    /// <summary>A root whose own dictionaries are <paramref name="globals"/> (variables of family g) and a dictionary repeated
    /// <c>count</c> times declaring <c>item{N}_name</c>, rendered from <c>item.conf</c> = <paramref name="template"/>.</summary>
    private static void WriteRepeatedItems(Sandbox sandbox, string globals, string template)
    {
        var root = sandbox.Temp.Root;
        Directory.CreateDirectory(root.DictionariesDirectory);
        Directory.CreateDirectory(root.TemplatesDirectory);
        File.WriteAllText(Path.Join(root.DictionariesDirectory, "10_count.xml"), $"<creole><variables><family name='g'>{globals}</family></variables></creole>");
        File.WriteAllText(Path.Join(root.DictionariesDirectory, "20_item.xml"), """
            <creole repeat='count'>
              <files><file name='/etc/item{N}.conf' source='item.conf'/></files>
              <variables><family name='item-{N}'><variable name='item{N}_name' type='string'><value>n</value></variable></family></variables>
            </creole>
            """);
        File.WriteAllText(Path.Join(root.TemplatesDirectory, "item.conf"), template);
    }

    [Fact]
    public void A_repeated_template_checked_once_still_reports_the_instance_whose_variable_is_unknown_where_it_is()
    {
        using var sandbox = new Sandbox();
        WriteRepeatedItems(
            sandbox,
            "<variable name='count' type='number'><value>3</value></variable>"
                + "<variable name='extra1' type='string'><value>x</value></variable><variable name='extra3' type='string'><value>z</value></variable>",
            // {N} before the unknown name on its line: the column is the instance's own (1 digit here).
            "NAME=%%item{N}_name\n{N} X=%%extra{N}\n");
        var workspace = sandbox.Workspace;

        var problem = Assert.Single(workspace.Validate(workspace.Evaluate()).Problems);

        Assert.Equal("item.conf:2:5", problem.Subject);
        Assert.Contains("extra2", problem.Message);
    }

    [Fact]
    public void A_repeated_template_that_does_not_parse_is_reported_for_each_instance()
    {
        using var sandbox = new Sandbox();
        WriteRepeatedItems(sandbox, "<variable name='count' type='number'><value>2</value></variable>", "%if %%item{N}_name == 'n'\nyes\n");
        var workspace = sandbox.Workspace;

        var problems = workspace.Validate(workspace.Evaluate()).Problems;

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("item.conf:", p.Subject, StringComparison.Ordinal));
    }

    [Fact]
    public void The_workshops_invalid_template_is_rejected_with_file_line_and_problem()
    {
        using var sandbox = new Sandbox();
        var root = sandbox.Temp.Root;
        Directory.CreateDirectory(root.DictionariesDirectory);
        Directory.CreateDirectory(root.TemplatesDirectory);
        File.WriteAllText(Path.Join(root.DictionariesDirectory, "10_test.xml"), """
            <creole>
              <files><file name='/etc/eole/conteneur1-vars.conf'/></files>
              <variables><family name='f'><variable name='conteneur1_name' type='string'><value>x</value></variable></family></variables>
            </creole>
            """);
        File.Copy(Path.Join(AppContext.BaseDirectory, "Golden", "workshop-conteneur1-vars.conf"), Path.Join(root.TemplatesDirectory, "conteneur1-vars.conf"));
        var workspace = sandbox.Workspace;

        var problems = workspace.Validate(workspace.Evaluate()).Problems;

        Assert.Contains(problems, p => p.Subject == "conteneur1-vars.conf:8:1" && p.Message.Contains("%set %%x = 0", StringComparison.Ordinal));
    }
}

public class RandomFillTests
{
    private static KeyValuePair<string, IReadOnlyList<string>> Assign(string name, params string[] values) => new(name, values);

    [Fact]
    public void A_random_int_fill_is_drawn_once_when_config_eol_is_written_then_kept_as_eole_stores_it()
    {
        using var sandbox = new Sandbox();
        Directory.CreateDirectory(sandbox.Temp.Root.DictionariesDirectory);
        File.WriteAllText(Path.Join(sandbox.Temp.Root.DictionariesDirectory, "90_aleatoire.xml"), """
            <creole>
                <variables>
                    <family name='aleatoire'>
                        <variable name='minute_cron' type='number'/>
                        <variable name='deux_choix' type='number'/>
                        <variable name='texte'/>
                    </family>
                </variables>
                <constraints>
                    <fill name='random_int' target='minute_cron'><param type='number'>0</param><param type='number'>59</param></fill>
                    <fill name='random_int' target='deux_choix'><param name='vmin'>1</param><param name='vmax'>2</param><param name='exclude'>1</param></fill>
                </constraints>
            </creole>
            """);

        Assert.Empty(sandbox.Workspace.Evaluate().Find("minute_cron")!.Values);
        sandbox.Workspace.Set([Assign("texte", "a")], Owners.Portique);

        var stored = ConfigEolFile.Load(sandbox.Temp.Root.ConfigEol);
        var minute = long.Parse(stored.Get("minute_cron")!.Items[0]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(minute, 0, 59);
        Assert.Equal("2", stored.Get("deux_choix")!.Items[0]);

        sandbox.Workspace.Set([Assign("texte", "b")], Owners.Portique);
        Assert.Equal(stored.Get("minute_cron"), ConfigEolFile.Load(sandbox.Temp.Root.ConfigEol).Get("minute_cron"));
    }
}
