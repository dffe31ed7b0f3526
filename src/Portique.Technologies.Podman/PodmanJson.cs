using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Portique.Technologies.Podman;

/// <summary>The parts of <c>podman container inspect --format json</c> the driver reads.</summary>
internal sealed record PodmanContainer
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>RFC 3339 with nanoseconds: compared as text (same zone, same format), never parsed.</summary>
    public string Created { get; init; } = "";

    /// <summary>The image id (64 hex digits, no <c>sha256:</c>).</summary>
    public string Image { get; init; } = "";

    public string ImageName { get; init; } = "";

    public long RestartCount { get; init; }

    public PodmanState State { get; init; } = new();

    public PodmanConfig Config { get; init; } = new();

    public PodmanHostConfig HostConfig { get; init; } = new();
}

internal sealed record PodmanState
{
    public string Status { get; init; } = "";

    public bool Running { get; init; }

    public bool Paused { get; init; }

    public bool Restarting { get; init; }

    public bool Dead { get; init; }

    public string StartedAt { get; init; } = "";

    /// <summary>The container's init process, seen from the host (0 when not running).</summary>
    public int Pid { get; init; }

    /// <summary>podman 4 and later.</summary>
    public PodmanHealth? Health { get; init; }

    /// <summary>podman 3 (same content, older name).</summary>
    public PodmanHealth? Healthcheck { get; init; }
}

internal sealed record PodmanHealth
{
    public string Status { get; init; } = "";
}

internal sealed record PodmanConfig
{
    public Dictionary<string, string>? Labels { get; init; }

    public PodmanHealthcheck? Healthcheck { get; init; }
}

internal sealed record PodmanHealthcheck
{
    public List<string>? Test { get; init; }

    /// <summary>Nanoseconds; 0 means podman's default (30 s).</summary>
    public long Interval { get; init; }

    /// <summary>A check that does something (not absent, not <c>NONE</c>).</summary>
    [JsonIgnore]
    public bool IsDefined => Test is { Count: > 0 } test && test[0] != "NONE";
}

internal sealed record PodmanHostConfig
{
    public Dictionary<string, List<PodmanPortBinding>?>? PortBindings { get; init; }
}

internal sealed record PodmanPortBinding
{
    public string HostIp { get; init; } = "";

    public string HostPort { get; init; } = "";
}

/// <summary>One row of <c>podman ps --format json</c>.</summary>
internal sealed record PodmanListed
{
    public string Id { get; init; } = "";

    public List<string>? Names { get; init; }

    public Dictionary<string, string>? Labels { get; init; }
}

/// <summary>The parts of <c>podman image inspect --format json</c> the driver reads.</summary>
internal sealed record PodmanImage
{
    public string Id { get; init; } = "";

    /// <summary>The manifest digest the image was pulled by (empty for an image built or loaded here).</summary>
    public string? Digest { get; init; }

    /// <summary><c>name@sha256:...</c> for each registry manifest the image is known by.</summary>
    public List<string>? RepoDigests { get; init; }
}

/// <summary>One network of <c>podman network ls --format json</c>.</summary>
internal sealed record PodmanNetwork
{
    public string Name { get; init; } = "";

    public List<PodmanSubnet>? Subnets { get; init; }
}

internal sealed record PodmanSubnet
{
    public string? Subnet { get; init; }
}

internal static class PodmanJson
{
    /// <summary>podman prints arrays (<c>inspect</c>, <c>ps</c>); an empty output is an empty array.</summary>
    /// <param name="text">podman's output.</param>
    /// <param name="contract">The array's generated contract (<see cref="PodmanJsonContext"/>).</param>
    public static List<T> ParseArray<T>(string text, JsonTypeInfo<List<T>> contract)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 || trimmed == "null" ? [] : JsonSerializer.Deserialize(trimmed, contract) ?? [];
    }
}

/// <summary>podman's JSON, read without reflection (the shipped command is compiled ahead of time); names as podman writes them, any case.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(List<PodmanListed>))]
[JsonSerializable(typeof(List<PodmanContainer>))]
[JsonSerializable(typeof(List<PodmanNetwork>))]
[JsonSerializable(typeof(List<PodmanImage>))]
internal sealed partial class PodmanJsonContext : JsonSerializerContext;
