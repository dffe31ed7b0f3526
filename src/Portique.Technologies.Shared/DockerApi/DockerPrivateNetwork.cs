using Docker.DotNet.Models;
using Portique.Core;

namespace Portique.Technologies.Shared;

/// <summary>
/// The root's docker network on the root's private bridge (docs/network.md), for every driver whose instances are
/// dockerd's containers (docker, vagrant's docker provider): one network per root, of the bridge driver, on the
/// bridge Portique made (<c>com.docker.network.bridge.name</c>: dockerd uses an existing bridge as it is), without
/// docker's own masquerade (Portique's chains do it), labelled with the root.
/// </summary>
/// <param name="failed">The message of a failed call: network name, dockerd's words.</param>
internal sealed class DockerPrivateNetwork(DockerApiClient api, string rootDirectory, Func<string, string, string> failed) : IDisposable
{
    /// <summary>The label naming the root on the network (the docker driver's, on its containers too), checked before any use or removal.</summary>
    public const string RootLabel = "portique.root";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary><c>portique-</c> and the root's tag, the same name for every driver.</summary>
    public string Name { get; } = NameOf(rootDirectory);

    public static string NameOf(string rootDirectory) => "portique-" + PrivateNetwork.RootTag(rootDirectory);

    /// <summary>Makes the network unless it is there; one of another root or another subnet is refused.</summary>
    public async Task EnsureAsync(PrivateNetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        // Services are created concurrently: the first makes the network, the others then find it.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var existing = await InspectAsync(cancellationToken);
            if (existing is not null)
            {
                var subnet = existing.IPAM?.Config?.FirstOrDefault()?.Subnet;
                if (!IsOurs(existing) || subnet != network.Cidr)
                {
                    throw new RuntimeFailureException(failed(Name, $"{subnet} ≠ {network.Cidr}"));
                }

                return;
            }

            await api.CallAsync((client, ct) => client.Networks.CreateNetworkAsync(Parameters(network), ct), m => failed(Name, m), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the network when it is this root's; dockerd refuses while a container is attached.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (await InspectAsync(cancellationToken) is { } existing && IsOurs(existing))
        {
            await api.CallUnlessMissingAsync((client, ct) => client.Networks.DeleteNetworkAsync(Name, ct), m => failed(Name, m), cancellationToken);
        }
    }

    /// <summary>
    /// The <c>docker run</c> options of a service at <paramref name="address"/> (vagrant's docker provider passes
    /// options, not API parameters): the root's network, the address, the root's DNS on the gateway.
    /// </summary>
    public static IReadOnlyList<string> RunArguments(string rootDirectory, PrivateNetwork network, string address)
    {
        ArgumentNullException.ThrowIfNull(network);
        return ["--network", NameOf(rootDirectory), "--ip", address, "--dns", network.Gateway];
    }

    private Task<NetworkResponse?> InspectAsync(CancellationToken cancellationToken) =>
        api.CallOrNullAsync((client, ct) => client.Networks.InspectNetworkAsync(Name, ct), m => failed(Name, m), cancellationToken);

    private bool IsOurs(NetworkResponse network) =>
        network.Labels is not null && network.Labels.TryGetValue(RootLabel, out var root) && root == rootDirectory;

    public void Dispose() => _gate.Dispose();

    private NetworksCreateParameters Parameters(PrivateNetwork network) => new()
    {
        Name = Name,
        Driver = "bridge",
        Labels = new Dictionary<string, string> { [RootLabel] = rootDirectory },
        Options = new Dictionary<string, string>
        {
            ["com.docker.network.bridge.name"] = PrivateNetwork.BridgeName(rootDirectory),
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
    };
}
