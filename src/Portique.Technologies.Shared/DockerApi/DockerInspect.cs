using Docker.DotNet.Models;
using Portique.Planning;

namespace Portique.Technologies.Shared;

/// <summary>What the drivers read out of Engine API answers: names, labels, health, short ids.</summary>
internal static class DockerInspect
{
    /// <summary>The container's name without dockerd's leading <c>/</c> (its id when it has none).</summary>
    public static string ContainerName(ContainerInspectResponse container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return (container.Name ?? container.ID).TrimStart('/');
    }

    /// <summary>The value of label <paramref name="key"/>, or null.</summary>
    public static string? Label(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    /// <summary>Whether the labels hold exactly <paramref name="key"/>=<paramref name="value"/> (how a driver knows what is its own).</summary>
    public static bool HasLabel(IDictionary<string, string>? labels, string key, string value) =>
        labels is not null && labels.TryGetValue(key, out var actual) && actual == value;

    /// <summary>
    /// The container's health as dockerd reports it: NotRunning unless running (not restarting, paused or dead), then
    /// its HEALTHCHECK's verdict, Running without one.
    /// </summary>
    public static EngineHealth Health(ContainerInspectResponse container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var state = container.State;
        if (state is null || !state.Running || state.Restarting || state.Paused || state.Dead)
        {
            return EngineHealth.NotRunning;
        }

        return state.Health?.Status switch
        {
            "healthy" => EngineHealth.Healthy,
            "unhealthy" => EngineHealth.Unhealthy,
            "starting" => EngineHealth.Starting,
            _ => EngineHealth.Running,
        };
    }

    /// <summary>An id as docker prints it: 12 characters, without <c>sha256:</c>; <c>?</c> when there is none.</summary>
    public static string ShortId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "?";
        }

        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return bare.Length > 12 ? bare[..12] : bare;
    }
}
