using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>Tools, network and timeouts of <see cref="LxcDriver"/>. The defaults suit a Debian 12 / EOLE server.</summary>
public sealed record LxcDriverOptions : LifecycleOptions
{
    /// <summary>Where <c>lxc-execute</c>, <c>lxc-info</c>, <c>lxc-stop</c>, <c>lxc-destroy</c> and <c>lxc-ls</c> are (Debian's lxc package).</summary>
    public string LxcToolsDirectory { get; init; } = "/usr/bin";

    /// <summary>skopeo (copies an OCI image from a registry into the root's image cache): a name looked up in PATH, or a path.</summary>
    public string SkopeoExecutable { get; init; } = "skopeo";

    /// <summary>umoci (unpacks a cached image into a container's root file system): a name looked up in PATH, or a path.</summary>
    public string UmociExecutable { get; init; } = "umoci";

    /// <summary>The nginx program of the private master that publishes the host ports (nginx <c>stream</c>).</summary>
    public string NginxExecutable { get; init; } = "/usr/sbin/nginx";

    /// <summary>nginx's stream module (Debian's libnginx-mod-stream).</summary>
    public string StreamModule { get; init; } = "/usr/lib/nginx/modules/ngx_stream_module.so";

    /// <summary>The script that creates the bridge when it is missing (run with <c>start</c>).</summary>
    public string LxcNetScript { get; init; } = "/usr/libexec/lxc/lxc-net";

    /// <summary>lxc's common configuration, included in every container's configuration when the file exists.</summary>
    public string CommonConfiguration { get; init; } = "/usr/share/lxc/config/common.conf";

    /// <summary>The bridge the containers are attached to; its IPv4 address is their gateway.</summary>
    public string Bridge { get; init; } = "lxcbr0";

    /// <summary>First address Portique gives a container (inside the bridge's subnet, outside its DHCP range).</summary>
    public string AddressPoolFirst { get; init; } = "10.0.3.100";

    /// <summary>Last address Portique gives a container.</summary>
    public string AddressPoolLast { get; init; } = "10.0.3.250";

    /// <summary>
    /// A host-wide lock held while an address is chosen and its container started: roots share the bridge, so two
    /// Portique processes must not hand out the same address at the same moment.
    /// </summary>
    public string AddressLockFile { get; init; } = "/run/lock/portique-lxc-addresses.lock";

    /// <summary>How long an address may take to answer a ping before it is considered free.</summary>
    public TimeSpan AddressProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Registries (<c>host[:port]</c>) pulled from over plain HTTP, besides loopback ones (127.0.0.0/8, localhost, ::1),
    /// which are always allowed, as docker does.
    /// </summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>The longest one lxc, umoci or nginx command may take.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The longest an image download (skopeo) may take.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the port proxy (nginx) may take to start or apply a reload.</summary>
    public TimeSpan ProxyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Size at which lxc rotates a container's console log (<c>lxc.console.size</c>, a power of two).</summary>
    public string ConsoleLogSize { get; init; } = "4MB";

    /// <summary>Whether the host runs the unified cgroup hierarchy (v2): limits are then <c>lxc.cgroup2.*</c> keys, else v1's <c>lxc.cgroup.*</c>.</summary>
    public bool UnifiedCgroups { get; init; } = File.Exists("/sys/fs/cgroup/cgroup.controllers");
}
