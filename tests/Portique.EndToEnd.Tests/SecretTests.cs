using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// docs/secrets.md end to end: a <c>password</c> variable given in <c>conteneurN_secrets</c> is readable by the service at
/// <c>$KEY_FILE</c> and appears in no inspect output, label, log, plan or status, on docker then podman; a new password
/// replaces the instance, the same one changes nothing.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SecretTests : IAsyncLifetime
{
    private const string First = "Pw-first-7c1e9a";
    private const string Second = "Pw-second-4b2d8f";

    private readonly Deployment _deployment = new();
    private readonly int _port = TestPorts.FreePort();
    private readonly string _name = "sec-" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<string> _outputs = [];

    /// <summary>Serves the file <c>$DB_PASSWORD_FILE</c> points to as <c>/secret.txt</c>.</summary>
    private static readonly TestImageOptions ServingSecret = new()
    {
        Command = ["/bin/sh", "-c", "cat \"$DB_PASSWORD_FILE\" > /www/secret.txt && exec /bin/httpd -f -p 8080 -h /www"],
    };

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    private async Task<BufferedCommandResult> RecordAsync(int exitCode, params string[] args)
    {
        var result = await _deployment.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"portique {string.Join(' ', args)} exited {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
        _outputs.Add(result.StandardOutput + result.StandardError);
        return result;
    }

    private static async Task<string> InspectAsync(string engine, string container) =>
        (await CliWrap.Cli.Wrap(engine).WithArguments(["inspect", container]).ExecuteBufferedAsync()).StandardOutput;

    private static async Task<string> EngineLogsAsync(string engine, string container)
    {
        var logs = await CliWrap.Cli.Wrap(engine).WithArguments(["logs", container]).ExecuteBufferedAsync();
        return logs.StandardOutput + logs.StandardError;
    }

    [Fact]
    public async Task A_secret_is_readable_by_the_service_and_absent_from_every_inspect_output_log_plan_and_status_on_docker_and_podman()
    {
        var image = _deployment.Images.Name("secret");
        await _deployment.Images.PublishAsync(image, "1.0", "secret page", ServingSecret);
        PasswordDictionary.Install(_deployment.Root.Root, Path.Join(AppContext.BaseDirectory, "share"), "mdp_base");
        await _deployment.ConfigureAsync(
            "nombre_conteneur=1", "conteneur_ip_publication=127.0.0.1", $"conteneur1_name={_name}", "conteneur1_type=docker",
            $"conteneur1_url={image}", "conteneur1_tag=1.0", $"conteneur1_repository={RequiredServices.Registry}",
            "conteneur1_port_in=8080", $"conteneur1_port_out={_port}", "conteneur1_secrets=DB_PASSWORD=mdp_base", $"mdp_base={First}");
        await RecordAsync(0, "instance");

        Assert.Equal(First, (await _deployment.GetAsync($"/{_name}/secret.txt")).Trim());
        var id = await _deployment.ContainerIdAsync(_name);
        var inspect = await InspectAsync("docker", _name);
        Assert.Contains("DB_PASSWORD_FILE=/run/secrets/DB_PASSWORD", inspect, StringComparison.Ordinal);
        Assert.Contains("portique.spec", inspect, StringComparison.Ordinal);
        Assert.DoesNotContain(First, inspect, StringComparison.Ordinal);
        Assert.DoesNotContain(First, await EngineLogsAsync("docker", _name), StringComparison.Ordinal);

        // The same password: nothing to do.
        await RecordAsync(0, "plan");
        await RecordAsync(0, "status", "--json");
        await RecordAsync(0, "logs", _name);

        // A new password: plan names the key, reconfigure replaces the container.
        await _deployment.SucceedAsync("set", $"mdp_base={Second}");
        var plan = await RecordAsync(3, "plan");
        Assert.Contains("secrets: DB_PASSWORD", plan.StandardOutput, StringComparison.Ordinal);
        await RecordAsync(0, "reconfigure");
        Assert.NotEqual(id, await _deployment.ContainerIdAsync(_name));
        Assert.Equal(Second, (await _deployment.GetAsync($"/{_name}/secret.txt")).Trim());
        var inspectAfter = await InspectAsync("docker", _name);
        Assert.DoesNotContain(Second, inspectAfter, StringComparison.Ordinal);
        Assert.DoesNotContain(First, inspectAfter, StringComparison.Ordinal);

        // podman: the same file, the same absence.
        await _deployment.SucceedAsync("set", "conteneur1_type=podman");
        await RecordAsync(0, "reconfigure");
        Assert.Equal(Second, (await _deployment.GetAsync($"/{_name}/secret.txt")).Trim());
        var podman = await InspectAsync("podman", _name);
        Assert.Contains("DB_PASSWORD_FILE=/run/secrets/DB_PASSWORD", podman, StringComparison.Ordinal);
        Assert.DoesNotContain(Second, podman, StringComparison.Ordinal);
        Assert.DoesNotContain(Second, await EngineLogsAsync("podman", _name), StringComparison.Ordinal);
        await RecordAsync(0, "plan");
        await RecordAsync(0, "status");

        foreach (var output in _outputs)
        {
            Assert.DoesNotContain(First, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Second, output, StringComparison.Ordinal);
        }

        // On the host: only config.eol (and its backup) and the root-only secret file hold it.
        var holders = Directory.EnumerateFiles(_deployment.Root.Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).LinkTarget is null && new FileInfo(f).Length < 1_000_000 && File.ReadAllText(f).Contains(Second, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(_deployment.Root.Directory, f))
            .Where(f => !f.StartsWith("etc/eole/config.eol", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal([Path.Join("var/lib/portique/secrets", _name, "DB_PASSWORD")], holders);
    }
}
