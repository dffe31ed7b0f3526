using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>The CLI in process: the UI culture is process-wide, so these tests run one at a time.</summary>
[Collection("cli")]
public sealed class CliTests : IDisposable
{
    private readonly TempRoot _root = new("portique-cli-");

    public void Dispose() => _root.Dispose();

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunInProcessAsync(_root, args);

    /// <summary>Runs <c>portique --root ROOT args...</c> in this process; returns its exit code and what it wrote.</summary>
    internal static async Task<(int Code, string Output, string Error)> RunInProcessAsync(TempRoot root, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // The language is always explicit: the caller's LANG (English on many machines) must not decide what is checked.
        string[] language = args.Contains("--lang") ? [] : ["--lang", "fr"];
        var code = await PortiqueCommandLine.RunAsync(["--root", root.Directory, .. language, .. args], output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static readonly string[] Container =
    [
        "conteneur1_name=wiki", "conteneur1_url=team/wiki", "conteneur1_repository=127.0.0.1:5000",
        "conteneur1_port_in=8080", "conteneur1_port_out=18081",
    ];

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("3 (plan)", output);
    }

    [Fact]
    public async Task An_unknown_verb_exits_with_code_2()
    {
        var (code, _, error) = await RunAsync("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("frobnicate", error);
    }

    [Fact]
    public void French_is_the_default_when_neither_lang_nor_the_environment_asks_for_english()
    {
        Assert.Equal("fr", Portique.Core.Localization.Choose(null, _ => null).TwoLetterISOLanguageName);
        Assert.Equal("fr", Portique.Core.Localization.Choose(null, name => name == "LANG" ? "C.UTF-8" : null).TwoLetterISOLanguageName);
        Assert.Equal("en", Portique.Core.Localization.Choose(null, name => name == "LANG" ? "en_US.UTF-8" : null).TwoLetterISOLanguageName);
        Assert.Equal("fr", Portique.Core.Localization.Choose("fr", name => name == "LC_ALL" ? "en_GB.UTF-8" : null).TwoLetterISOLanguageName);
    }

    [Fact]
    public async Task Validate_reports_every_error_one_per_line_in_french()
    {
        var (code, _, error) = await RunAsync("validate");
        Assert.Equal(2, code);
        Assert.Equal(
            ["conteneur1_name: valeur obligatoire manquante", "conteneur1_url: valeur obligatoire manquante"],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Validate_speaks_english_when_asked()
    {
        var (_, _, error) = await RunAsync("--lang", "en", "validate");
        Assert.Contains("conteneur1_name: required value missing", error);
    }

    [Fact]
    public async Task Set_then_get_prints_one_value_a_line()
    {
        Assert.Equal(0, (await RunAsync(["set", .. Container])).Code);
        Assert.Equal(0, (await RunAsync("set", "conteneur1_port_in=8080", "conteneur1_port_in=8443", "conteneur1_port_out=18081", "conteneur1_port_out=18443")).Code);

        var (code, output, _) = await RunAsync("get", "conteneur1_port_out");

        Assert.Equal(0, code);
        Assert.Equal("18081\n18443\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_refused_set_exits_2_names_the_variable_and_leaves_the_file_alone()
    {
        await RunAsync(["set", .. Container]);
        var before = await File.ReadAllBytesAsync(_root.Root.ConfigEol);

        var (code, _, error) = await RunAsync("set", "conteneur1_type", "jboss");

        Assert.Equal(2, code);
        Assert.StartsWith("conteneur1_type:", error);
        Assert.Equal(before, await File.ReadAllBytesAsync(_root.Root.ConfigEol));
    }

    [Fact]
    public async Task Get_of_an_unknown_variable_exits_2()
    {
        var (code, _, error) = await RunAsync("get", "nothing_like_this");
        Assert.Equal(2, code);
        Assert.StartsWith("nothing_like_this:", error);
    }

    [Fact]
    public async Task Render_writes_the_files_and_leaves_the_frontend_to_reconfigure()
    {
        await RunAsync(["set", .. Container]);
        var (code, output, _) = await RunAsync("render");

        Assert.Equal(0, code);
        Assert.Contains("/etc/eole/conteneur1-vars.conf", output);
        Assert.True(File.Exists(_root.Root.Resolve("/etc/eole/conteneur1-vars.conf")));
        Assert.False(File.Exists(_root.Root.Resolve("/etc/nginx/portique/frontend.conf")));
        Assert.Contains("aucun fichier modifié", (await RunAsync("render")).Output);
    }

    [Fact]
    public async Task Render_to_an_output_folder_writes_every_file_there_only()
    {
        await RunAsync(["set", .. Container]);
        var preview = _root.PathOf("preview");

        Assert.Equal(0, (await RunAsync("render", "--output", preview)).Code);

        Assert.True(File.Exists(Path.Join(preview, "etc/nginx/portique/services/conteneur1.conf")));
        Assert.False(File.Exists(_root.Root.Resolve("/etc/eole/conteneur1-vars.conf")));
    }

    [Fact]
    public async Task Variables_lists_families_and_variables_with_their_values()
    {
        await RunAsync(["set", .. Container]);
        var (code, output, _) = await RunAsync("variables");
        Assert.Equal(0, code);
        Assert.Contains("Conteneur-1", output);
        Assert.Contains("conteneur1_name", output);
        Assert.Contains("wiki", output);
    }
}

public class AssignmentsTests
{
    [Fact]
    public void The_classic_form_sets_one_variable_to_all_the_values()
    {
        var assignment = Assert.Single(Assignments.Parse(["conteneur1_port_in", "80", "443"]));
        Assert.Equal("conteneur1_port_in", assignment.Key);
        Assert.Equal(["80", "443"], assignment.Value);
    }

    [Fact]
    public void The_assignment_form_collects_repeated_names_and_empties_on_a_bare_equals()
    {
        var assignments = Assignments.Parse(["a=1", "b=", "a=2"]);
        Assert.Equal(["a", "b"], assignments.Select(a => a.Key));
        Assert.Equal(["1", "2"], assignments[0].Value);
        Assert.Empty(assignments[1].Value);
    }

    [Fact]
    public void A_value_may_contain_an_equals_sign()
    {
        var assignment = Assert.Single(Assignments.Parse(["conteneur1_environnement=KEY=VALUE"]));
        Assert.Equal("KEY=VALUE", Assert.Single(assignment.Value));
    }

    [Fact]
    public void An_assignment_without_a_name_is_refused() =>
        Assert.Throws<Portique.Core.InvalidInputException>(() => Assignments.Parse(["a=1", "=2"]));
}

[CollectionDefinition("cli", DisableParallelization = true)]
public sealed class CliCollection;
