using System.Security.Cryptography;
using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// docs/snapshots.md end to end, with the real CLI, dockerd, the local registry and nginx: a replacement leaves a
/// snapshot whose data restores byte-identical; a rollback after a bad upgrade serves the old version with its data.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SnapshotTests : IAsyncLifetime
{
    /// <summary>Serves the volume (<c>/data</c>) itself: what the page says is what the data holds.</summary>
    private static readonly TestImageOptions ServingData = new()
    {
        Command = ["/bin/httpd", "-f", "-p", "8080", "-h", "/data"],
    };

    /// <summary>A bad upgrade: rewrites the data it was given, adds a file, and serves its own page.</summary>
    private static readonly TestImageOptions CorruptingData = new()
    {
        Command =
        [
            "/bin/sh", "-c",
            "echo 'corrupted by 2.0' > /data/index.html; echo 'new in 2.0' > /data/added.txt; exec /bin/httpd -f -p 8080 -h /www",
        ],
    };

    private readonly Deployment _deployment = new();
    private readonly int _port = TestPorts.FreePort();
    private readonly string _name = "snap-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    private string Volume => _deployment.Root.PathOf("srv", _name);

    /// <summary>The volume's files: a page, a binary file and a nested one, placed on the host.</summary>
    private void FillVolume()
    {
        Directory.CreateDirectory(Path.Join(Volume, "nested", "deeper"));
        File.WriteAllText(Path.Join(Volume, "index.html"), "original data of 1.0\n");
        File.WriteAllBytes(Path.Join(Volume, "nested", "blob.bin"), RandomNumberGenerator.GetBytes(3 << 20));
        File.WriteAllText(Path.Join(Volume, "nested", "deeper", "notes.txt"), "kept\n");
    }

    /// <summary>sha256 of every file under the volume, by relative path.</summary>
    private SortedDictionary<string, string> Hashes() =>
        new(Directory.EnumerateFiles(Volume, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Volume, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    private async Task<BufferedCommandResult> DeployAsync(string image)
    {
        await _deployment.Images.PublishAsync(image, "1.0", "1.0", ServingData);
        await _deployment.Images.PublishAsync(image, "2.0", "2.0", CorruptingData);
        FillVolume();
        await _deployment.ConfigureAsync(["nombre_conteneur=1", "conteneur_ip_publication=127.0.0.1", .. _deployment.DockerService(1, _name, image, "1.0", _port)]);
        return await _deployment.SucceedAsync("instance");
    }

    /// <summary>Deploys 1.0, upgrades to 2.0 (which rewrites the data) and returns the data's hashes after it.</summary>
    private async Task<SortedDictionary<string, string>> UpgradedAsync(string image)
    {
        await DeployAsync(image);
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        await _deployment.SucceedAsync("reconfigure");
        return Hashes();
    }

    /// <summary>What must hold after a rollback that was put back: 2.0 configured and serving its data, nothing to do.</summary>
    private async Task AssertPutBackAsync(SortedDictionary<string, string> upgraded)
    {
        Assert.Equal("2.0", (await _deployment.SucceedAsync("get", "conteneur1_tag")).StandardOutput.Trim());
        Assert.Contains("version 2.0", await _deployment.GetAsync($"/{_name}/"), StringComparison.Ordinal);
        Assert.Equal(upgraded, Hashes());
        var plan = await _deployment.RunAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
    }

    [Fact]
    public async Task A_new_tag_leaves_a_snapshot_whose_data_restores_byte_identical()
    {
        var image = _deployment.Images.Name("snapdata");
        await DeployAsync(image);
        var original = Hashes();
        Assert.Equal("original data of 1.0", (await _deployment.GetAsync($"/{_name}/")).Trim());
        Assert.Equal(0, (await _deployment.RunAsync("snapshots", _name)).StandardOutput.Split('\n').Count(l => l.Contains("before replacement", StringComparison.Ordinal)));

        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        var upgrade = await _deployment.SucceedAsync("reconfigure");
        Assert.Contains("snapshot", upgrade.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(original, Hashes());

        var listing = await _deployment.SucceedAsync("snapshots", _name);
        Assert.Contains("before replacement: tag: 1.0 → 2.0", listing.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("3M", listing.StandardOutput, StringComparison.Ordinal);
        var snapshot = Assert.Single(Directory.GetDirectories(_deployment.Root.PathOf("var", "lib", "portique", "snapshots", _name)));
        Assert.True(File.Exists(Path.Join(snapshot, "manifest.json")));

        await _deployment.SucceedAsync("rollback", _name, Path.GetFileName(snapshot), "--with-data");

        Assert.Equal(original, Hashes());
    }

    [Fact]
    public async Task A_rollback_with_data_after_a_bad_upgrade_serves_the_old_version_with_its_data_and_plan_has_nothing_to_do()
    {
        var image = _deployment.Images.Name("snaproll");
        await DeployAsync(image);
        var original = Hashes();
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        await _deployment.SucceedAsync("reconfigure");
        Assert.Contains("version 2.0", await _deployment.GetAsync($"/{_name}/"), StringComparison.Ordinal);
        Assert.Equal("corrupted by 2.0", File.ReadAllText(Path.Join(Volume, "index.html")).Trim());
        var upgraded = Hashes();

        // Unknown names are input errors, and change nothing.
        Assert.Equal(2, (await _deployment.RunAsync("rollback", "nosuchservice")).ExitCode);
        Assert.Equal(2, (await _deployment.RunAsync("rollback", _name, "20200101T000000Z")).ExitCode);
        Assert.Equal(upgraded, Hashes());

        var rollback = await _deployment.SucceedAsync("rollback", _name, "--with-data");

        Assert.Contains("stopping the service while its data is restored", rollback.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("original data of 1.0", (await _deployment.GetAsync($"/{_name}/")).Trim());
        Assert.Equal(original, Hashes());
        Assert.Equal("1.0", (await _deployment.SucceedAsync("get", "conteneur1_tag")).StandardOutput.Trim());
        var plan = await _deployment.RunAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);

        // The rollback kept what it replaced: rolling back to that snapshot undoes it.
        var listing = await _deployment.SucceedAsync("snapshots", _name);
        Assert.Contains("before rolling back to snapshot", listing.StandardOutput, StringComparison.Ordinal);
        var saved = Directory.GetDirectories(_deployment.Root.PathOf("var", "lib", "portique", "snapshots", _name)).Select(Path.GetFileName).Max(StringComparer.Ordinal)!;
        await _deployment.SucceedAsync("rollback", _name, saved, "--with-data");
        Assert.Contains("version 2.0", await _deployment.GetAsync($"/{_name}/"), StringComparison.Ordinal);
        Assert.Equal("2.0", (await _deployment.SucceedAsync("get", "conteneur1_tag")).StandardOutput.Trim());
    }

    [Fact]
    public async Task A_rollback_whose_old_version_no_longer_starts_exits_1_and_puts_config_eol_and_the_data_back()
    {
        var image = _deployment.Images.Name("snapfail");
        var upgraded = await UpgradedAsync(image);
        // 1.0 is now a build that crashes at start, and only the registry has it.
        await _deployment.Images.PublishAsync(image, "1.0", "1.0-broken", TestImageOptions.Crashing);

        var rollback = await _deployment.RunAsync("rollback", _name, "--with-data");

        Assert.True(rollback.ExitCode == 1, rollback.StandardOutput + rollback.StandardError);
        Assert.Contains("putting the previous version and data back", rollback.StandardOutput, StringComparison.Ordinal);
        await AssertPutBackAsync(upgraded);
    }

    [Fact]
    public async Task A_rollback_interrupted_while_the_old_version_starts_puts_config_eol_and_the_data_back()
    {
        var image = _deployment.Images.Name("snapint");
        var upgraded = await UpgradedAsync(image);
        // 1.0 now never becomes healthy (its check hangs): the rollback is waiting for it when the signal comes.
        await _deployment.Images.PublishAsync(image, "1.0", "1.0-slow", ServingData with { HealthCheck = ["/bin/sleep", "3600"] });

        using var run = _deployment.Start("rollback", _name, "--with-data");
        var stderr = run.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (await run.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.Contains("replacing", StringComparison.Ordinal))
            {
                break;
            }
        }

        // config.eol says 1.0 and the data is 1.0's by now; let the new instance start, then interrupt.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal("1.0", (await _deployment.SucceedAsync("get", "conteneur1_tag")).StandardOutput.Trim());
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var drained = run.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await run.WaitForExitAsync(timeout.Token);
        var output = string.Join('\n', lines) + await drained + await stderr;

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{output}");
        Assert.Contains("putting the previous version and data back", output, StringComparison.Ordinal);
        await AssertPutBackAsync(upgraded);
    }
}
