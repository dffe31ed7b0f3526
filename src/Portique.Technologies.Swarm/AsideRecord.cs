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

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public required string Root { get; init; }

    public required string Name { get; init; }

    /// <summary>The id of the removed service (informational: the restored one gets a new id).</summary>
    public required string ServiceId { get; init; }

    /// <summary>The image reference the service ran (<c>repository/name:tag@sha256:...</c> or an image id).</summary>
    public required string Image { get; init; }

    /// <summary>The service's labels, exactly as they were (<c>portique.root</c>, <c>portique.spec</c>...).</summary>
    public required Dictionary<string, string> Labels { get; init; }

    public required DateTimeOffset SetAsideAt { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>The record in <paramref name="text"/>, or null when it is not one.</summary>
    public static AsideRecord? TryParse(string text)
    {
        try
        {
            var record = JsonSerializer.Deserialize<AsideRecord>(text, Json);
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
    public static ServiceSpec? TryParse(string? json, string name, int index)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!TechnologyNames.TryParse(root.GetProperty("technology").GetString(), out var technology))
            {
                return null;
            }

            return new ServiceSpec
            {
                Index = index,
                Name = name,
                Technology = technology,
                Url = root.GetProperty("url").GetString() ?? "",
                Tag = root.GetProperty("tag").GetString() ?? "",
                Repository = root.GetProperty("repository").GetString() ?? "",
                Ports = root.GetProperty("ports").EnumerateArray().Select(p => new PortMapping(p[0].GetInt32(), p[1].GetInt32())).ToArray(),
                Volumes = root.GetProperty("volumes").EnumerateArray().Select(v => new VolumeMapping(v[0].GetString()!, v[1].GetString()!)).ToArray(),
                Environment = root.GetProperty("environment").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                KeepPrefix = false,
                PublishAddress = root.GetProperty("publish_address").GetString() ?? "",
                Replicas = root.GetProperty("replicas").GetInt32(),
            };
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            return null;
        }
    }

    public static int Index(IDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0;
}
