using System.Text.Json;
using System.Text.Json.Serialization;
using Portique.Planning;

namespace Portique.Technologies.Lxc;

/// <summary>
/// <c>portique.json</c>, next to each container's <c>config</c>: what Portique made the container from. lxc keeps no
/// labels, so this file plays their part: the spec (canonical JSON and hash) decides whether the container still
/// matches, and the rest (address, command, mounts) is enough to write its lxc configuration again.
/// </summary>
internal sealed record LxcRecord
{
    public const string FileName = "portique.json";

    public int FormatVersion { get; init; } = 1;

    public required string Name { get; init; }

    /// <summary>The Portique root that created it (for an administrator reading the file; ownership is where it lives).</summary>
    public required string Root { get; init; }

    /// <summary>A random id given at creation and kept across set-aside and restore.</summary>
    public required string InstanceId { get; init; }

    public required string Spec { get; init; }

    public required string SpecHash { get; init; }

    public required int Index { get; init; }

    /// <summary>The image reference, <c>registry/name:tag</c>.</summary>
    public required string Image { get; init; }

    /// <summary>The manifest digest in the root's image cache: the artifact identity.</summary>
    public required string Digest { get; init; }

    /// <summary>The container's IPv4 address on the bridge.</summary>
    public required string Address { get; init; }

    public required int PrefixLength { get; init; }

    public required string Gateway { get; init; }

    public required string Bridge { get; init; }

    public required string PublishAddress { get; init; }

    public required IReadOnlyList<PortMapping> Ports { get; init; }

    /// <summary>
    /// True on the root's private network: Portique's frontend publishes <see cref="Ports"/> (nginx stream), and this
    /// driver's own proxy leaves them alone. False in records older than the private network.
    /// </summary>
    public bool PortsPublishedByFrontend { get; init; }

    public required IReadOnlyList<VolumeMapping> Volumes { get; init; }

    /// <summary>The image's environment, then the service's (a service value wins).</summary>
    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary>The image's entrypoint and command: what runs as the container's only process.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    public required string WorkingDirectory { get; init; }

    public required int Uid { get; init; }

    public required int Gid { get; init; }

    /// <summary><c>conteneurN_memoire</c> in bytes, or null (no limit; records older than limits).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary><c>conteneurN_cpu</c>, or null (no limit).</summary>
    public decimal? Cpus { get; init; }

    public DateTimeOffset Created { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, LxcRecordJsonContext.Default.LxcRecord);

    /// <summary>The record in <paramref name="directory"/>, or null when missing or unreadable.</summary>
    public static LxcRecord? TryRead(string directory)
    {
        var path = Path.Join(directory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), LxcRecordJsonContext.Default.LxcRecord) : null;
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>The record's JSON, generated at build time (no reflection: the shipped command is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LxcRecord))]
internal sealed partial class LxcRecordJsonContext : JsonSerializerContext;
