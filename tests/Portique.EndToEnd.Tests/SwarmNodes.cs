using System.Text;
using CliWrap.Buffered;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// A real swarm of three nodes on this machine (<c>scripts/swarm-nodes.sh</c>): three dockerd, each in its own network
/// namespace on one bridge, node 1 the manager, and the local registry relayed at <see cref="Registry"/>.
/// </summary>
public sealed class SwarmNodes : IAsyncDisposable
{
    private static readonly string Script = Path.Join(AppContext.BaseDirectory, "swarm-nodes.sh");

    /// <summary>The registry every node pulls from: the local registry, relayed on the bridge.</summary>
    public const string Registry = "10.249.0.1:5000";

    /// <summary>The manager's Engine API: what Portique is given as <c>DOCKER_HOST</c>.</summary>
    public static string ManagerEndpoint => Endpoint(1);

    public static string Endpoint(int node) => $"unix:///run/ptqnode{node}/docker.sock";

    /// <summary>Node <paramref name="node"/>'s address on the bridge.</summary>
    public static string Address(int node) => $"10.249.0.1{node}";

    public static string HostName(int node) => $"ptqnode{node}";

    public static async Task<SwarmNodes> StartAsync()
    {
        // A run killed earlier may have left nodes: start from nothing.
        await RunAsync(Script, "down");
        var up = await RunAsync(Script, "up", "3");
        Assert.True(up.ExitCode == 0, $"scripts/swarm-nodes.sh up exited {up.ExitCode}:\n{up.StandardOutput}\n{up.StandardError}");
        return new SwarmNodes();
    }

    /// <summary><c>docker -H NODE args...</c>, asserted to succeed; its output.</summary>
    public static async Task<string> DockerAsync(int node, params string[] args)
    {
        var result = await RunAsync("docker", ["-H", Endpoint(node), .. args]);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} on node {node} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>The nodes the running tasks of <paramref name="service"/> are on, by host name.</summary>
    public static async Task<IReadOnlyList<string>> RunningTaskNodesAsync(string service) =>
        (await DockerAsync(1, "service", "ps", service, "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains(" Running ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[0])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The node is lost as a machine is: every process in its namespace (dockerd, containerd, its tasks) is killed and
    /// its link to the bridge goes down, so its address no longer answers at all.
    /// </summary>
    public static async Task LoseAsync(int node)
    {
        var pids = await RunAsync("ip", "netns", "pids", HostName(node));
        foreach (var pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await RunAsync("kill", "-9", pid.Trim());
        }

        await RunAsync("ip", "link", "set", "ptqv" + node, "down");
    }

    public async ValueTask DisposeAsync() => await RunAsync(Script, "down");

    private static async Task<BufferedCommandResult> RunAsync(string program, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await CliWrap.Cli.Wrap(program == Script ? "bash" : program)
            .WithArguments(program == Script ? [Script, .. args] : args)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, timeout.Token);
    }
}
