using System.Diagnostics;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>Ctrl+C or SIGTERM during a replacement: the step is rolled back before the process exits.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class InterruptTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly int _webPort = TestPorts.FreePort();
    private readonly string _web = "web-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_signal_during_a_replacement_gives_the_old_container_its_name_back_running_before_exit(string signal)
    {
        var image = _deployment.Images.Name("web");
        await _deployment.Images.PublishAsync(image, "1.0", "web-1.0");
        // 2.0 never becomes healthy on its own: its health check hangs, so the run is waiting when the signal comes.
        await _deployment.Images.PublishAsync(image, "slow", "web-slow", new TestImageOptions { HealthCheck = ["/bin/sleep", "3600"] });
        await _deployment.ConfigureAsync(_deployment.DockerService(1, _web, image, "1.0", _webPort));
        await _deployment.SucceedAsync("instance");
        var oldId = await _deployment.ContainerIdAsync(_web);
        await _deployment.SucceedAsync("set", "conteneur1_tag", "slow");

        using var run = _deployment.Start("reconfigure");
        var stderr = run.StandardError.ReadToEndAsync();
        while (await run.StandardOutput.ReadLineAsync() is { } line && !line.Contains("replacing", StringComparison.Ordinal))
        {
        }

        // Let it create the new container, start it and wait for its health: the signal must come mid-replacement.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await _deployment.ContainersAsync()).Any(c => c.Labels["portique.name"] == _web && c.ID != oldId && c.State == "running")
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Contains(await _deployment.ContainersAsync(), c => c.Labels["portique.name"] == _web && c.ID != oldId && c.State == "running");
        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-" + signal, run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var drained = run.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await run.WaitForExitAsync(timeout.Token);
        var output = await drained + await stderr;

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{output}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
        var container = Assert.Single(await _deployment.ContainersAsync(), c => c.Labels["portique.name"] == _web);
        Assert.Equal((oldId, "/" + _web, "running"), (container.ID, container.Names.Single(), container.State));
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
    }
}
