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
    public static ConfigValues HundredContainers(Workspace workspace)
    {
        var values = ConfigValues.Empty;
        void Set(string name, params string[] items) => values = workspace.Evaluate(values).SetValue(name, items, Owners.Portique);
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

        return values;
    }

    [Benchmark]
    public int LoadAndValidate()
    {
        var configuration = _workspace.Evaluate();
        return _workspace.Validate(configuration).Problems.Count;
    }

    [Benchmark]
    public int LoadValidateAndRender()
    {
        var configuration = _workspace.Evaluate();
        var problems = _workspace.Validate(configuration).Problems.Count;
        return problems + _workspace.RenderAll(configuration).Sum(f => f.Content?.Length ?? 0);
    }
}
