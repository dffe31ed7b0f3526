using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Portique.Planning.Tests;

/// <summary>
/// A technology's settings as a module declares them: <c>replicas</c> like swarm's (always written), and two fields
/// added later, declared out of order, omitted at their default.
/// </summary>
internal sealed record ExampleSettings : TechnologySettings
{
    [JsonPropertyName("zz_extra")]
    [SpecField("extra_label")]
    public string? Extra { get; init; }

    [JsonPropertyName("replicas")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int Replicas { get; init; } = 1;

    [JsonPropertyName("a_count")]
    public int Count { get; init; }

    [JsonIgnore]
    public override JsonTypeInfo Contract => ExampleJsonContext.Default.ExampleSettings;
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(ExampleSettings))]
internal sealed partial class ExampleJsonContext : JsonSerializerContext;
