using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// The workshop's promise: changing only <c>conteneurN_type</c> moves a service to another engine under the same
/// name, ports and volumes, and <c>/name/</c> serves again. One cycle visits every pair once:
/// docker → podman → swarm → lxc → vagrant → docker.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SwitchTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly int _port = TestPorts.FreePort();
    private readonly string _name = "sw-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task Switching_technology_keeps_the_name_port_volume_and_url_through_a_full_cycle()
    {
        var image = _deployment.Images.Name("switch");
        await _deployment.Images.PublishAsync(image, "1.0", "image page");
        // The volume is the served folder: what each engine serves proves it sees the host's data.
        var volume = _deployment.Root.PathOf("srv", _name);
        Directory.CreateDirectory(volume);
        await File.WriteAllTextAsync(Path.Join(volume, "index.html"), "written before any switch\n");
        await _deployment.ConfigureAsync(
            $"conteneur1_name={_name}", "conteneur1_type=docker", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080", $"conteneur1_port_out={_port}",
            "conteneur1_mountpoint_in=/www", $"conteneur1_mountpoint_out={volume}");
        await _deployment.SucceedAsync("instance");
        Assert.Contains("written before any switch", await _deployment.GetAsync($"/{_name}/"));

        var previous = "docker";
        foreach (var technology in new[] { "podman", "swarm", "lxc", "vagrant", "docker" })
        {
            await File.WriteAllTextAsync(Path.Join(volume, $"{previous}.txt"), $"written under {previous}\n");
            await _deployment.SucceedAsync("set", "conteneur1_type", technology);

            var plan = await _deployment.RunAsync("plan");
            Assert.Equal(3, plan.ExitCode);
            Assert.Contains($"type: {previous} → {technology}", plan.StandardOutput);

            await _deployment.SucceedAsync("reconfigure");

            Assert.Contains("written before any switch", await _deployment.GetAsync($"/{_name}/"));
            Assert.Contains($"written under {previous}", await _deployment.GetAsync($"/{_name}/{previous}.txt"));
            var status = await _deployment.SucceedAsync("status", "--json");
            Assert.Contains($"\"technology\": \"{technology}\"", status.StandardOutput);
            Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
            previous = technology;
        }
    }
}
