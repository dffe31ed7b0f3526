using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Qemu;

/// <summary>
/// Where the qemu driver keeps things under a Portique root:
/// <list type="bullet">
/// <item><c>/var/lib/portique/qemu/images/TAG/URL</c>: downloaded base images, read-only, with <c>URL.portique.json</c> (digest, format, source);</item>
/// <item><c>/var/lib/portique/qemu/vms/NAME/</c>: one VM's state folder: <c>portique.json</c> (the record: spec, hash, instance id),
/// <c>disk.qcow2</c> (copy-on-write overlay on the base), <c>console.log</c> (serial console), <c>environment</c>, <c>volumes</c>;
/// renamed <c>NAME.portique-aside</c> while set aside;</item>
/// <item><c>/run/portique-qemu/NAME.pid</c> and <c>NAME.qmp</c>: the running process (gone at reboot, like the process).</item>
/// </list>
/// </summary>
internal sealed partial class QemuLayout(PortiqueRoot root)
{
    /// <summary>sun_path holds 108 bytes, the terminating NUL included.</summary>
    private const int MaxSocketPath = 107;

    public PortiqueRoot Root { get; } = root;

    public string ImagesDirectory => Path.Join(Root.StateDirectory, "qemu", "images");

    public string VmsDirectory => Path.Join(Root.StateDirectory, "qemu", "vms");

    public string RunDirectory => Root.Resolve("/run/portique-qemu");

    public string ImagePath(string tag, string url) => Path.Join(ImagesDirectory, tag, url);

    public static string ImageMetadataPath(string imagePath) => imagePath + ".portique.json";

    public string VmDirectory(string name, bool aside) => Path.Join(VmsDirectory, aside ? ServiceLifecycle.AsideName(name) : name);

    /// <summary>The state folder of a VM that is not set aside: its instance name (<c>NAME</c> or <c>NAME.portique-next</c>).</summary>
    public string InstanceDirectory(string instanceName) => Path.Join(VmsDirectory, instanceName);

    /// <summary>A folder being assembled by a create; renamed to <see cref="VmDirectory"/> once complete.</summary>
    public string CreatingDirectory(string name) => Path.Join(VmsDirectory, "." + name + ".creating");

    public static string RecordPath(string vmDirectory) => Path.Join(vmDirectory, "portique.json");

    public static string DiskPath(string vmDirectory) => Path.Join(vmDirectory, "disk.qcow2");

    public static string ConsoleLogPath(string vmDirectory) => Path.Join(vmDirectory, "console.log");

    public static string EnvironmentPath(string vmDirectory) => Path.Join(vmDirectory, "environment");

    public static string VolumesPath(string vmDirectory) => Path.Join(vmDirectory, "volumes");

    public string PidFile(string name) => Path.Join(RunDirectory, name + ".pid");

    /// <summary>
    /// The QMP socket: <c>NAME.qmp</c> in <see cref="RunDirectory"/>, or a hash of the name when that path would not
    /// fit a unix socket address; null when even that does not fit (a very deep root).
    /// </summary>
    public string? QmpSocket(string name)
    {
        var plain = Path.Join(RunDirectory, name + ".qmp");
        if (Encoding.UTF8.GetByteCount(plain) <= MaxSocketPath)
        {
            return plain;
        }

        var hashed = Path.Join(RunDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16] + ".qmp");
        return Encoding.UTF8.GetByteCount(hashed) <= MaxSocketPath ? hashed : null;
    }

    /// <summary>Service names as everywhere in Portique: DNS labels.</summary>
    public static bool IsServiceName(string? name) => name is not null && ServiceName().IsMatch(name);

    /// <summary><c>conteneurN_url</c> for qemu: a file name (no folder), ending in .qcow2, .img or .raw.</summary>
    public static bool IsImageName(string? url) => url is not null && ImageName().IsMatch(url);

    /// <summary><c>conteneurN_tag</c>: a folder name under <see cref="ImagesDirectory"/>.</summary>
    public static bool IsTag(string? tag) => tag is not null && Tag().IsMatch(tag);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.(?:qcow2|img|raw)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImageName();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}

/// <summary>What <c>URL.portique.json</c> says about a downloaded base image. Its presence means the download completed.</summary>
internal sealed record ImageMetadata
{
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    /// <summary><c>qcow2</c> or <c>raw</c>, as checked by qemu-img after the download.</summary>
    [JsonPropertyName("format")]
    public required string Format { get; init; }

    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>How the download was checked: <c>URL.sha256</c>, <c>SHA256SUMS</c>, or null when no checksum was published.</summary>
    [JsonPropertyName("verified_by")]
    public string? VerifiedBy { get; init; }

    [JsonPropertyName("downloaded_at")]
    public DateTimeOffset DownloadedAt { get; init; }

    public string ArtifactId => "sha256:" + Sha256;
}

/// <summary>
/// <c>portique.json</c> in a VM's state folder: the label a VM cannot carry. Written before the folder gets its name, so a
/// folder named like a service without a readable record was not made by Portique.
/// </summary>
internal sealed record VmRecord
{
    [JsonPropertyName("root")]
    public required string Root { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("instance_id")]
    public required string InstanceId { get; init; }

    [JsonPropertyName("spec_hash")]
    public required string SpecHash { get; init; }

    /// <summary><see cref="Planning.ServiceSpec.CanonicalJson"/> of the spec that created the VM.</summary>
    [JsonPropertyName("spec")]
    public required string Spec { get; init; }

    [JsonPropertyName("artifact_id")]
    public required string ArtifactId { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("base_image")]
    public required string BaseImage { get; init; }

    [JsonPropertyName("base_format")]
    public required string BaseFormat { get; init; }

    [JsonPropertyName("publish_address")]
    public required string PublishAddress { get; init; }

    /// <summary>[host port, guest port] pairs.</summary>
    [JsonPropertyName("ports")]
    public required int[][] Ports { get; init; }

    /// <summary>[host folder, guest path] pairs; mount tags are <c>vol0</c>, <c>vol1</c>... in this order.</summary>
    [JsonPropertyName("volumes")]
    public required string[][] Volumes { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The guest's memory from <c>conteneurN_memoire</c>, whole mebibytes rounded up; null: the driver's default.</summary>
    [JsonPropertyName("memory_mib")]
    public long? MemoryMebibytes { get; init; }

    /// <summary>The guest's processors from <c>conteneurN_cpu</c>, rounded up; null: the driver's default.</summary>
    [JsonPropertyName("processors")]
    public int? Processors { get; init; }

    /// <summary>
    /// On the root's private network: the VM's address (the guest takes it by DHCP, reserved for <see cref="Hardware"/>),
    /// its tap on the root's bridge, and the guest port its health is checked on (the first <c>port_in</c>). Null: user-mode
    /// networking with <see cref="Ports"/> forwarded.
    /// </summary>
    [JsonPropertyName("private_network")]
    public VmPrivateNetwork? PrivateNetwork { get; init; }

    /// <summary>
    /// The VM's own name when it was started beside the one holding the service's (<c>NAME.portique-next</c>): its state
    /// folder, run files, tap and MAC, for its whole life (a running VM's tap and MAC cannot change). Null: the service's name.
    /// </summary>
    [JsonPropertyName("instance")]
    public string? Instance { get; init; }

    /// <summary>The name the VM's folder (when not set aside), run files, tap and MAC are derived from.</summary>
    [JsonIgnore]
    public string InstanceName => Instance ?? Name;
}

/// <summary>A VM's place on the root's private network (docs/network.md).</summary>
internal sealed record VmPrivateNetwork
{
    [JsonPropertyName("address")]
    public required string Address { get; init; }

    [JsonPropertyName("bridge")]
    public required string Bridge { get; init; }

    [JsonPropertyName("tap")]
    public required string Tap { get; init; }

    [JsonPropertyName("hardware")]
    public required string Hardware { get; init; }

    /// <summary>The first <c>port_in</c>, or null: no port to check (running is enough).</summary>
    [JsonPropertyName("health_port")]
    public int? HealthPort { get; init; }
}

/// <summary>The VM record and image metadata as JSON, generated at build time (no reflection: the shipped command is
/// compiled ahead of time), indented for an administrator reading them.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(VmRecord))]
[JsonSerializable(typeof(ImageMetadata))]
internal sealed partial class QemuJsonContext : JsonSerializerContext;

/// <summary>QMP's commands: one JSON object per line, never indented.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class QmpJsonContext : JsonSerializerContext;
