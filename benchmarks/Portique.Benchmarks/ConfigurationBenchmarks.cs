using BenchmarkDotNet.Attributes;
using Portique.Configuration;
using Portique.Core;
using Portique.Orchestration;

namespace Portique.Benchmarks;

/// <summary>
/// Issue target: load, validate and render the shipped dictionaries with 100 containers in under 100 ms.
/// Each benchmark starts from the files on disk, as `portique validate` and `render` do.
/// </summary>
[MemoryDiagnoser]
public class ConfigurationBenchmarks
{
    public const int Containers = 100;

    private string _directory = "";
    private Workspace _workspace = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("portique-bench-").FullName;
        var root = new PortiqueRoot(_directory);
        _workspace = new Workspace(root, Path.Join(AppContext.BaseDirectory, "share"));
        ConfigEolFile.Save(root.ConfigEol, HundredContainers(_workspace));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>A config.eol with 100 valid docker containers, each with two ports and a volume.</summary>
    public static ConfigValues HundredContainers(Workspace workspace) =>
        workspace.Evaluate(ConfigValues.Empty).SetValues(HundredContainersAssignments(), Owners.Portique);

    /// <summary>What <c>portique set</c> receives to create <see cref="HundredContainers"/> in one command.</summary>
    public static IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> HundredContainersAssignments()
    {
        var assignments = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        void Set(string name, params string[] items) => assignments.Add(new(name, items));
        Set("nombre_conteneur", Containers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var n = 1; n <= Containers; n++)
        {
            string Port(int offset) => (20000 + n * 2 + offset).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Set($"conteneur{n}_name", $"service{n}");
            Set($"conteneur{n}_url", $"team/app{n}");
            Set($"conteneur{n}_tag", "1.0");
            Set($"conteneur{n}_repository", "127.0.0.1:5000");
            Set($"conteneur{n}_port_in", "8080", "8443");
            Set($"conteneur{n}_port_out", Port(0), Port(1));
            Set($"conteneur{n}_mountpoint_in", "/data");
            Set($"conteneur{n}_mountpoint_out", $"/srv/service{n}");
        }

        return assignments;
    }

    /// <summary>
    /// <c>portique set</c> of 100 new containers (801 variables) on an empty configuration, as checked before saving:
    /// the configuration is evaluated when a variable is not declared yet, not once per variable (12.7 s before, for
    /// the 601 variables of the compose benchmark's 100 containers).
    /// </summary>
    [Benchmark]
    public int SetAHundredNewContainersInOneCommand()
    {
        var (_, report, refused) = _workspace.Check(_workspace.Evaluate(ConfigValues.Empty), HundredContainersAssignments(), Owners.Portique);
        return report.Problems.Count + refused.Count;
    }

    [Benchmark]
    public int LoadAndValidate()
    {
        var workspace = Fresh();
        var configuration = workspace.Evaluate();
        return workspace.Validate(configuration).Problems.Count;
    }

    [Benchmark]
    public int LoadValidateAndRender()
    {
        var workspace = Fresh();
        var configuration = workspace.Evaluate();
        var problems = workspace.Validate(configuration).Problems.Count;
        return problems + workspace.RenderAll(configuration).Sum(f => f.Content?.Length ?? 0);
    }

    /// <summary>A workspace as a new process has it: nothing parsed yet (a workspace keeps the templates it parsed).</summary>
    private Workspace Fresh() => new(_workspace.Root, Path.Join(AppContext.BaseDirectory, "share"));
}
