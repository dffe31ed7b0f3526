using System.Net.Sockets;
using Portique.Core;
using Portique.Technologies.Shared;
using Portique.TestSupport;

namespace Portique.Technologies.Docker.Tests;

/// <summary>
/// The Engine API layer the docker, swarm and vagrant drivers share: how a failed call reaches the administrator, in
/// the calling driver's words. Against the real dockerd, a socket nobody listens on, and one that never answers.
/// </summary>
public sealed class DockerApiClientTests : IDisposable
{
    /// <summary>The texts a driver gives the layer, each saying which it is (shared with <see cref="LogLinesTests"/>).</summary>
    internal static readonly DockerApiMessages Texts = new(
        (endpoint, reason) => $"unreachable {endpoint}: {reason}",
        (endpoint, reason) => $"refused {endpoint}: {reason}",
        (endpoint, server, minimum) => $"too old {endpoint}: {server} < {minimum}",
        reason => $"list: {reason}",
        (id, reason) => $"inspect {id}: {reason}",
        (id, reason) => $"inspect image {id}: {reason}");

    private readonly string _directory = Directory.CreateTempSubdirectory("portique-dockerapi-").FullName;

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_daemon_nobody_listens_for_fails_every_call_with_the_callers_unreachable_text()
    {
        var endpoint = new Uri("unix://" + Path.Join(_directory, "absent.sock"));
        using var api = new DockerApiClient(endpoint, null, Texts);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => api.Containers.TryInspectAsync("anything", Ct));
        Assert.StartsWith($"unreachable {endpoint}: ", failure.Message);
        Assert.StartsWith($"unreachable {endpoint}: ", await api.ProbeAsync((client, ct) => client.System.PingAsync(ct), TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task A_daemon_that_never_answers_is_reported_unreachable_after_the_probe_timeout()
    {
        var path = Path.Join(_directory, "silent.sock");
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Bind(new UnixDomainSocketEndPoint(path));
        silent.Listen();
        var endpoint = new Uri("unix://" + path);
        using var api = new DockerApiClient(endpoint, null, Texts);

        var problem = await api.ProbeAsync((client, ct) => client.System.PingAsync(ct), TimeSpan.FromMilliseconds(500), Ct);

        Assert.Equal($"unreachable {endpoint}: timeout 0.5 s", problem);
    }

    [Fact]
    public async Task On_a_real_daemon_a_missing_object_is_null_and_a_refused_call_carries_dockerds_words()
    {
        await RequiredServices.DockerAsync();
        using var api = new DockerApiClient(RequiredServices.DockerEndpoint, null, Texts);
        var missing = "portique-dockerapi-missing-" + Guid.NewGuid().ToString("N");

        Assert.Null(await api.ProbeAsync((client, ct) => client.System.PingAsync(ct), TimeSpan.FromSeconds(5), Ct));
        Assert.Null(await api.Containers.TryInspectAsync(missing, Ct));
        Assert.Null(await api.Images.TryInspectAsync(missing + ":1", Ct));
        Assert.Null(await api.Containers.FindByExactNameAsync(missing, Ct));
        await api.Containers.RemoveAsync(missing, m => $"remove: {m}", Ct); // already gone: what was asked is true

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => api.Containers.StartAsync(missing, m => $"start: {m}", Ct));
        Assert.StartsWith("start: ", failure.Message);
        Assert.Contains(missing, failure.Message);
        Assert.DoesNotContain("{", failure.Message); // dockerd's message, not its JSON body
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
