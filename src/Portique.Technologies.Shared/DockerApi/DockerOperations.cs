using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;

namespace Portique.Technologies.Shared;

/// <summary>The Engine API's container calls, each failure mapped by <see cref="DockerApiClient"/>.</summary>
internal sealed class DockerContainerOperations(DockerApiClient api)
{
    /// <summary>The container whose name is exactly <paramref name="name"/> (dockerd's name filter is a regex match), or null.</summary>
    public async Task<ContainerListResponse?> FindByExactNameAsync(string name, CancellationToken cancellationToken)
    {
        var listed = await ListAsync(DockerFilters.Of("name", "^/" + Regex.Escape(name) + "$"), cancellationToken);
        return listed.FirstOrDefault(c => c.Names is not null && c.Names.Contains("/" + name));
    }

    /// <summary>Every container (running or not) carrying the label <paramref name="key"/>=<paramref name="value"/>.</summary>
    public Task<IList<ContainerListResponse>> ListByLabelAsync(string key, string value, CancellationToken cancellationToken) =>
        ListAsync(DockerFilters.Of("label", key + "=" + value), cancellationToken);

    /// <summary>The container <paramref name="id"/> (or name), or null when dockerd has none.</summary>
    public Task<ContainerInspectResponse?> TryInspectAsync(string id, CancellationToken cancellationToken) =>
        api.CallOrNullAsync((client, ct) => client.Containers.InspectContainerAsync(id, ct), m => api.Messages.InspectFailed(id, m), cancellationToken);

    /// <summary>Creates a container; a name already taken is <paramref name="nameTaken"/>(dockerd's words), any other failure <paramref name="describe"/>.</summary>
    public Task<CreateContainerResponse> CreateAsync(
        CreateContainerParameters parameters, Func<string, string> describe, Func<string, string> nameTaken, CancellationToken cancellationToken) =>
        api.CreateAsync((client, ct) => client.Containers.CreateContainerAsync(parameters, ct), describe, nameTaken, cancellationToken);

    /// <summary><c>docker stats</c>' arithmetic: memory minus inactive file pages; processor delta over the system's, times its processors.</summary>
    public static ResourceUsage Usage(ContainerStatsResponse stats)
    {
        var memory = stats.MemoryStats;
        var cache = memory?.Stats is { } details
            ? details.TryGetValue("inactive_file", out var v2) ? v2 : details.TryGetValue("total_inactive_file", out var v1) ? v1 : 0
            : 0;
        var used = (long)Math.Max(0, (decimal)(memory?.Usage ?? 0) - cache);
        decimal? percent = null;
        if (stats.CPUStats is { } now && stats.PreCPUStats is { } before && now.CPUUsage is not null && before.CPUUsage is not null
            && now.SystemUsage > before.SystemUsage && before.SystemUsage > 0)
        {
            var processors = now.OnlineCPUs > 0 ? now.OnlineCPUs : (uint)(now.CPUUsage.PercpuUsage?.Count ?? 1);
            percent = (decimal)(now.CPUUsage.TotalUsage - before.CPUUsage.TotalUsage) / (now.SystemUsage - before.SystemUsage) * processors * 100m;
        }

        return new ResourceUsage(used, percent);
    }

    /// <summary>The container's use now (<see cref="TryStatsAsync"/>, <see cref="Usage"/>); null when it is gone or dockerd refuses.</summary>
    public async Task<ResourceUsage?> TryUsageAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await TryStatsAsync(id, message => message, cancellationToken) is { } stats ? Usage(stats) : null;
        }
        catch (RuntimeFailureException)
        {
            return null;
        }
    }

    /// <summary>
    /// One sample of the container's use (not streamed): dockerd waits for a second reading so that the processor figures
    /// have a previous one (about a second). Null when the container is gone.
    /// </summary>
    public async Task<ContainerStatsResponse?> TryStatsAsync(string id, Func<string, string> describe, CancellationToken cancellationToken)
    {
        var sample = new LastValue<ContainerStatsResponse>();
        var found = await api.CallOrNullAsync(
            async (client, ct) =>
            {
                await client.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false }, sample, ct);
                return sample;
            },
            describe,
            cancellationToken);
        return found?.Value;
    }

    /// <summary>Keeps the last value reported, synchronously (a <see cref="Progress{T}"/> would post it later).</summary>
    private sealed class LastValue<T> : IProgress<T>
        where T : class
    {
        public T? Value { get; private set; }

        public void Report(T value) => Value = value;
    }

    public Task StartAsync(string id, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync((client, ct) => client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct), describe, cancellationToken);

    /// <summary>Stops the container, killing it after <paramref name="timeout"/> (rounded up to whole seconds).</summary>
    public Task StopAsync(string id, TimeSpan timeout, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Containers.StopContainerAsync(
                id,
                new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(timeout.TotalSeconds) },
                ct),
            describe,
            cancellationToken);

    public Task RenameAsync(string id, string newName, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Containers.RenameContainerAsync(id, new ContainerRenameParameters { NewName = newName }, ct),
            describe,
            cancellationToken);

    /// <summary>
    /// Force-removes the container and nothing else: anonymous volumes stay (they may hold data nobody knew was there).
    /// A container already gone is success.
    /// </summary>
    public Task RemoveAsync(string id, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallUnlessMissingAsync(
            (client, ct) => client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = false }, ct),
            describe,
            cancellationToken);

    /// <summary>
    /// Force-removes a container left by a failed step, not cancellable (a cancellation must not leave it behind), and
    /// silent: the failure of the step is what the administrator needs to read, this one would only hide it.
    /// </summary>
    public async Task RemoveQuietlyAsync(string id)
    {
        try
        {
            var client = await api.ClientAsync(CancellationToken.None);
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (Exception exception) when (exception is RuntimeFailureException or DockerApiException or HttpRequestException or IOException or SocketException)
        {
            // See above: silent on purpose.
        }
    }

    /// <summary>The container's log stream: the last <paramref name="tail"/> lines, then every new one when <paramref name="follow"/>.</summary>
    public Task<MultiplexedStream> OpenLogsAsync(string id, bool follow, int tail, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Containers.GetContainerLogsAsync(
                id,
                new ContainerLogsParameters
                {
                    ShowStdout = true,
                    ShowStderr = true,
                    Follow = follow,
                    Tail = tail.ToString(CultureInfo.InvariantCulture),
                },
                ct),
            describe,
            cancellationToken);

    private Task<IList<ContainerListResponse>> ListAsync(IDictionary<string, IDictionary<string, bool>> filters, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, ct),
            api.Messages.ListFailed,
            cancellationToken);
}

/// <summary>The Engine API's image calls, each failure mapped by <see cref="DockerApiClient"/>.</summary>
internal sealed class DockerImageOperations(DockerApiClient api)
{
    /// <summary>The image <paramref name="reference"/> (name:tag or id), or null when dockerd has none.</summary>
    public Task<ImageInspectResponse?> TryInspectAsync(string reference, CancellationToken cancellationToken) =>
        api.CallOrNullAsync(
            (client, ct) => client.Images.InspectImageAsync(reference, ct),
            m => api.Messages.InspectImageFailed(reference, m),
            cancellationToken);

    /// <summary>
    /// Pulls <paramref name="image"/>:<paramref name="tag"/>. dockerd reports a pull's own failure in the progress
    /// stream, not as a status: <paramref name="progress"/> must keep it (<see cref="PullProgress.Error"/>).
    /// </summary>
    public Task PullAsync(string image, string tag, IProgress<JSONMessage> progress, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image, Tag = tag }, new AuthConfig(), progress, ct),
            describe,
            cancellationToken);

    /// <summary>The images tagged with any of <paramref name="references"/> (name:tag), in one list call.</summary>
    public Task<IList<ImagesListResponse>> ListByReferencesAsync(
        IEnumerable<string> references, Func<string, string> describe, CancellationToken cancellationToken)
    {
        var filter = references.ToDictionary(r => r, _ => true, StringComparer.Ordinal);
        return api.CallAsync(
            (client, ct) => client.Images.ListImagesAsync(
                new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = filter } },
                ct),
            describe,
            cancellationToken);
    }

    /// <summary>The images carrying every label of <paramref name="labels"/> (key=value).</summary>
    public Task<IList<ImagesListResponse>> ListByLabelsAsync(
        IReadOnlyDictionary<string, string> labels, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Images.ListImagesAsync(
                new ImagesListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = labels.ToDictionary(l => l.Key + "=" + l.Value, _ => true, StringComparer.Ordinal),
                    },
                },
                ct),
            describe,
            cancellationToken);

    /// <summary>
    /// The registry's descriptor for <paramref name="reference"/> (name:tag), asked through dockerd
    /// (<c>GET /distribution/{name}/json</c>): dockerd's registry configuration and credentials apply, nothing is pulled.
    /// </summary>
    public Task<DistributionInspectResponse> InspectDistributionAsync(string reference, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync((client, ct) => client.Distribution.InspectAsync(reference, ct), describe, cancellationToken);

    public Task TagAsync(string id, string repository, string tag, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Images.TagImageAsync(id, new ImageTagParameters { RepositoryName = repository, Tag = tag }, ct),
            describe,
            cancellationToken);

    /// <summary>Builds from the tar <paramref name="context"/>; like a pull, a build reports its own failure in <paramref name="progress"/>.</summary>
    public Task BuildAsync(
        ImageBuildParameters parameters, Stream context, IProgress<JSONMessage> progress, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Images.BuildImageFromDockerfileAsync(parameters, context, [], new Dictionary<string, string>(), progress, ct),
            describe,
            cancellationToken);
}

/// <summary>The Engine API's swarm service calls, each failure mapped by <see cref="DockerApiClient"/>.</summary>
internal sealed class DockerServiceOperations(DockerApiClient api)
{
    /// <summary>The service whose name is exactly <paramref name="name"/> (dockerd's name filter matches prefixes), or null.</summary>
    public async Task<SwarmService?> FindByExactNameAsync(string name, CancellationToken cancellationToken)
    {
        var listed = await ListAsync(DockerFilters.Of("name", name), cancellationToken);
        return listed.FirstOrDefault(s => s.Spec?.Name == name);
    }

    public Task<IList<SwarmService>> ListByLabelAsync(string key, string value, CancellationToken cancellationToken) =>
        ListAsync(DockerFilters.Of("label", key + "=" + value), cancellationToken);

    /// <summary>The service <paramref name="id"/> (or name), or null when the swarm has none.</summary>
    public Task<SwarmService?> TryInspectAsync(string id, CancellationToken cancellationToken) =>
        api.CallOrNullAsync((client, ct) => client.Swarm.InspectServiceAsync(id, ct), m => api.Messages.InspectFailed(id, m), cancellationToken);

    /// <summary>Creates a service; a name already taken is <paramref name="nameTaken"/>(dockerd's words), any other failure <paramref name="describe"/>.</summary>
    public Task<ServiceCreateResponse> CreateAsync(
        ServiceCreateParameters parameters, Func<string, string> describe, Func<string, string> nameTaken, CancellationToken cancellationToken) =>
        api.CreateAsync((client, ct) => client.Swarm.CreateServiceAsync(parameters, ct), describe, nameTaken, cancellationToken);

    public Task UpdateAsync(string id, ServiceUpdateParameters parameters, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync((client, ct) => client.Swarm.UpdateServiceAsync(id, parameters, ct), describe, cancellationToken);

    /// <summary>Removes the service (its tasks stop afterwards); a service already gone is success.</summary>
    public Task RemoveAsync(string id, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallUnlessMissingAsync((client, ct) => client.Swarm.RemoveServiceAsync(id, ct), describe, cancellationToken);

    /// <summary>The logs of every task of the service: the last <paramref name="tail"/> lines, then every new one when <paramref name="follow"/>.</summary>
    public Task<MultiplexedStream> OpenLogsAsync(
        string id, bool follow, int tail, bool timestamps, Func<string, string> describe, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Swarm.GetServiceLogsAsync(
                id,
                false,
                new ServiceLogsParameters
                {
                    ShowStdout = true,
                    ShowStderr = true,
                    Follow = follow,
                    Timestamps = timestamps,
                    Tail = tail.ToString(CultureInfo.InvariantCulture),
                },
                ct),
            describe,
            cancellationToken);

    private Task<IList<SwarmService>> ListAsync(IDictionary<string, IDictionary<string, bool>> filters, CancellationToken cancellationToken) =>
        api.CallAsync(
            (client, ct) => client.Swarm.ListServicesAsync(new ServiceListParameters { Filters = filters }, ct),
            api.Messages.ListFailed,
            cancellationToken);
}

/// <summary>The Engine API's swarm task calls, each failure mapped by <see cref="DockerApiClient"/>.</summary>
internal sealed class DockerTaskOperations(DockerApiClient api)
{
    /// <summary>Every task (any state) of the services <paramref name="serviceIds"/>.</summary>
    public Task<IList<TaskResponse>> ListAsync(IEnumerable<string> serviceIds, CancellationToken cancellationToken)
    {
        var ids = serviceIds.ToDictionary(id => id, _ => true, StringComparer.Ordinal);
        return api.CallAsync(
            (client, ct) => client.Tasks.ListAsync(new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = ids } }, ct),
            api.Messages.ListFailed,
            cancellationToken);
    }
}

/// <summary>Engine API list filters.</summary>
internal static class DockerFilters
{
    /// <summary>The filter <paramref name="name"/> with the one value <paramref name="value"/>.</summary>
    public static IDictionary<string, IDictionary<string, bool>> Of(string name, string value) =>
        new Dictionary<string, IDictionary<string, bool>> { [name] = new Dictionary<string, bool> { [value] = true } };
}
