using Portique.Configuration;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>A temporary root with the shipped dictionaries, and a way to store values without validation.</summary>
internal sealed class Sandbox : IDisposable
{
    public TempRoot Temp { get; } = new("portique-orch-");

    public Workspace Workspace => new(Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));

    /// <summary>Writes config.eol directly (bypassing validation) to set up a case.</summary>
    public void Store(params (string Name, string[] Values)[] values)
    {
        var workspace = Workspace;
        var current = workspace.LoadValues();
        foreach (var (name, items) in values)
        {
            current = workspace.Evaluate(current).SetValue(name, items, Owners.Portique);
        }

        ConfigEolFile.Save(Temp.Root.ConfigEol, current);
    }

    /// <summary>One valid docker container as N.</summary>
    public static (string, string[])[] Container(int n, string name, int hostPort) =>
    [
        ($"conteneur{n}_name", [name]),
        ($"conteneur{n}_url", ["team/" + name]),
        ($"conteneur{n}_tag", ["1.0"]),
        ($"conteneur{n}_repository", ["127.0.0.1:5000"]),
        ($"conteneur{n}_port_in", ["8080"]),
        ($"conteneur{n}_port_out", [hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
    ];

    public void Dispose() => Temp.Dispose();
}
