using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portique.Planning;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Swarm;

/// <summary>
/// A swarm service set aside: swarm cannot rename a service, so setting one aside records what re-creates it
/// (<c>ROOT/var/lib/portique/swarm/NAME.aside.json</c>) and removes it, which frees the name. The record holds the
/// service's own labels (the Portique spec among them) and the image it ran; <see cref="SwarmDriver.RenameAsync"/>
/// re-creates the service from them and deletes the record.
/// </summary>
internal sealed record AsideRecord
{
    public const string Extension = ".aside.json";

    public required string Root { get; init; }

    public required string Name { get; init; }

    /// <summary>The id of the removed service (informational: the restored one gets a new id).</summary>
    public required string ServiceId { get; init; }

    /// <summary>The image reference the service ran (<c>repository/name:tag@sha256:...</c> or an image id).</summary>
    public required string Image { get; init; }

    /// <summary>The service's labels, exactly as they were (<c>portique.root</c>, <c>portique.spec</c>...).</summary>
    public required Dictionary<string, string> Labels { get; init; }

    public required DateTimeOffset SetAsideAt { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, AsideRecordJsonContext.Default.AsideRecord);

    /// <summary>The record in <paramref name="text"/>, or null when it is not one.</summary>
    public static AsideRecord? TryParse(string text)
    {
        try
        {
            var record = JsonSerializer.Deserialize(text, AsideRecordJsonContext.Default.AsideRecord);
            return record is { Root.Length: > 0, Name.Length: > 0, Image.Length: > 0, Labels: not null } ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Reads back a <see cref="ServiceSpec.CanonicalJson"/>: what a service was created from.</summary>
internal static class CanonicalSpec
{
    /// <summary>The spec <paramref name="json"/> describes, named <paramref name="name"/>; null when unreadable.</summary>
    public static ServiceSpec? TryParse(string? json, string name, int index) =>
        SpecSchema.TryParse(json, name, index, SwarmSettings.Read);

    public static int Index(IDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0;
}

/// <summary>The record's JSON, generated at build time (no reflection: the shipped command is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AsideRecord))]
internal sealed partial class AsideRecordJsonContext : JsonSerializerContext;
