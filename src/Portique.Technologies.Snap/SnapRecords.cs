using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Snap;

/// <summary>
/// What Portique knows of a snap it installed for a service: snaps cannot carry labels, so this file is the label.
/// It is believed only while snapd still lists the snap (see <see cref="SnapEngine"/>): rebuildable from what is observed,
/// never a source of truth on its own.
/// </summary>
internal sealed record SnapRecord
{
    [JsonPropertyName("root")]
    public required string Root { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("index")]
    public int Index { get; init; }

    /// <summary><c>snap</c> or <c>snapcraft</c>.</summary>
    [JsonPropertyName("technology")]
    public required string Technology { get; init; }

    /// <summary>The snap's name (<c>conteneurN_url</c>).</summary>
    [JsonPropertyName("snap")]
    public required string Snap { get; init; }

    [JsonPropertyName("instance_id")]
    public required string InstanceId { get; init; }

    [JsonPropertyName("spec_hash")]
    public required string SpecHash { get; init; }

    [JsonPropertyName("spec")]
    public required string Spec { get; init; }

    [JsonPropertyName("artifact_id")]
    public required string ArtifactId { get; init; }

    /// <summary>The revision snapd reported once the change was done (<c>x1</c>, <c>x2</c>... for local builds).</summary>
    [JsonPropertyName("revision")]
    public string? Revision { get; init; }

    /// <summary>The channel snapd tracks for it (store snaps).</summary>
    [JsonPropertyName("tracking_channel")]
    public string? TrackingChannel { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary>[port_out, port_in] pairs: where the snap itself listens (it is not published by anyone).</summary>
    [JsonPropertyName("ports")]
    public required int[][] Ports { get; init; }

    [JsonPropertyName("installed_at")]
    public DateTimeOffset InstalledAt { get; init; }

    /// <summary>The <c>KEY=VALUE</c> entries of the spec, applied as snap configuration.</summary>
    public IReadOnlyList<string> Environment()
    {
        try
        {
            return JsonNode.Parse(Spec)?["environment"] is JsonArray entries
                ? entries.Select(e => e?.GetValue<string>() ?? "").Where(e => e.Length > 0).ToArray()
                : [];
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return [];
        }
    }
}

/// <summary>
/// The record files: <c>/var/lib/portique/snap/NAME.json</c> for the live instance, <c>NAME.portique-aside.json</c> for
/// one set aside during a replacement. Written atomically, 0600 (the environment may hold secrets).
/// </summary>
internal sealed partial class SnapRecordStore(PortiqueRoot root)
{
    public PortiqueRoot Root { get; } = root;

    public string Directory => Path.Join(Root.StateDirectory, "snap");

    public string PathOf(string name, bool aside) => Path.Join(Directory, (aside ? ServiceLifecycle.AsideName(name) : name) + ".json");

    /// <summary>The record when it is readable, names this root and this service; else null.</summary>
    public SnapRecord? Read(string name, bool aside)
    {
        try
        {
            var record = JsonSerializer.Deserialize(File.ReadAllText(PathOf(name, aside)), SnapRecordJsonContext.Default.SnapRecord);
            return record is not null && record.Root == Root.Directory && record.Name == name ? record : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>True when a file exists for <paramref name="name"/> that <see cref="Read"/> does not accept.</summary>
    public bool HasForeignFile(string name) => File.Exists(PathOf(name, aside: false)) && Read(name, aside: false) is null;

    /// <summary>Every readable record of this root, with whether it is the aside one.</summary>
    public IReadOnlyList<(SnapRecord Record, bool Aside)> ReadAll()
    {
        var found = new List<(SnapRecord, bool)>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return found;
        }

        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            var stem = Path.GetFileName(file)[..^".json".Length];
            var aside = ServiceLifecycle.IsAsideName(stem, out var name);
            if (IsServiceName(name) && Read(name, aside) is { } record)
            {
                found.Add((record, aside));
            }
        }

        return found;
    }

    public void Write(SnapRecord record, bool aside)
    {
        try
        {
            var directory = Directory;
            if (!System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            AtomicFile.WriteText(PathOf(record.Name, aside), JsonSerializer.Serialize(record, SnapRecordJsonContext.Default.SnapRecord), AtomicFile.PrivateMode);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatStateFailed(record.Name, exception.Message), exception);
        }
    }

    public void Delete(string name, bool aside)
    {
        try
        {
            File.Delete(PathOf(name, aside));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatStateFailed(name, exception.Message), exception);
        }
    }

    public static bool IsServiceName(string? name) => name is not null && ServiceName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();
}

/// <summary>The record's JSON, generated at build time (no reflection: the shipped command is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SnapRecord))]
internal sealed partial class SnapRecordJsonContext : JsonSerializerContext;

/// <summary>snapd's request bodies and the build's <c>build.json</c>: flat objects of texts, on one line.</summary>
[JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class SnapdJsonContext : JsonSerializerContext;
