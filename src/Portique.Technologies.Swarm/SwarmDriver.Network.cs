using Docker.DotNet.Models;
using Portique.Core;
using Portique.Technologies.Shared;
using ServiceSpec = Portique.Planning.ServiceSpec;
using SwarmSpec = Docker.DotNet.Models.ServiceSpec;

namespace Portique.Technologies.Swarm;

/// <summary>
/// Swarm on the root's private network (docs/network.md). A swarm service can use neither the root's docker network
/// (local scope) nor a fixed address, and dockerd allows one network per bridge. So its tasks live on a second bridge
/// of the root (<see cref="PrivateNetwork.SwarmBridgeName"/>), in their own block (<see cref="SwarmSettings.Network"/>):
/// a <i>config-only</i> network holds the block and the bridge's name, and a swarm-scoped bridge network is made from
/// it. Tasks ask the root's DNS (<see cref="SwarmSettings.Dns"/>) for the other services' names. The root's chains let
/// the second bridge reach the first; the others reach a swarm service at the gateway and its <c>port_out</c>.
/// </summary>
public sealed partial class SwarmDriver
{
    private readonly SemaphoreSlim _networkGate = new(1, 1);

    /// <summary>The swarm-scoped network the tasks join: <c>portique-TAG-swarm</c>.</summary>
    public string SwarmNetworkName => SwarmNetworkNameOf(Root.Directory);

    /// <summary><c>portique-TAG-swarm</c> for the root at <paramref name="rootDirectory"/>; its config-only network adds <c>-config</c>.</summary>
    public static string SwarmNetworkNameOf(string rootDirectory) => DockerPrivateNetwork.NameOf(rootDirectory) + "-swarm";

    /// <summary>The config-only network holding the block and the bridge's name: <c>portique-TAG-swarm-config</c>.</summary>
    public string SwarmNetworkConfigName => SwarmNetworkName + "-config";

    /// <summary>
    /// Makes the config-only network and the swarm network from it unless they are there with this block. Ones of this
    /// root with another block are removed first (dockerd refuses while a task is attached, which is said); a network
    /// of the same name that is not this root's is refused, never touched.
    /// </summary>
    private async Task EnsureSwarmNetworkAsync(SwarmSettings settings, CancellationToken cancellationToken)
    {
        if (PrivateNetwork.TryParse(settings.Network, out _) is not { } block)
        {
            return;
        }

        // Services are created concurrently: the first makes the networks, the others then find them.
        await _networkGate.WaitAsync(cancellationToken);
        try
        {
            var config = await InspectNetworkAsync(SwarmNetworkConfigName, cancellationToken);
            var swarm = await InspectNetworkAsync(SwarmNetworkName, cancellationToken);
            foreach (var existing in new[] { config, swarm })
            {
                if (existing is not null && !IsOurs(existing))
                {
                    throw new RuntimeFailureException(Messages.FormatNetworkFailed(existing.Name, "not this root's (label " + DockerPrivateNetwork.RootLabel + " of " + SwarmNetworkConfigName + ")"));
                }
            }

            if (config is not null && config.IPAM?.Config?.FirstOrDefault()?.Subnet != block.Cidr)
            {
                // Another block: the tasks must have left it (a recreation of every swarm service does that first).
                if (swarm is not null)
                {
                    await DeleteNetworkAsync(SwarmNetworkName, cancellationToken);
                    swarm = null;
                }

                await DeleteNetworkAsync(SwarmNetworkConfigName, cancellationToken);
                config = null;
            }

            if (config is null)
            {
                await _api.CallAsync(
                    (client, ct) => client.Networks.CreateNetworkAsync(ConfigParameters(block), ct), m => Messages.FormatNetworkFailed(SwarmNetworkConfigName, m), cancellationToken);
            }

            if (swarm is null)
            {
                await _api.CallAsync(
                    (client, ct) => client.Networks.CreateNetworkAsync(SwarmParameters(), ct), m => Messages.FormatNetworkFailed(SwarmNetworkName, m), cancellationToken);
            }
        }
        finally
        {
            _networkGate.Release();
        }
    }

    /// <summary>
    /// The network was turned off and the swarm services have left it: the swarm network, then its config-only network,
    /// when they are this root's (dockerd refuses while a task is attached, which is said and keeps them).
    /// </summary>
    public async Task LeavePrivateNetworkAsync(CancellationToken cancellationToken)
    {
        if (await CheckAvailabilityAsync(cancellationToken) is not null)
        {
            return;
        }

        foreach (var name in new[] { SwarmNetworkName, SwarmNetworkConfigName })
        {
            if (await InspectNetworkAsync(name, cancellationToken) is { } existing && IsOurs(existing))
            {
                await DeleteNetworkAsync(name, cancellationToken);
            }
        }
    }

    private Task<NetworkResponse?> InspectNetworkAsync(string name, CancellationToken cancellationToken) =>
        _api.CallOrNullAsync((client, ct) => client.Networks.InspectNetworkAsync(name, ct), m => Messages.FormatNetworkFailed(name, m), cancellationToken);

    private Task DeleteNetworkAsync(string name, CancellationToken cancellationToken) =>
        _api.CallUnlessMissingAsync((client, ct) => client.Networks.DeleteNetworkAsync(name, ct), m => Messages.FormatNetworkFailed(name, m), cancellationToken);

    /// <summary>
    /// The config-only network carries the root's label; dockerd refuses labels on a network made from one, so the swarm
    /// network is the root's when it is made from the root's config-only network (whose label is checked too).
    /// </summary>
    private bool IsOurs(NetworkResponse network) =>
        network.ConfigFrom?.Network is { Length: > 0 } from
            ? from == SwarmNetworkConfigName
            : network.Labels is not null && network.Labels.TryGetValue(DockerPrivateNetwork.RootLabel, out var root) && root == Root.Directory;

    /// <summary>The block, its gateway and the second bridge's name; dockerd's own masquerade takes the tasks out.</summary>
    internal NetworksCreateParameters ConfigParameters(PrivateNetwork block) => new()
    {
        Name = SwarmNetworkConfigName,
        ConfigOnly = true,
        Labels = new Dictionary<string, string> { [DockerPrivateNetwork.RootLabel] = Root.Directory },
        Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = PrivateNetwork.SwarmBridgeName(Root.Directory) },
        IPAM = new IPAM { Config = [new IPAMConfig { Subnet = block.Cidr, Gateway = block.Gateway }] },
    };

    internal NetworksCreateParameters SwarmParameters() => new()
    {
        Name = SwarmNetworkName,
        Driver = "bridge",
        Scope = "swarm",
        ConfigFrom = new ConfigReference { Network = SwarmNetworkConfigName },
    };

    /// <summary>
    /// The service's attachment to the swarm network, its DNS and its endpoint mode on the private network; the spec
    /// unchanged off it. <c>dnsrr</c>: a virtual address needs IPVS, and nobody asks swarm's own DNS for a name anyway.
    /// </summary>
    internal void JoinNetwork(SwarmSpec service, ServiceSpec spec)
    {
        var settings = SwarmSettings.Of(spec);
        if (settings.Network is null || service.TaskTemplate?.ContainerSpec is not { } container || service.EndpointSpec is not { } endpoint)
        {
            return;
        }

        service.TaskTemplate.Networks = [new NetworkAttachmentConfig { Target = SwarmNetworkName }];
        container.DNSConfig = settings.Dns is { } dns ? new DNSConfig { Nameservers = [dns] } : null;
        endpoint.Mode = "dnsrr";
    }
}
