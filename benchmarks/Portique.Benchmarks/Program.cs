using BenchmarkDotNet.Running;
using Portique.Benchmarks;

// benchmarks/run.sh runs everything; alone:
//   dotnet run -c Release --project benchmarks/Portique.Benchmarks -- compare-cheetah
//   dotnet run -c Release --project benchmarks/Portique.Benchmarks -- --filter '*'
if (args is ["compare-cheetah"])
{
    return await CheetahComparison.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(ConfigurationBenchmarks).Assembly).Run(args);
return 0;
