using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// On the private network, instances alternate between a service's two addresses. When a replacement that stops
/// first fails and the previous instance is put back, that instance may live at the second address: its name (DNS)
/// and its route (nginx) must point there again, or the rollback leaves the service unreachable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RollbackAddressTests : IAsyncLifetime
{
    private readonly Deployment _deployment = new();
    private readonly string _web = "rb-" + Guid.NewGuid().ToString("N")[..6];

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task A_failed_stop_first_replacement_points_the_name_and_the_route_back_to_the_previous_instance_at_its_second_address()
    {
        var network = TestNetworks.Free();
        var image = _deployment.Images.Name("rollweb");
        await _deployment.Images.PublishAsync(image, "1.0", "web-1.0");
        await _deployment.Images.PublishAsync(image, "2.0", "web-2.0");
        await _deployment.Images.PublishAsync(image, "crash", "web-crash", TestImageOptions.Crashing);
        await _deployment.ConfigureAsync(
            "nombre_conteneur=1", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            $"conteneur1_name={_web}", "conteneur1_type=docker", $"conteneur1_url={image}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=8080");
        await _deployment.SucceedAsync("instance");
        var first = (await _deployment.SucceedAsync("get", "conteneur1_ip")).StandardOutput.Trim();
        var second = (await _deployment.SucceedAsync("get", "conteneur1_ip_remplacement")).StandardOutput.Trim();
        Assert.Equal(first, await TestNetworks.ResolveAsync(network.Gateway, _web));

        // Replaced without interruption (no volume: the default): the new instance serves at the second address.
        await _deployment.SucceedAsync("set", "conteneur1_tag=2.0");
        await _deployment.SucceedAsync("reconfigure");
        Assert.Contains("web-2.0", await _deployment.GetAsync($"/{_web}/"));
        Assert.Equal(second, await TestNetworks.ResolveAsync(network.Gateway, _web));

        // Now stopped first, to an image that crashes: the new instance (at the first address) fails, 2.0 comes back.
        await _deployment.SucceedAsync("set", "conteneur1_remplacement=arret_prealable", "conteneur1_tag=crash");
        var failed = await _deployment.RunAsync("reconfigure");

        Assert.True(failed.ExitCode == 1, $"exit {failed.ExitCode}\n{failed.StandardOutput}\n{failed.StandardError}");
        Assert.Contains("web-2.0", await _deployment.GetAsync($"/{_web}/"));
        Assert.Equal(second, await TestNetworks.ResolveAsync(network.Gateway, _web));
        Assert.Contains($"\"address\": \"{second}\"", (await _deployment.SucceedAsync("status", "--json")).StandardOutput, StringComparison.Ordinal);

        // Fixed, the next run replaces it (stopping first) at the first address.
        await _deployment.SucceedAsync("set", "conteneur1_tag=1.0");
        await _deployment.SucceedAsync("reconfigure");
        Assert.Contains("web-1.0", await _deployment.GetAsync($"/{_web}/"));
        Assert.Equal(first, await TestNetworks.ResolveAsync(network.Gateway, _web));
    }
}
