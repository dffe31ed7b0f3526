using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portique.Configuration;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>EOLE's engine for the compatibility tests: Debian's python3-cheetah with EOLE's settings and helpers (EoleModule/eole_peer.py).</summary>
internal static class EolePeer
{
    /// <summary>Copies a module folder into the root as EOLE lays it out: dicos, distrib and config.eol.</summary>
    public static void Install(TempRoot temp, string module)
    {
        EoleCompatibilityTests.Copy(Path.Join(module, "dicos"), temp.Root.DictionariesDirectory);
        EoleCompatibilityTests.Copy(Path.Join(module, "distrib"), temp.Root.TemplatesDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(temp.Root.ConfigEol)!);
        File.Copy(Path.Join(module, "config.eol"), temp.Root.ConfigEol);
    }

    /// <summary>What templates see, without validation (empty values are not all valid): enabled variables, masters as rows.</summary>
    public static TemplateValues Values(EvaluatedConfiguration configuration)
    {
        var enabled = configuration.Variables.Where(v => !v.Disabled).ToArray();
        var masters = enabled.Where(v => v.IsMaster).ToDictionary(
            m => m.Name,
            m => new MasterRows(
                (object?[])m.TypedValue!,
                m.Slaves.Select(configuration.Find).Where(s => s is { Disabled: false })
                    .ToDictionary(s => s!.Name, s => (IReadOnlyList<object?>)(object?[])s!.TypedValue!, StringComparer.Ordinal)),
            StringComparer.Ordinal);
        return new TemplateValues(enabled.ToDictionary(v => v.Name, v => v.TypedValue, StringComparer.Ordinal), masters);
    }

    /// <summary>Renders <paramref name="sources"/> of the root's templates folder with EOLE's engine; fails the test if it cannot.</summary>
    public static Dictionary<string, string> Render(TempRoot temp, EvaluatedConfiguration configuration, IEnumerable<string> sources)
    {
        var values = Values(configuration);
        var variables = new JsonObject();
        foreach (var (name, value) in values.Variables)
        {
            variables[name] = values.Masters.TryGetValue(name, out var rows)
                ? new JsonObject
                {
                    ["master"] = ToJson(rows.MasterValues),
                    ["slaves"] = new JsonObject(rows.Slaves.Select(s => KeyValuePair.Create(s.Key, ToJson(s.Value)))),
                }
                : ToJson(value);
        }

        var request = new JsonObject
        {
            ["root"] = temp.Directory,
            ["distrib"] = temp.Root.TemplatesDirectory,
            ["variables"] = variables,
            ["templates"] = new JsonArray([.. sources.Distinct().Select(s => (JsonNode)s)]),
        };
        var requestPath = temp.PathOf("peer-request.json");
        File.WriteAllText(requestPath, request.ToJsonString());
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Join(AppContext.BaseDirectory, "EoleModule", "eole_peer.py"));
        start.ArgumentList.Add(requestPath);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "EOLE's engine (python3-cheetah, installed by scripts/install-deps.sh) failed: " + error);
        var results = JsonSerializer.Deserialize<Dictionary<string, string>>(output.Result)!;
        foreach (var (source, text) in results)
        {
            Assert.False(text.StartsWith("ERROR: ", StringComparison.Ordinal), source + ": " + text);
        }

        return results;
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        IEnumerable<object?> list => new JsonArray([.. list.Select(ToJson)]),
        _ => JsonValue.Create(value.ToString()),
    };

}
