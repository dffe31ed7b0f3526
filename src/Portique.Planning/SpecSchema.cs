using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Portique.Planning;

/// <summary>
/// How a spec field is named in <c>plan</c>'s reasons (the <c>conteneurN_*</c> suffix the administrator wrote), when
/// that differs from its canonical name; and whether its values may hold secrets (the plan then names keys, never values).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SpecFieldAttribute(string label) : Attribute
{
    public string Label { get; } = label;

    /// <summary>The values are <c>KEY=VALUE</c> entries that may hold secrets: a change names the keys only.</summary>
    public bool KeysOnly { get; init; }
}

/// <summary>
/// Settings that only one technology has (swarm's replicas...): a typed extension of <see cref="ServiceSpec"/>. The
/// concrete type is a record of its technology's module, serialised by its own source-generated contract
/// (<see cref="Contract"/>); its fields are merged into the canonical form beside the common ones.
/// Fields at their CLR default are omitted (the contract uses <see cref="JsonIgnoreCondition.WhenWritingDefault"/>),
/// so adding a field never changes the hash of a spec that does not use it.
/// </summary>
public abstract record TechnologySettings
{
    /// <summary>The source-generated contract of the concrete type.</summary>
    [JsonIgnore]
    public abstract JsonTypeInfo Contract { get; }
}

/// <summary>
/// The one schema of a spec: its canonical form (what changes need a new instance), its hash, the field labels
/// <c>plan</c> shows, and reading a stored canonical form back. Written and read through the source-generated
/// <see cref="SpecJsonContext"/>: field names exist only in <see cref="SpecDocument"/>.
/// </summary>
public static class SpecSchema
{
    /// <summary>The canonical form: the common fields and the technology's settings, keys in ordinal order.</summary>
    public static string CanonicalJson(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fields = JsonSerializer.SerializeToNode(SpecDocument.From(spec), SpecJsonContext.Default.SpecDocument)!.AsObject();
        if (spec.Settings is { } settings)
        {
            foreach (var (name, value) in JsonSerializer.SerializeToNode(settings, settings.Contract)!.AsObject().ToArray())
            {
                fields[name] = value?.DeepClone();
            }
        }

        var sorted = new JsonObject();
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal).ToArray())
        {
            sorted[name] = value?.DeepClone();
        }

        return sorted.ToJsonString(SpecJsonContext.Default.Options);
    }

    /// <summary>sha256 of <see cref="CanonicalJson"/>, lower-case hex.</summary>
    public static string Hash(ServiceSpec spec) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson(spec))));

    /// <summary>
    /// The spec a stored canonical form describes, named <paramref name="name"/> (the canonical form leaves out the
    /// name, the index and routing); its technology's settings are read by <paramref name="settings"/>. Null when
    /// the text is not a canonical form.
    /// </summary>
    public static ServiceSpec? TryParse(string? json, string name, int index, Func<string, TechnologySettings?>? settings = null)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var document = JsonSerializer.Deserialize(json, SpecJsonContext.Default.SpecDocument);
            return document?.ToSpec(name, index, settings?.Invoke(json));
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Reads settings of type <typeparamref name="T"/> from a stored canonical form (its other fields are ignored).</summary>
    public static T? ReadSettings<T>(string json, JsonTypeInfo<T> contract)
        where T : TechnologySettings
    {
        try
        {
            return JsonSerializer.Deserialize(json, contract);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>How <c>plan</c> names a canonical field: its <see cref="SpecFieldAttribute"/> label, else the field name.</summary>
    public static string Label(ServiceSpec spec, string field) => Field(spec, field)?.Label ?? field;

    /// <summary>Whether a change of <paramref name="field"/> names only the keys that changed (the values may be secrets).</summary>
    public static bool KeysOnly(ServiceSpec spec, string field) => Field(spec, field)?.KeysOnly ?? false;

    private static SpecFieldAttribute? Field(ServiceSpec spec, string field)
    {
        IEnumerable<JsonPropertyInfo> properties = SpecJsonContext.Default.SpecDocument.Properties;
        if (spec.Settings is { } settings)
        {
            properties = settings.Contract.Properties.Concat(properties);
        }

        return properties.FirstOrDefault(p => p.Name == field)?.AttributeProvider?
            .GetCustomAttributes(typeof(SpecFieldAttribute), inherit: false).OfType<SpecFieldAttribute>().FirstOrDefault();
    }
}

/// <summary>
/// The common fields of the canonical form, exactly as released versions wrote them (names, shapes, escaping):
/// every container stores the hash of this text, so a change here recreates every container on upgrade.
/// Rule for new fields: the context omits fields at their CLR default (<see cref="JsonIgnoreCondition.WhenWritingDefault"/>),
/// so a new field must be null/0/false/empty-as-null when unused, and an existing hash never changes. The fields below
/// predate that rule and are always written, even empty (<c>[JsonIgnore(Condition = Never)]</c>), because every stored
/// hash includes them, and reading requires them (<c>[JsonRequired]</c>). <c>replicas</c> is one of them: it is swarm's setting now, but released versions wrote it for
/// every technology, so it stays here at 1 unless the technology's settings write their own value.
/// </summary>
internal sealed record SpecDocument
{
    // Added with the private network (docs/network.md): omitted at null, so a spec without the network keeps its hash.
    [JsonPropertyName("address")]
    [SpecField("ip")]
    public string? Address { get; init; }

    [JsonPropertyName("internal_ports")]
    [SpecField("port_in")]
    public int[]? InternalPorts { get; init; }

    [JsonPropertyName("network")]
    [SpecField("reseau_conteneurs")]
    public string? Network { get; init; }

    /// <summary>
    /// <c>frontend</c> when the frontend publishes the host ports (network on, some <c>port_out</c>), else omitted. Derived,
    /// but in the hash: an instance that published its ports itself is replaced by one that does not, or the
    /// frontend could not bind them.
    /// </summary>
    [JsonPropertyName("ports_published_by")]
    [SpecField("publication")]
    public string? PortsPublishedBy { get; init; }

    [JsonPropertyName("environment")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    [SpecField("environnement", KeysOnly = true)]
    public IReadOnlyList<string> Environment { get; init; } = [];

    [JsonPropertyName("ports")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    [SpecField("port_in/port_out")]
    public IReadOnlyList<int[]> Ports { get; init; } = [];

    [JsonPropertyName("publish_address")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    [SpecField("conteneur_ip_publication")]
    public string PublishAddress { get; init; } = "";

    [JsonPropertyName("replicas")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    public int Replicas { get; init; } = 1;

    [JsonPropertyName("repository")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    public string Repository { get; init; } = "";

    [JsonPropertyName("tag")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    public string Tag { get; init; } = "";

    [JsonPropertyName("technology")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    public string Technology { get; init; } = "";

    [JsonPropertyName("url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    public string Url { get; init; } = "";

    [JsonPropertyName("volumes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [JsonRequired]
    [SpecField("mountpoint_out/mountpoint_in")]
    public IReadOnlyList<string[]> Volumes { get; init; } = [];

    /// <summary>Newer than the hash rule: absent when null, so a service at the default keeps its hash.</summary>
    [JsonPropertyName("stop_timeout")]
    [SpecField("delai_arret")]
    public int? StopTimeout { get; init; }

    /// <summary>Newer than the hash rule (issue 16): absent when there is no limit; the size in its largest exact unit (<c>512M</c>).</summary>
    [JsonPropertyName("memory")]
    [SpecField("memoire")]
    public string? Memory { get; init; }

    [JsonPropertyName("cpus")]
    [SpecField("cpu")]
    public decimal? Cpus { get; init; }
    /// <summary>
    /// <c>KEY=DIGEST</c> per secret (docs/secrets.md), never a value; absent when the service has none, so its hash does
    /// not change. Keys only in <c>plan</c>: "secrets: KEY".
    /// </summary>
    [JsonPropertyName("secrets")]
    [SpecField("secrets", KeysOnly = true)]
    public string[]? Secrets { get; init; }

    public static SpecDocument From(ServiceSpec spec) => new()
    {
        Secrets = spec.Secrets.Count == 0 ? null : spec.Secrets.Select(s => s.Key + "=" + s.Digest).ToArray(),
        StopTimeout = spec.StopTimeoutSeconds,
        Memory = spec.MemoryBytes is long memory ? Portique.Core.MemorySize.Format(memory) : null,
        Cpus = spec.Cpus,
        Address = spec.Address,
        InternalPorts = spec.InternalPorts.Count == 0 ? null : spec.InternalPorts.ToArray(),
        Network = spec.Network,
        PortsPublishedBy = spec.PortsPublishedByFrontend && spec.Ports.Count > 0 ? "frontend" : null,
        Environment = spec.Environment,
        Ports = spec.Ports.Select(p => new[] { p.HostPort, p.ContainerPort }).ToArray(),
        PublishAddress = spec.PublishAddress,
        Repository = spec.Repository,
        Tag = spec.Tag,
        Technology = spec.Technology.Name,
        Url = spec.Url,
        Volumes = spec.Volumes.Select(v => new[] { v.HostPath, v.ContainerPath }).ToArray(),
    };

    public ServiceSpec? ToSpec(string name, int index, TechnologySettings? settings)
    {
        if (!Portique.Planning.Technology.TryFromName(Technology, out var technology)
            || Ports.Any(p => p is not { Length: 2 })
            || Volumes.Any(v => v is not [not null, not null]))
        {
            return null;
        }

        return new ServiceSpec
        {
            Index = index,
            Name = name,
            Technology = technology,
            Url = Url ?? "",
            Tag = Tag ?? "",
            Repository = Repository ?? "",
            Ports = Ports.Select(p => new PortMapping(p[0], p[1])).ToArray(),
            Volumes = Volumes.Select(v => new VolumeMapping(v[0], v[1])).ToArray(),
            Environment = Environment?.ToArray() ?? [],
            KeepPrefix = false,
            PublishAddress = PublishAddress ?? "",
            Address = Address,
            Network = Network,
            InternalPorts = InternalPorts ?? [],
            Settings = settings,
            StopTimeoutSeconds = StopTimeout,
            MemoryBytes = Memory is not null && Portique.Core.MemorySize.TryParse(Memory, out var bytes) ? bytes : null,
            Cpus = Cpus,
            Secrets = Secrets?.Select(s => s.Split('=', 2)).Select(p => new SecretMapping(p[0], "", p.Length > 1 ? p[1] : "")).ToArray() ?? [],
        };
    }
}

/// <summary>The source-generated contract of <see cref="SpecDocument"/>, with the options every released version hashed with.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(SpecDocument))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;
