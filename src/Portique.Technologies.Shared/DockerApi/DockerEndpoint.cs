using System.Globalization;
using Docker.DotNet;
using Version = System.Version;

namespace Portique.Technologies.Shared;

/// <summary>Where dockerd listens, and a client that speaks an API version that daemon accepts.</summary>
public static class DockerEndpoint
{
    /// <summary>The local daemon's socket, used when <c>DOCKER_HOST</c> is not set.</summary>
    public static Uri LocalSocket { get; } = new("unix:///var/run/docker.sock");

    /// <summary>The oldest Engine API the driver uses (Docker 19.03). Debian 12's docker.io 20.10 speaks 1.41.</summary>
    public static Version MinimumApiVersion { get; } = new(1, 40);

    /// <summary>The newest Engine API version negotiation will pick (what Docker.DotNet.Enhanced 4.3 models).</summary>
    public static Version MaximumApiVersion { get; } = new(1, 51);

    /// <summary><c>DOCKER_HOST</c> when set and not empty, else <see cref="LocalSocket"/>.</summary>
    public static Uri Default(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var host = environment("DOCKER_HOST");
        return string.IsNullOrWhiteSpace(host) ? LocalSocket : new Uri(host.Trim());
    }

    /// <summary>
    /// A client pinned to <paramref name="apiVersion"/>, or, when null, to the version the daemon reports (capped at
    /// <see cref="MaximumApiVersion"/>): an unversioned <c>GET /version</c> first, as the docker CLI negotiates.
    /// Throws <see cref="DockerApiVersionException"/> when the daemon is older than <see cref="MinimumApiVersion"/>.
    /// </summary>
    public static async Task<DockerClient> ConnectAsync(Uri endpoint, Version? apiVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (apiVersion is null)
        {
            using var probe = new DockerClientBuilder().WithEndpoint(endpoint).Build();
            var version = await probe.System.GetVersionAsync(cancellationToken);
            var server = ParseApiVersion(version.APIVersion);
            if (server < MinimumApiVersion)
            {
                throw new DockerApiVersionException(server);
            }

            apiVersion = server > MaximumApiVersion ? MaximumApiVersion : server;
        }

        return new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(apiVersion).Build();
    }

    internal static Version ParseApiVersion(string? text) =>
        Version.TryParse(text, out var version) ? version : new Version(0, 0);

    internal static string Describe(Version version) => version.ToString(2).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The daemon speaks an Engine API older than <see cref="DockerEndpoint.MinimumApiVersion"/>.</summary>
internal sealed class DockerApiVersionException(Version serverVersion)
    : Exception($"Docker API {serverVersion} < {DockerEndpoint.MinimumApiVersion}")
{
    public Version ServerVersion { get; } = serverVersion;
}
