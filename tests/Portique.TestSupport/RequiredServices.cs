using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;

namespace Portique.TestSupport;

/// <summary>
/// What an integration test needs running on the machine. A missing service FAILS the test (never skips it: a skipped
/// integration test looks green while proving nothing), with the command that starts it.
/// </summary>
public static class RequiredServices
{
    /// <summary>The local registry the tests push to and pull from (<c>scripts/start-services.sh</c> starts it).</summary>
    public const string Registry = "127.0.0.1:5000";

    /// <summary>What to run when a service is missing (from the repository root, as root).</summary>
    public const string StartCommand = "scripts/start-services.sh";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary><c>DOCKER_HOST</c> when set, else the local unix socket.</summary>
    public static Uri DockerEndpoint
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
            return string.IsNullOrWhiteSpace(host) ? new Uri("unix:///var/run/docker.sock") : new Uri(host.Trim());
        }
    }

    /// <summary>dockerd answers a ping on <see cref="DockerEndpoint"/>.</summary>
    public static async Task DockerAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var client = new DockerClientBuilder().WithEndpoint(DockerEndpoint).Build();
            await client.System.PingAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            Missing($"dockerd is not answering on {DockerEndpoint}", exception);
        }
    }

    /// <summary>The registry at <see cref="Registry"/> answers <c>GET /v2/</c> (and dockerd too: pushes go through it).</summary>
    public static async Task RegistryAsync()
    {
        await DockerAsync();
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{Registry}/v2/"));
            response.EnsureSuccessStatusCode();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Missing($"the docker registry is not answering on http://{Registry}/v2/", exception);
        }
    }

    /// <summary>The <c>git</c> program runs.</summary>
    public static Task GitAsync() => ProgramAsync("git", ["--version"], "apt-get install git");

    /// <summary>The <c>nginx</c> program runs (Portique starts its own master per root).</summary>
    public static Task NginxAsync() => ProgramAsync("nginx", ["-v"], "apt-get install nginx");

    private static async Task ProgramAsync(string program, string[] arguments, string install)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            var result = await Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            if (result.ExitCode != 0)
            {
                Assert.Fail($"{program} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.StandardError.Trim()}. Install it: {install}");
            }
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"{program} cannot be run ({exception.Message}). Install it: {install} (scripts/install-deps.sh)");
        }
    }

    private static void Missing(string what, Exception exception)
    {
        var reasons = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            reasons.Add(current.Message);
        }

        Assert.Fail($"{what} ({string.Join(": ", reasons.Distinct())}). This integration test needs it: run `{StartCommand}` as root, then run the tests again.");
    }
}
