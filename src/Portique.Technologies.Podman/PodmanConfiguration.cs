using System.Net;
using System.Text;
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
    public static string ContainersConfContent() =>
        """
        # Written by Portique for the podman processes it starts (CONTAINERS_CONF); rewritten on every run.
        [containers]
        # runc refuses podman's default nofile limit where the host's hard limit is lower ("error setting rlimit type 7").
        default_ulimits = []
        log_driver = "k8s-file"

        """;

    /// <summary>registries.conf: Docker Hub for short names (as dockerd), and the registries reachable over plain HTTP.</summary>
    public static string RegistriesConfContent(IEnumerable<string> insecure)
    {
        var text = new StringBuilder()
            .Append("# Written by Portique for the podman processes it starts (CONTAINERS_REGISTRIES_CONF); rewritten on every run.\n")
            .Append("unqualified-search-registries = [\"docker.io\"]\n");
        foreach (var registry in insecure.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            text.Append("\n[[registry]]\n")
                .Append("location = \"").Append(registry.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"\n")
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
            Write(ContainersConf, ContainersConfContent());
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
                System.IO.Directory.CreateDirectory(Directory);
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
