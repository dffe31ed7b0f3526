using System.Text.Json;
using System.Text.Json.Serialization;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Vagrant;

/// <summary>
/// <c>portique.json</c>, next to each service's Vagrantfile: what Portique made the machine from. It is the ownership
/// mark (with the folder's place under the root) and holds everything needed to write the Vagrantfile again.
/// </summary>
internal sealed record VagrantRecord
{
    public const string FileName = "portique.json";

    public int FormatVersion { get; init; } = 1;

    public required string Name { get; init; }

    public required string Root { get; init; }

    /// <summary>A random id given at creation and kept across set-aside and restore.</summary>
    public required string InstanceId { get; init; }

    public required string Spec { get; init; }

    public required string SpecHash { get; init; }

    public required int Index { get; init; }

    public required VagrantProvider Provider { get; init; }

    /// <summary>docker provider: the image reference; box providers: the box name.</summary>
    public required string Image { get; init; }

    /// <summary>Box providers: the box version (empty: the newest).</summary>
    public required string BoxVersion { get; init; }

    /// <summary>Box providers: the box server (empty: Vagrant's default).</summary>
    public required string BoxServer { get; init; }

    /// <summary>What <see cref="IServiceDriver.FetchAsync"/> returned: docker image id, or <c>box@version</c>.</summary>
    public required string Artifact { get; init; }

    public required string PublishAddress { get; init; }

    public required IReadOnlyList<PortMapping> Ports { get; init; }

    public required IReadOnlyList<VolumeMapping> Volumes { get; init; }

    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary><c>conteneurN_memoire</c> in bytes, or null (no limit; records older than limits).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary><c>conteneurN_cpu</c>, or null (no limit).</summary>
    public decimal? Cpus { get; init; }

    /// <summary>The service's address on the root's private network, or null (off; records older than the network).</summary>
    public string? Address { get; init; }

    /// <summary>The private network's CIDR when <see cref="Address"/> is set.</summary>
    public string? Network { get; init; }

    public DateTimeOffset Created { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, VagrantRecordJsonContext.Default.VagrantRecord);

    public static VagrantRecord? TryRead(string directory)
    {
        var path = Path.Join(directory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), VagrantRecordJsonContext.Default.VagrantRecord) : null;
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>The record's JSON, generated at build time (no reflection: the shipped command is compiled ahead of time).
/// Enums are written as camel-case names (<c>"libvirt"</c>, <c>"tcp"</c>), as records written before were.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(CamelCaseEnumConverter<VagrantProvider>), typeof(CamelCaseEnumConverter<PortProtocol>)])]
[JsonSerializable(typeof(VagrantRecord))]
internal sealed partial class VagrantRecordJsonContext : JsonSerializerContext;
