using System.Diagnostics;
using System.Text;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Portique.Frontend.Nginx;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// One Portique root under test, driven through the real <c>portique</c> executable (a separate process, so
/// kill -9 and concurrent runs are real), with its own nginx ports and its own images in the local registry.
/// </summary>
public sealed class Deployment : IAsyncLifetime
{
    public TempRoot Root { get; } = new("portique-e2e-");

    public TestImages Images { get; } = new();

    public int HttpPort { get; } = TestPorts.FreePort();

    public int HttpsPort { get; } = TestPorts.FreePort();

    /// <summary>Variables given to every <c>portique</c> run besides the test's own (<c>DOCKER_HOST</c> of another dockerd).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        await RequiredServices.RegistryAsync();
        await RequiredServices.GitAsync();
        await RequiredServices.NginxAsync();
        await Images.InitializeAsync();
        Images.TrackRoot(Root.Directory);
    }

    public async Task DisposeAsync()
    {
        try
        {
            // Portique removes what it owns in every engine (podman, swarm, lxc, vagrant...) when nothing is configured.
            if (File.Exists(Root.Root.ConfigEol))
            {
                await RunAsync("set", "nombre_conteneur", "0");
                await RunAsync("reconfigure");
            }

            await new NginxFrontend(Root.Root).StopAsync(CancellationToken.None);
            // Turning the network off does not remove it yet (docs/network.md): docker's network, then the bridge, its
            // rules and its dnsmasq, while the pid file that names it still exists.
            var network = "portique-" + Core.PrivateNetwork.RootTag(Root.Directory);
            await CliWrap.Cli.Wrap("docker").WithArguments(["network", "rm", network, network + "-swarm"])
                .WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync();
            await CliWrap.Cli.Wrap("docker").WithArguments(["network", "rm", network + "-swarm-config"])
                .WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync();
            await new Orchestration.PrivateBridge(Root.Root).RemoveAsync(CancellationToken.None);
        }
        finally
        {
            await Images.DisposeAsync();
            Root.Dispose();
        }
    }

    /// <summary>Runs <c>portique --root ROOT args...</c> to its end.</summary>
    public async Task<BufferedCommandResult> RunAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        return await Command(args).ExecuteBufferedAsync(Encoding.UTF8, timeout.Token);
    }

    /// <summary>Runs and asserts exit code 0, showing the output when not.</summary>
    public async Task<BufferedCommandResult> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"portique {string.Join(' ', args)} exited {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        return result;
    }

    public CliWrap.Command Command(IReadOnlyList<string> args) =>
        PortiqueExecutable.Command(["--root", Root.Directory, "--lang", "en", .. args]).WithEnvironmentVariables(Environment);

    /// <summary>Starts the executable as a plain process (for kill -9).</summary>
    public Process Start(params string[] args)
    {
        var info = PortiqueExecutable.StartInfo(["--root", Root.Directory, "--lang", "en", .. args]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    /// <summary>The <c>set VAR=VALUE...</c> for the frontend ports plus the given assignments.</summary>
    public Task<BufferedCommandResult> ConfigureAsync(params string[] assignments) =>
        SucceedAsync(["set", $"frontal_port_http={HttpPort}", $"frontal_port_https={HttpsPort}", .. assignments]);

    /// <summary>Assignments for container N of technology docker, serving an image pushed to the local registry.</summary>
    public string[] DockerService(int n, string name, string image, string tag, int hostPort) =>
    [
        $"conteneur{n}_name={name}",
        $"conteneur{n}_type=docker",
        $"conteneur{n}_url={image}",
        $"conteneur{n}_tag={tag}",
        $"conteneur{n}_repository={RequiredServices.Registry}",
        $"conteneur{n}_port_in=8080",
        $"conteneur{n}_port_out={hostPort}",
        $"conteneur{n}_mountpoint_in=/data",
        $"conteneur{n}_mountpoint_out={Root.PathOf("srv", name)}",
    ];

    /// <summary>Waits (<paramref name="within"/> at most) until the page at <paramref name="path"/> says <paramref name="expected"/>.</summary>
    public async Task WaitForPageAsync(string path, string expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(path);
            if (last.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{path} did not say '{expected}' within {within.TotalSeconds} s; last: {last}");
    }

    public async Task<string> GetAsync(string path) =>
        await HttpProbe.GetStringAsync($"http://127.0.0.1:{HttpPort}{path}", TimeSpan.FromSeconds(10));

    /// <summary>Every container of this root, by name (aside ones included).</summary>
    public async Task<IReadOnlyList<ContainerListResponse>> ContainersAsync() =>
        (await Images.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"portique.root={Root.Directory}"] = true },
            },
        })).ToList();

    public async Task<string> ContainerIdAsync(string name) =>
        Assert.Single(await ContainersAsync(), c => c.Names.Contains("/" + name)).ID;

    /// <summary>
    /// Every file Portique keeps under the root (config.eol, generated files, nginx configuration, certificates, state),
    /// each as its size, sha256 and modification time: equal snapshots mean nothing was written, not even rewritten
    /// with the same content. Left out: <c>run/</c> (pid files, nginx's temporary folders) and <c>var/log/</c> (nginx's
    /// access log grows with every request).
    /// </summary>
    public SortedDictionary<string, string> FileTree()
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Root.Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(Root.Directory, file);
            if (relative.StartsWith("run/", StringComparison.Ordinal) || relative.StartsWith("var/log/", StringComparison.Ordinal)
                || relative.StartsWith("srv/", StringComparison.Ordinal))
            {
                continue;
            }

            var info = new FileInfo(file);
            if (info.LinkTarget is not null)
            {
                tree[relative] = "-> " + info.LinkTarget;
                continue;
            }

            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
            tree[relative] = $"{info.Length} {hash[..16]} {info.LastWriteTimeUtc:O}";
        }

        return tree;
    }

    /// <summary>Every container of this root as <c>name id state</c>: equal snapshots mean none was created, removed, started or stopped.</summary>
    public async Task<IReadOnlyList<string>> ContainerStatesAsync() =>
        (await ContainersAsync()).Select(c => $"{string.Join(",", c.Names)} {c.ID} {c.State} {c.Created:O}").Order(StringComparer.Ordinal).ToList();

    /// <summary>The nginx master's worker pids: a reload replaces them, so equal sets mean no reload.</summary>
    public IReadOnlySet<int> NginxWorkers()
    {
        var pidFile = Root.PathOf("run", "portique-nginx.pid");
        var master = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(d => d!.All(char.IsAsciiDigit))
            .Select(d => int.Parse(d!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == master)
            .ToHashSet();
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
