using Docker.DotNet.Models;
using Portique.Core;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Docker;

/// <summary>
/// Joining the root's private network (docs/network.md): one docker network per root, of the bridge driver, on the
/// bridge Portique made (<c>com.docker.network.bridge.name</c>: dockerd uses an existing bridge as it is), without
/// docker's own masquerade (Portique's chains do it); each container gets <c>--ip</c> its address and
/// <c>--dns</c> the gateway, where the root's dnsmasq answers every service's name whatever its technology.
/// </summary>
public sealed partial class DockerDriver
{
    private readonly SemaphoreSlim _networkGate = new(1, 1);

    /// <summary>The docker network of the root: <c>portique-</c> and the root's tag.</summary>
    public string NetworkName => "portique-" + PrivateNetwork.RootTag(Root.Directory);

    /// <summary>Adds the private network to <paramref name="parameters"/> when the spec has an address, making the docker network first.</summary>
    private async Task JoinNetworkAsync(ServiceSpec spec, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        if (spec.Address is null || PrivateNetwork.TryParse(spec.Network, out _) is not { } network)
        {
            return;
        }

        await EnsureNetworkAsync(network, cancellationToken);
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

    /// <summary>
    /// Removes the root's docker network (the network was turned off): only when dockerd answers and the network is
    /// this root's; dockerd refuses while a container is still attached, which is said and keeps it.
    /// </summary>
    public async Task LeavePrivateNetworkAsync(CancellationToken cancellationToken)
    {
        if (await CheckAvailabilityAsync(cancellationToken) is not null)
        {
            return;
        }

        var existing = await _api.CallOrNullAsync(
            (client, ct) => client.Networks.InspectNetworkAsync(NetworkName, ct), m => Messages.FormatNetworkFailed(NetworkName, m), cancellationToken);
        if (existing is not null && IsOwned(existing.Labels))
        {
            await _api.CallUnlessMissingAsync(
                (client, ct) => client.Networks.DeleteNetworkAsync(NetworkName, ct), m => Messages.FormatNetworkFailed(NetworkName, m), cancellationToken);
        }
    }

    private async Task EnsureNetworkAsync(PrivateNetwork network, CancellationToken cancellationToken)
    {
        // Services are created concurrently: the first makes the network, the others then find it.
        await _networkGate.WaitAsync(cancellationToken);
        try
        {
            await EnsureNetworkOnceAsync(network, cancellationToken);
        }
        finally
        {
            _networkGate.Release();
        }
    }

    private async Task EnsureNetworkOnceAsync(PrivateNetwork network, CancellationToken cancellationToken)
    {
        var existing = await _api.CallOrNullAsync(
            (client, ct) => client.Networks.InspectNetworkAsync(NetworkName, ct), m => Messages.FormatNetworkFailed(NetworkName, m), cancellationToken);
        if (existing is not null)
        {
            var subnet = existing.IPAM?.Config?.FirstOrDefault()?.Subnet;
            if (!IsOwned(existing.Labels) || subnet != network.Cidr)
            {
                throw new RuntimeFailureException(Messages.FormatNetworkFailed(NetworkName, $"{subnet} ≠ {network.Cidr}"));
            }

            return;
        }

        await _api.CallAsync(
            (client, ct) => client.Networks.CreateNetworkAsync(
                new NetworksCreateParameters
                {
                    Name = NetworkName,
                    Driver = "bridge",
                    Labels = new Dictionary<string, string> { [Labels.Root] = Root.Directory },
                    Options = new Dictionary<string, string>
                    {
                        ["com.docker.network.bridge.name"] = PrivateNetwork.BridgeName(Root.Directory),
                        ["com.docker.network.bridge.enable_ip_masquerade"] = "false",
                    },
                    IPAM = new IPAM
                    {
                        Config =
                        [
                            new IPAMConfig
                            {
                                Subnet = network.Cidr,
                                Gateway = network.Gateway,
                                // dockerd's own pool: the reserved quarter; Portique's containers always have --ip.
                                IPRange = PrivateNetwork.Text(network.PoolStart) + "/" + (network.PrefixLength + 2),
                            },
                        ],
                    },
                },
                ct),
            m => Messages.FormatNetworkFailed(NetworkName, m),
            cancellationToken);
    }
}
