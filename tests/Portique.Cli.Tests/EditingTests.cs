using System.Text;
using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>Editing as an EOLE administrator: one variable at a time, drafts, no crash, one language at a time.</summary>
[Collection("cli")]
public sealed class EditingTests : IDisposable
{
    private readonly TempRoot _root = new("portique-edit-");

    public void Dispose() => _root.Dispose();

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliTests.RunInProcessAsync(_root, args);

    private byte[] ConfigBytes() => File.Exists(_root.Root.ConfigEol) ? File.ReadAllBytes(_root.Root.ConfigEol) : [];

    private void HandEdit(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_root.Root.ConfigEol)!);
        File.WriteAllText(_root.Root.ConfigEol, json);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task A_fresh_root_accepts_one_variable_at_a_time_in_any_order_then_validates()
    {
        string[][] steps =
        [
            ["set", "nombre_conteneur", "2"],
            ["set", "conteneur2_port_out", "18202"],
            ["set", "conteneur2_url", "team/api"],
            ["set", "conteneur1_name", "wiki"],
            ["set", "conteneur2_port_in", "8080"],
            ["set", "conteneur1_url", "team/wiki"],
            ["set", "conteneur2_name", "api"],
        ];
        foreach (var step in steps)
        {
            var (code, _, error) = await RunAsync(step);
            Assert.True(code == 0, $"{string.Join(' ', step)} exited {code}: {error}");
        }

        var (validate, output, validateError) = await RunAsync("validate");
        Assert.True(validate == 0, validateError);
        Assert.Contains("2", output);
    }

    [Fact]
    public async Task Set_saves_an_incomplete_configuration_and_lists_what_remains_to_complete()
    {
        var (code, output, error) = await RunAsync("set", "nombre_conteneur", "2");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(["à compléter : conteneur1_name, conteneur1_url, conteneur2_name, conteneur2_url"], Lines(output));
        Assert.Equal("2", (await RunAsync("get", "nombre_conteneur")).Output.Trim());
    }

    [Fact]
    public async Task Validate_refuses_the_incomplete_configuration_that_set_accepted()
    {
        await RunAsync("set", "nombre_conteneur", "2");
        var (code, _, error) = await RunAsync("validate");
        Assert.Equal(2, code);
        Assert.Equal(4, Lines(error).Length);
    }

    [Fact]
    public async Task Set_refuses_a_change_that_creates_a_conflict_with_another_container_and_leaves_the_file_alone()
    {
        Assert.Equal(0, (await RunAsync("set", "nombre_conteneur=2", "conteneur1_name=wiki", "conteneur1_url=team/wiki", "conteneur1_port_in=80", "conteneur1_port_out=18301")).Code);
        Assert.Equal(0, (await RunAsync("set", "conteneur2_name", "api")).Code);
        var before = ConfigBytes();

        var (code, _, error) = await RunAsync("set", "conteneur2_name", "wiki");

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("conteneur2_name:", line);
        Assert.Contains("conteneur1_name", line);
        Assert.Equal(before, ConfigBytes());
    }

    [Fact]
    public async Task A_change_elsewhere_is_saved_while_an_older_invalid_value_stays_and_is_mentioned()
    {
        HandEdit("""{"conteneur1_name": {"owner": "x", "val": "Not A Name"}}""");

        var (code, output, error) = await RunAsync("set", "conteneur1_url", "team/wiki");

        Assert.Equal(0, code);
        Assert.Contains("conteneur1_name", error);
        Assert.DoesNotContain("conteneur1_url", output);
        Assert.Equal("team/wiki", (await RunAsync("get", "conteneur1_url")).Output.Trim());
    }

    [Fact]
    public async Task Setting_a_variable_that_stays_invalid_is_refused_even_when_it_was_invalid_before()
    {
        HandEdit("""{"conteneur1_name": {"owner": "x", "val": "Not A Name"}}""");
        var before = ConfigBytes();
        Assert.Equal(2, (await RunAsync("set", "conteneur1_name", "Still Wrong")).Code);
        Assert.Equal(before, ConfigBytes());
    }

    public static TheoryData<string> BadPorts => ["abc", "99999999999999999999", "0x50", "８０", "-1", "0", "65536", " 80"];

    [Theory]
    [MemberData(nameof(BadPorts))]
    public async Task A_bad_port_given_to_set_is_one_error_naming_the_variable(string port)
    {
        await RunAsync("set", "conteneur1_name=wiki", "conteneur1_url=team/wiki", "conteneur1_port_in=80", "conteneur1_port_out=18401");
        var before = ConfigBytes();

        var (code, _, error) = await RunAsync("set", "conteneur1_port_out", port);

        Assert.Equal(2, code);
        Assert.StartsWith("conteneur1_port_out:", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(before, ConfigBytes());
    }

    [Theory]
    [MemberData(nameof(BadPorts))]
    public async Task A_bad_port_written_by_hand_is_reported_by_every_verb_without_a_crash(string port)
    {
        HandEdit($$$"""
            {"conteneur1_name": {"owner": "x", "val": "wiki"}, "conteneur1_url": {"owner": "x", "val": "team/wiki"},
             "conteneur1_port_in": {"owner": "x", "val": ["80"]}, "conteneur1_port_out": {"owner": "x", "val": ["{{{port}}}"]}}
            """);
        var before = ConfigBytes();

        foreach (var verb in new[] { "validate", "render", "plan" })
        {
            var (code, _, error) = await RunAsync(verb);
            Assert.True(code == 2, $"{verb} exited {code}: {error}");
            Assert.Contains("conteneur1_port_out:", error);
            Assert.DoesNotContain("   at ", error);
        }

        Assert.Equal(0, (await RunAsync("get", "conteneur1_port_out")).Code);
        Assert.Equal(0, (await RunAsync("variables")).Code);
        Assert.Equal(0, (await RunAsync("set", "conteneur1_tag", "1.0")).Code);
        Assert.Equal(0, (await RunAsync("set", "conteneur1_port_out", "18402")).Code);
        Assert.NotEqual(before, ConfigBytes());
        Assert.Equal(0, (await RunAsync("validate")).Code);
    }

    [Fact]
    public async Task Status_shows_what_runs_and_names_a_bad_value_written_by_hand()
    {
        HandEdit("""
            {"conteneur1_name": {"owner": "x", "val": "i8status"}, "conteneur1_url": {"owner": "x", "val": "team/wiki"},
             "conteneur1_port_in": {"owner": "x", "val": ["80"]}, "conteneur1_port_out": {"owner": "x", "val": ["0x50"]}}
            """);

        var (code, output, error) = await RunAsync("status");

        Assert.Equal(0, code);
        Assert.Contains("i8status", output);
        Assert.Contains("conteneur1_port_out:", error);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("4294967296")]
    [InlineData("501")]
    [InlineData("-1")]
    public async Task An_out_of_range_count_is_one_line_and_returns_at_once(string count)
    {
        var set = RunAsync("set", "nombre_conteneur", count);
        Assert.Same(set, await Task.WhenAny(set, Task.Delay(TimeSpan.FromSeconds(20))));
        var (code, _, error) = await set;
        Assert.Equal(2, code);
        Assert.Equal(["nombre_conteneur: « " + count + " » doit être compris entre 0 et 500"], Lines(error));

        HandEdit($$$"""{"nombre_conteneur": {"owner": "x", "val": {{{count}}}}}""");
        var validate = RunAsync("validate");
        Assert.Same(validate, await Task.WhenAny(validate, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Single(Lines((await validate).Error));
    }

    [Fact]
    public async Task A_value_that_looks_like_an_option_after_set_var_is_a_value_never_help()
    {
        await RunAsync("set", "conteneur1_name=wiki");
        var before = ConfigBytes();

        var (code, output, error) = await RunAsync("set", "conteneur1_url", "--help");

        Assert.Equal(2, code);
        Assert.DoesNotContain("Usage", output + error);
        Assert.StartsWith("conteneur1_url:", error);
        Assert.Equal(before, ConfigBytes());
    }

    [Fact]
    public async Task A_value_starting_with_a_dash_is_stored_as_given()
    {
        Assert.Equal(0, (await RunAsync("set", "conteneur1_environnement", "A=-x", "B=--y")).Code);
        Assert.Equal("A=-x\nB=--y\n", (await RunAsync("get", "conteneur1_environnement")).Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Help_speaks_french_by_default_and_english_when_asked_one_language_at_a_time()
    {
        var french = (await RunAsync("--help")).Output;
        var english = (await RunAsync("--lang", "en", "--help")).Output;
        var setHelp = (await RunAsync("--lang", "en", "set", "--help")).Output;

        Assert.Contains("Codes de sortie", french);
        Assert.DoesNotContain("exit codes", french, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Exit codes", english);
        Assert.DoesNotContain("Codes de sortie", english);
        Assert.DoesNotContain("Affiche", english);
        Assert.Contains("one at a time", setHelp);
        Assert.DoesNotContain(" / ", french);
        // System.CommandLine's own lines (headings, the help option) follow the language too.
        Assert.Contains("Utilisation", french);
        Assert.Contains("Affiche l'aide", french);
        Assert.DoesNotContain("Show help", french);
        Assert.DoesNotContain("Usage:", french);
        Assert.Contains("Usage:", english);
        Assert.DoesNotContain("Utilisation", english);
    }

    [Fact]
    public async Task Variables_shows_the_technology_as_an_enum_with_its_allowed_values()
    {
        var (_, output, _) = await RunAsync("variables");
        var line = Assert.Single(Lines(output), l => l.Contains("conteneur1_type", StringComparison.Ordinal));
        Assert.Contains("enum (docker, docker+git", line);
    }

    [Fact]
    public async Task Latin1_bytes_in_config_eol_are_refused_and_never_rewritten()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_root.Root.ConfigEol)!);
        var latin1 = Encoding.Latin1.GetBytes("""{"conteneur1_name": {"owner": "x", "val": "wiki"}, "conteneur1_url": {"owner": "x", "val": "équipe"}}""");
        File.WriteAllBytes(_root.Root.ConfigEol, latin1);

        var (code, _, error) = await RunAsync("set", "conteneur1_tag", "1.0");

        Assert.Equal(2, code);
        Assert.Contains("UTF-8", error);
        Assert.Equal(latin1, ConfigBytes());
        Assert.Equal(2, (await RunAsync("validate")).Code);
    }

    [Fact]
    public async Task A_bare_value_without_owner_and_val_is_reported()
    {
        HandEdit("""{"___version___": "2.8.1", "conteneur1_name": "wiki"}""");
        var (code, _, error) = await RunAsync("validate");
        Assert.Equal(2, code);
        Assert.Equal(["conteneur1_name: la valeur doit s'écrire {\"owner\": \"…\", \"val\": …}, pas seule"], Lines(error));
    }

    [Fact]
    public async Task The_verbs_that_only_look_write_nothing_under_the_root()
    {
        await RunAsync("set", "conteneur1_name=i8look", "conteneur1_url=team/wiki", "conteneur1_port_in=80", "conteneur1_port_out=18501");
        string[] Snapshot() => Directory.EnumerateFileSystemEntries(_root.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var before = Snapshot();

        foreach (var verb in new[] { new[] { "validate" }, ["variables"], ["get", "conteneur1_name"], ["plan"], ["status"] })
        {
            var (code, _, error) = await RunAsync(verb);
            Assert.True(code is 0 or 3, $"{verb[0]} exited {code}: {error}");
            Assert.Equal(before, Snapshot());
        }
    }

    [Fact]
    public void A_writer_that_cannot_get_the_lock_in_time_fails_naming_who_holds_it()
    {
        using var held = ConfigEolLock.Acquire(_root.Root, "genconfig (test)", TimeSpan.FromSeconds(1), CancellationToken.None);
        var workspace = new Workspace(_root.Root, Workspace.DefaultShippedDirectory) { WriteLockTimeout = TimeSpan.FromMilliseconds(300) };

        var error = Assert.Throws<RuntimeFailureException>(() => workspace.Set([new("conteneur1_name", ["wiki"])], Owners.Portique));

        Assert.Contains("genconfig (test)", error.Message);
        Assert.False(File.Exists(_root.Root.ConfigEol));
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_change()
    {
        var workspace = new Workspace(_root.Root, Workspace.DefaultShippedDirectory);
        var writers = Enumerable.Range(1, 2).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 15; i++)
            {
                workspace.Set([new($"conteneur1_environnement", [])], Owners.Portique);
                workspace.Set([new(writer == 1 ? "conteneur1_tag" : "conteneur1_repository", [writer == 1 ? $"t{i}" : $"r{i}.example"])], Owners.Portique);
            }
        })).ToArray();
        await Task.WhenAll(writers);

        Assert.Equal("t14", (await RunAsync("get", "conteneur1_tag")).Output.Trim());
        Assert.Equal("r14.example", (await RunAsync("get", "conteneur1_repository")).Output.Trim());
    }

    [Fact]
    public async Task A_save_made_from_an_older_version_of_config_eol_is_refused()
    {
        var workspace = new Workspace(_root.Root, Workspace.DefaultShippedDirectory);
        var version = workspace.ConfigVersion();
        await RunAsync("set", "conteneur1_name", "wiki");
        var before = ConfigBytes();

        var error = Assert.Throws<ConfigurationInvalidException>(() => workspace.Set([new("conteneur1_url", ["team/wiki"])], Owners.GenConfig, version));

        Assert.Contains("recharg", error.Message);
        Assert.Equal(before, ConfigBytes());
    }
}

public sealed class ProgressLineTests
{
    [Fact]
    public void A_long_progress_message_stays_on_one_line()
    {
        using var output = new StringWriter();
        var message = "pull 127.0.0.1:5000/team/wiki:9.9 failed: manifest for 127.0.0.1:5000/team/wiki:9.9 not found: manifest unknown: "
            + string.Concat(Enumerable.Repeat("the registry does not know this tag ", 8));
        var progress = new ConsoleProgress(PortiqueCommandLine.CreateConsole(output, lineWidth: 100_000));

        progress.Report(new Portique.Planning.ReconcileEvent(Portique.Planning.EventKind.Error, "wiki", message));

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("manifest for 127.0.0.1:5000/team/wiki:9.9 not found", line);
    }
}

public sealed class ArgumentTests
{
    [Theory]
    [InlineData("set conteneur1_url --help", "set -- conteneur1_url --help")]
    [InlineData("--root /r --lang en set conteneur1_url -x", "--root /r --lang en set -- conteneur1_url -x")]
    [InlineData("set a=1 b=--x", "set -- a=1 b=--x")]
    [InlineData("set --help", "set --help")]
    [InlineData("validate --lang en", "validate --lang en")]
    public void After_set_var_every_word_is_a_value(string given, string expected) =>
        Assert.Equal(expected.Split(' '), PortiqueCommandLine.ValuesAfterSetVariable(given.Split(' ')));

    [Theory]
    [InlineData("--lang en validate", "en")]
    [InlineData("validate --lang=en", "en")]
    [InlineData("set -- conteneur1_environnement --lang en", null)]
    [InlineData("validate", null)]
    public void The_language_is_read_from_the_options_never_from_values(string args, string? expected) =>
        Assert.Equal(expected, PortiqueCommandLine.LanguageOf(args.Split(' ')));
}
