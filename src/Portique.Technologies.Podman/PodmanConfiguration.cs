using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portique.Core;

namespace Portique.Technologies.Podman;

/// <summary>
/// The configuration files Portique writes for the podman processes it starts, under
/// <c>ROOT/etc/portique/podman/</c>, passed as <c>CONTAINERS_CONF</c> and <c>CONTAINERS_REGISTRIES_CONF</c>:
/// the system's files are left alone, and what Portique needs does not depend on them.
/// </summary>
/// <param name="root">The root served.</param>
/// <param name="directory">Where the files go instead (read-only verbs write nothing under the root); null: under the root.</param>
internal sealed class PodmanConfiguration(PortiqueRoot root, string? directory = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

    public string Directory { get; } = directory ?? root.Resolve("/etc/portique/podman");

    public string ContainersConf => Path.Join(Directory, "containers.conf");

    public string RegistriesConf => Path.Join(Directory, "registries.conf");

    /// <summary>
    /// Portique's own CNI folder (<c>network_config_dir</c>): the root's network is declared there, never in the
    /// system's <c>/etc/cni/net.d</c>; podman still has its default network (made in memory when no file declares it).
    /// </summary>
    public string NetworksDirectory => Path.Join(Directory, "networks");

    /// <summary>What every podman process gets in its environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["CONTAINERS_CONF"] = ContainersConf,
        ["CONTAINERS_REGISTRIES_CONF"] = RegistriesConf,
    };

    /// <summary>
    /// containers.conf: no default ulimits (runc refuses podman's default <c>nofile</c> on hosts whose hard limit is
    /// lower: "error setting rlimit type 7"), and the k8s-file log driver so <c>podman logs</c> works with or without
    /// journald.
    /// </summary>
    public static string ContainersConfContent(string networksDirectory) =>
        $"""
        # Written by Portique for the podman processes it starts (CONTAINERS_CONF); rewritten on every run.
        [containers]
        # runc refuses podman's default nofile limit where the host's hard limit is lower ("error setting rlimit type 7").
        default_ulimits = []
        log_driver = "k8s-file"

        [network]
        # The root's private network (docs/network.md) is declared in Portique's folder, not in /etc/cni/net.d.
        network_config_dir = {TomlString(networksDirectory)}

        """;

    /// <summary>
    /// The CNI configuration of the root's private network (docs/network.md): the bridge plugin on the bridge Portique
    /// made (no gateway address or masquerade of its own: Portique's chains do it), host-local addresses over the
    /// whole network (Portique always passes <c>--ip</c>), portmap for the host ports. Serialised, never pasted.
    /// </summary>
    public static string NetworkConfigurationContent(string name, string bridge, PrivateNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var configuration = new JsonObject
        {
            ["cniVersion"] = "0.4.0",
            ["name"] = name,
            ["plugins"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "bridge",
                    ["bridge"] = bridge,
                    ["isGateway"] = false,
                    ["ipMasq"] = false,
                    ["hairpinMode"] = true,
                    ["ipam"] = new JsonObject
                    {
                        ["type"] = "host-local",
                        ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
                        ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = network.Cidr, ["gateway"] = network.Gateway })),
                    },
                },
                new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } },
                new JsonObject { ["type"] = "tuning" }),
        };
        return configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Declares the root's private network for podman (<see cref="NetworkConfigurationContent"/>), atomically, when it differs.</summary>
    public void EnsureNetwork(string name, string bridge, PrivateNetwork network)
    {
        lock (_lock)
        {
            Write(Path.Join(NetworksDirectory, name + ".conflist"), NetworkConfigurationContent(name, bridge, network));
        }
    }

    /// <summary>Removes the root's network declaration (the network was turned off); nothing when there is none.</summary>
    public void RemoveNetwork(string name)
    {
        lock (_lock)
        {
            var path = Path.Join(NetworksDirectory, name + ".conflist");
            File.Delete(path);
            _written.Remove(path);
        }
    }

    private static string TomlString(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>registries.conf: Docker Hub for short names (as dockerd), and the registries reachable over plain HTTP.</summary>
    public static string RegistriesConfContent(IEnumerable<string> insecure)
    {
        var text = new StringBuilder()
            .Append("# Written by Portique for the podman processes it starts (CONTAINERS_REGISTRIES_CONF); rewritten on every run.\n")
            .Append("unqualified-search-registries = [\"docker.io\"]\n");
        foreach (var registry in insecure.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            text.Append("\n[[registry]]\n")
                .Append("location = ").Append(TomlString(registry)).Append('\n')
                .Append("insecure = true\n");
        }

        return text.ToString();
    }

    /// <summary>Writes both files when they are missing or differ (atomically); <paramref name="registry"/> is added when loopback.</summary>
    public void Ensure(IEnumerable<string> insecureRegistries, string? registry = null)
    {
        var insecure = insecureRegistries.ToList();
        if (registry is not null && IsLoopbackRegistry(registry))
        {
            insecure.Add(RegistryHost(registry));
        }

        lock (_lock)
        {
            Write(ContainersConf, ContainersConfContent(NetworksDirectory));
            Write(RegistriesConf, RegistriesConfContent(insecure));
        }
    }

    /// <summary>The <c>host[:port]</c> part of a repository (<c>127.0.0.1:5000/team</c> → <c>127.0.0.1:5000</c>).</summary>
    public static string RegistryHost(string repository)
    {
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? repository : repository[..slash];
    }

    /// <summary>True for <c>localhost</c>, <c>127.x.y.z</c> and <c>[::1]</c>, with or without a port.</summary>
    public static bool IsLoopbackRegistry(string repository)
    {
        var host = RegistryHost(repository);
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']', StringComparison.Ordinal);
            host = end > 0 ? host[1..end] : host;
        }
        else if (host.Count(c => c == ':') == 1)
        {
            host = host[..host.IndexOf(':', StringComparison.Ordinal)];
        }

        return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private void Write(string path, string content)
    {
        if (_written.TryGetValue(path, out var last) && last == content && File.Exists(path))
        {
            return;
        }

        try
        {
            if (!File.Exists(path) || File.ReadAllText(path) != content)
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                AtomicFile.WriteText(path, content, AtomicFile.PublicMode);
            }

            _written[path] = content;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatConfigurationFailed(path, exception.Message), exception);
        }
    }
}
