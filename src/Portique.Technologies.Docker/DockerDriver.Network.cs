using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Docker;

/// <summary>
/// Joining the root's private network (docs/network.md): the root's docker network (<see cref="DockerPrivateNetwork"/>,
/// shared with vagrant's docker provider); each container gets <c>--ip</c> its address and <c>--dns</c> the gateway,
/// where the root's dnsmasq answers every service's name whatever its technology.
/// </summary>
public sealed partial class DockerDriver
{
    private readonly DockerPrivateNetwork _network;

    /// <summary>The docker network of the root: <c>portique-</c> and the root's tag.</summary>
    public string NetworkName => _network.Name;

    /// <summary>
    /// Removes the root's docker network (the network was turned off): only when dockerd answers and the network is
    /// this root's; dockerd refuses while a container is still attached, which is said and keeps it.
    /// </summary>
    public async Task LeavePrivateNetworkAsync(CancellationToken cancellationToken)
    {
        if (await CheckAvailabilityAsync(cancellationToken) is null)
        {
            await _network.RemoveAsync(cancellationToken);
        }
    }

    /// <summary>dockerd's networks other than the root's (swarm's overlays included), with their IPv4 subnets; none when dockerd does not answer.</summary>
    public async Task<IReadOnlyList<EngineNetwork>> ListEngineNetworksAsync(CancellationToken cancellationToken)
    {
        if (await CheckAvailabilityAsync(cancellationToken) is not null)
        {
            return [];
        }

        var networks = await _api.CallAsync(
            (client, ct) => client.Networks.ListNetworksAsync(new NetworksListParameters(), ct), m => Messages.FormatNetworkFailed("*", m), cancellationToken);
        return networks
            .Where(n => n.Name != NetworkName)
            .SelectMany(n => (n.IPAM?.Config ?? []).Select(c => c.Subnet)
                .Where(subnet => subnet is not null && subnet.Contains('.', StringComparison.Ordinal))
                .Select(subnet => new EngineNetwork("docker", n.Name, subnet!)))
            .ToArray();
    }

    /// <summary>Adds the private network to <paramref name="parameters"/> when the spec has an address, making the docker network first.</summary>
    private async Task JoinNetworkAsync(ServiceSpec spec, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        if (spec.Address is null || PrivateNetwork.TryParse(spec.Network, out _) is not { } network)
        {
            return;
        }

        await _network.EnsureAsync(network, cancellationToken);
        parameters.HostConfig ??= new HostConfig();
        parameters.HostConfig.NetworkMode = NetworkName;
        parameters.HostConfig.DNS = [network.Gateway];
        parameters.NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>
            {
                [NetworkName] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = spec.Address } },
            },
        };
    }
}
