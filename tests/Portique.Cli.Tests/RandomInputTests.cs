using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CliWrap.Buffered;
using FsCheck;
using FsCheck.Xunit;
using Portique.Configuration;
using Portique.Orchestration;
using Portique.TestSupport;

namespace Portique.Cli.Tests;

/// <summary>
/// Whatever value an administrator gives any variable, through <c>set</c> or by editing config.eol by hand: exit code
/// 0 or 2, never a stack trace, config.eol byte-identical when refused, and an answer within seconds. Many cases in
/// process, a bounded number through the real executable.
/// </summary>
[Collection("cli")]
public sealed class RandomInputTests
{
    private static readonly TimeSpan InProcessLimit = TimeSpan.FromSeconds(10);

    /// <summary>Every variable of the shipped dictionaries with one container, plus one of a container beyond the count.</summary>
    private static readonly string[] VariableNames = LoadVariableNames();

    private static string[] LoadVariableNames()
    {
        using var root = new TempRoot("portique-names-");
        var workspace = new Workspace(root.Root, Workspace.DefaultShippedDirectory);
        return [.. workspace.Evaluate().Variables.Select(v => v.Name), "conteneur3_port_out"];
    }

    /// <summary>Random text, random integers of any size, and the forms that once crashed (hex, full-width digits...).</summary>
    private static string ValueFrom(string? text, long number, byte shape) => (shape % 6) switch
    {
        0 => text ?? "",
        1 => number.ToString(CultureInfo.InvariantCulture),
        2 => number.ToString(CultureInfo.InvariantCulture) + "9999999999",
        3 => "0x" + number.ToString("x", CultureInfo.InvariantCulture),
        4 => string.Concat(Math.Abs(number % 100000).ToString(CultureInfo.InvariantCulture).Select(c => (char)('０' + (c - '0')))),
        _ => "--" + (text ?? "help"),
    };

    private static string ConfigEolWith(string name, string value)
    {
        var document = new JsonObject
        {
            ["conteneur1_name"] = new JsonObject { ["owner"] = "x", ["val"] = "wiki" },
            ["conteneur1_url"] = new JsonObject { ["owner"] = "x", ["val"] = "team/wiki" },
            ["conteneur1_port_in"] = new JsonObject { ["owner"] = "x", ["val"] = new JsonArray("80") },
            ["conteneur1_port_out"] = new JsonObject { ["owner"] = "x", ["val"] = new JsonArray("18601") },
        };
        JsonNode item = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(value);
        document[name] = new JsonObject { ["owner"] = "x", ["val"] = name.Contains("port", StringComparison.Ordinal) ? new JsonArray(item) : item };
        return document.ToJsonString();
    }

    private static async Task<(int Code, string Output, string Error)> InProcessAsync(TempRoot root, params string[] args)
    {
        var run = Task.Run(() => CliTests.RunInProcessAsync(root, args));
        Assert.True(run == await Task.WhenAny(run, Task.Delay(InProcessLimit)), $"portique {string.Join(' ', args)} did not return within {InProcessLimit.TotalSeconds} s");
        return await run;
    }

    private static void AssertAnswer(int code, string error, byte[] before, byte[] after, string what)
    {
        Assert.True(code is 0 or 2, $"{what}: exit {code}\n{error}");
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        if (code == 2)
        {
            Assert.Equal(before, after);
        }
    }

    private static byte[] Bytes(TempRoot root) => File.Exists(root.Root.ConfigEol) ? File.ReadAllBytes(root.Root.ConfigEol) : [];

    [Property(MaxTest = 250)]
    public void Any_value_given_to_set_in_process_is_saved_or_refused_with_exit_2(string? text, long number, byte shape, byte pick)
    {
        using var root = new TempRoot("portique-fuzz-");
        var name = VariableNames[pick % VariableNames.Length];
        var value = ValueFrom(text, number, shape);
        var before = Bytes(root);

        var (code, _, error) = InProcessAsync(root, "set", name, value).GetAwaiter().GetResult();

        AssertAnswer(code, error, before, Bytes(root), $"set {name} {value}");
    }

    [Property(MaxTest = 150)]
    public void Any_value_written_by_hand_is_reported_by_every_verb_in_process(string? text, long number, byte shape, byte pick)
    {
        using var root = new TempRoot("portique-fuzz-");
        var name = VariableNames[pick % VariableNames.Length];
        Directory.CreateDirectory(Path.GetDirectoryName(root.Root.ConfigEol)!);
        File.WriteAllText(root.Root.ConfigEol, ConfigEolWith(name, ValueFrom(text, number, shape)));
        var before = Bytes(root);

        foreach (var verb in new[] { new[] { "validate" }, ["variables"], ["get", name], ["set", "conteneur1_tag", "1.0"] })
        {
            var (code, _, error) = InProcessAsync(root, verb).GetAwaiter().GetResult();
            AssertAnswer(code, error, before, Bytes(root), string.Join(' ', verb) + " with " + name);
        }
    }

    [Property(MaxTest = 8)]
    public void Any_value_through_the_real_executable_answers_0_or_2_within_seconds(string? text, long number, byte shape, byte pick)
    {
        using var root = new TempRoot("portique-fuzz-");
        var name = VariableNames[pick % VariableNames.Length];
        var value = ValueFrom(text, number, shape);

        var set = RunExecutable(root, "set", name, value);
        AssertAnswer(set.ExitCode, set.StandardError, [], Bytes(root), $"set {name} {value}");

        Directory.CreateDirectory(Path.GetDirectoryName(root.Root.ConfigEol)!);
        File.WriteAllText(root.Root.ConfigEol, ConfigEolWith(name, value));
        var before = Bytes(root);
        var validate = RunExecutable(root, "validate");
        AssertAnswer(validate.ExitCode, validate.StandardError, before, Bytes(root), $"validate with {name}={value}");
    }

    [Fact]
    public void Help_through_the_real_executable_follows_an_english_lang()
    {
        using var root = new TempRoot("portique-help-");
        var english = RunExecutable(root, ("LANG", "en_US.UTF-8"), "--help");
        var french = RunExecutable(root, ("LANG", "fr_FR.UTF-8"), "--help");
        Assert.Contains("Exit codes", english.StandardOutput);
        Assert.DoesNotContain("Codes de sortie", english.StandardOutput);
        Assert.Contains("Codes de sortie", french.StandardOutput);
    }

    [Fact]
    public void A_huge_count_through_the_real_executable_is_one_line_at_once()
    {
        using var root = new TempRoot("portique-count-");
        var result = RunExecutable(root, "set", "nombre_conteneur", "9223372036854775807");
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Pairs_of_concurrent_set_processes_both_keep_their_change()
    {
        using var root = new TempRoot("portique-pairs-");
        for (var pair = 0; pair < 4; pair++)
        {
            var tag = Task.Run(() => RunExecutable(root, "set", "conteneur1_tag", $"t{pair}"));
            var registry = Task.Run(() => RunExecutable(root, "set", "conteneur1_repository", $"r{pair}.example"));
            var results = await Task.WhenAll(tag, registry);

            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StandardError));
            var values = ConfigEolFile.Load(root.Root.ConfigEol);
            Assert.Equal(($"t{pair}", $"r{pair}.example"), (values.Get("conteneur1_tag")!.Items[0], values.Get("conteneur1_repository")!.Items[0]));
        }
    }

    private static BufferedCommandResult RunExecutable(TempRoot root, params string[] args) => RunExecutable(root, ("LANG", "fr_FR.UTF-8"), args);

    private static BufferedCommandResult RunExecutable(TempRoot root, (string Name, string Value) environment, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return PortiqueExecutable.Command(["--root", root.Directory, .. args])
            .WithEnvironmentVariables(e => e.Set(environment.Name, environment.Value).Set("LC_ALL", null).Set("LC_MESSAGES", null))
            .ExecuteBufferedAsync(Encoding.UTF8, timeout.Token)
            .GetAwaiter().GetResult();
    }
}
