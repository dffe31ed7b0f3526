using System.Text.Json;

namespace Portique.Orchestration;

/// <summary>Reads what a snapshot needs from an instance's canonical spec (<see cref="Planning.SpecSchema"/>'s form).</summary>
public static class SnapshotSpec
{
    /// <summary>The host side of each volume, or null when the spec is absent or unreadable.</summary>
    public static IReadOnlyList<string>? HostVolumes(string? specJson) =>
        Read(specJson, root => root.TryGetProperty("volumes", out var volumes) && volumes.ValueKind == JsonValueKind.Array
            ? volumes.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2).Select(v => v[0].GetString() ?? "").Where(p => p.Length > 0).ToArray()
            : null);

    /// <summary>The spec's string field (<c>url</c>, <c>tag</c>, <c>repository</c>, <c>technology</c>), or null.</summary>
    public static string? Field(string? specJson, string name) =>
        Read(specJson, root => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null);

    private static T? Read<T>(string? specJson, Func<JsonElement, T?> read)
        where T : class
    {
        if (specJson is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(specJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
