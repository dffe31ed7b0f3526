using System.Diagnostics;
using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Portique.Templating;

namespace Portique.Benchmarks;

/// <summary>
/// Portique's Creole engine against its peer, Cheetah with EOLE's settings (Debian's python3-cheetah), in the
/// same run: the shipped per-container templates for 100 containers, parsed once, rendered round after round.
/// </summary>
internal static class CheetahComparison
{
    private const int Rounds = 200;

    public static async Task<int> RunAsync()
    {
        var distrib = Path.Join(AppContext.BaseDirectory, "share", "distrib");
        var sources = new[] { "conteneur-instance-vars.conf", "portique-service.conf" }
            .Select(name => File.ReadAllText(Path.Join(distrib, name)))
            .ToArray();
        var work = new List<(CreoleTemplate Template, ITemplateScope Scope)>();
        for (var n = 1; n <= ConfigurationBenchmarks.Containers; n++)
        {
            foreach (var source in sources)
            {
                var text = source.Replace("{N}", n.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
                work.Add((CreoleTemplate.Parse(text, "bench"), new DictionaryTemplateScope(Values(n))));
            }
        }

        long characters = 0;
        for (var warmup = 0; warmup < 20; warmup++)
        {
            characters = work.Sum(w => (long)w.Template.Render(w.Scope).Length);
        }

        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            characters = work.Sum(w => (long)w.Template.Render(w.Scope).Length);
        }

        var portique = clock.Elapsed.TotalMilliseconds / Rounds;
        var python = await Cli.Wrap("/usr/bin/python3")
            .WithArguments([Path.Join(AppContext.BaseDirectory, "cheetah_render.py"), distrib, Rounds.ToString(CultureInfo.InvariantCulture)])
            .ExecuteBufferedAsync();
        var peer = python.StandardOutput.Split(' ', StringSplitOptions.TrimEntries);
        var cheetah = double.Parse(peer[0], CultureInfo.InvariantCulture);

        Console.WriteLine("| templates, 100 containers (200 renders a round) | ms per round | characters |");
        Console.WriteLine("| --- | --- | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Portique Creole engine | {portique:0.000} | {characters} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Cheetah 3 (python3-cheetah, EOLE settings) | {cheetah:0.000} | {peer[1]} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio: Portique is {cheetah / portique:0.0}x as fast as Cheetah"));
        if (peer[1] != characters.ToString(CultureInfo.InvariantCulture))
        {
            // Timing two engines that render different text compares nothing: the values or helpers differ.
            Console.Error.WriteLine("the two engines rendered different lengths: the comparison is void");
            return 1;
        }

        return 0;
    }

    private static Dictionary<string, object?> Values(int n)
    {
        string Var(string suffix) => $"conteneur{n}_{suffix}";
        var ports = new long[] { 20000 + (n * 2), 20000 + (n * 2) + 1 };
        return new Dictionary<string, object?>
        {
            [Var("name")] = $"service{n}",
            [Var("type")] = "docker",
            [Var("url")] = $"team/app{n}",
            [Var("tag")] = "1.0",
            [Var("repository")] = "127.0.0.1:5000",
            [Var("mountpoint_in")] = new object?[] { new CreoleRow("/data", new Dictionary<string, object?> { [Var("mountpoint_out")] = $"/srv/service{n}" }) },
            [Var("port_in")] = new object?[]
            {
                new CreoleRow(8080L, new Dictionary<string, object?> { [Var("port_out")] = ports[0], [Var("port_proto")] = "tcp" }),
                new CreoleRow(8443L, new Dictionary<string, object?> { [Var("port_out")] = ports[1], [Var("port_proto")] = "tcp" }),
            },
            [Var("chemin_conserve")] = "non",
            ["portique_root"] = "",
        };
    }
}
