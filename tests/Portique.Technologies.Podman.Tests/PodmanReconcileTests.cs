using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Technologies.Podman.Tests;

/// <summary>The podman driver under the real reconciler: what an administrator sees when changing one variable.</summary>
[Collection(PodmanCollection.Name)]
public sealed class PodmanReconcileTests(PodmanFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Switching_a_service_from_docker_to_podman_keeps_its_port_its_data_and_its_page()
    {
        var podman = fixture.Driver(_root);
        using var docker = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint, new DockerDriverOptions { StopTimeout = TimeSpan.FromSeconds(1) });
        var reconciler = new Reconciler([docker, podman], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(30) });
        var port = TestPorts.FreePort();
        var data = _root.PathOf("switch-data");
        var asPodman = await fixture.PublishedSpecAsync(
            "switch",
            "switch-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=written under docker", "PORTIQUE_TEST_OUTPUT=/data/docker.txt"]);
        fixture.Images.TrackImage(DockerDriver.ImageReference(asPodman with { Technology = DockerModule.Docker }));
        var asDocker = asPodman with { Technology = DockerModule.Docker };

        var first = await reconciler.ApplyAsync(new DesiredState([asDocker]), false, new Events(), Ct);
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal("written under docker\n", await PodmanContainerTests.WaitForFileAsync(Path.Join(data, "docker.txt")));

        var underPodman = asPodman with { Environment = ["PORTIQUE_TEST_MESSAGE=written under podman", "PORTIQUE_TEST_OUTPUT=/data/podman.txt"] };
        var switched = await reconciler.ApplyAsync(new DesiredState([underPodman]), false, new Events(), Ct);

        var outcome = Assert.Single(switched.Outcomes);
        Assert.True(outcome.Succeeded, Describe(switched));
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        Assert.Contains(outcome.Reasons, r => r.Contains("docker → podman"));
        Assert.Contains(TestImages.IndexPage("switch-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("written under podman\n", await PodmanContainerTests.WaitForFileAsync(Path.Join(data, "podman.txt")));
        Assert.Equal("written under docker\n", await File.ReadAllTextAsync(Path.Join(data, "docker.txt"), Ct));
        Assert.Empty(await docker.ListOwnedAsync(Ct));
        var running = Assert.Single(await podman.ListOwnedAsync(Ct));
        Assert.Equal((PodmanModule.Podman, InstanceState.Running, false), (running.Technology, running.State, running.IsAside));

        var again = await reconciler.ApplyAsync(new DesiredState([underPodman]), false, new Events(), Ct);
        Assert.Equal(ActionKind.Keep, Assert.Single(again.Outcomes).Action); // same spec, same image: nothing to do
    }

    [Fact]
    public async Task A_new_podman_container_that_crashes_is_rolled_back_to_the_previous_one()
    {
        var podman = fixture.Driver(_root);
        var reconciler = new Reconciler([podman], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(30) });
        var port = TestPorts.FreePort();
        var good = await fixture.PublishedSpecAsync("rollback", "rollback-1", ports: [new PortMapping(port, 8080)]);
        var bad = await fixture.PublishedSpecAsync("rollback", "rollback-2", TestImageOptions.Crashing, tag: "v2", ports: [new PortMapping(port, 8080)], name: good.Name);
        Assert.True((await reconciler.ApplyAsync(new DesiredState([good]), false, new Events(), Ct)).Succeeded);
        var before = Assert.Single(await podman.ListOwnedAsync(Ct));

        var result = await reconciler.ApplyAsync(new DesiredState([bad]), false, new Events(), Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.True(outcome.LogTail.Contains("crashing on purpose"), Describe(result));
        var after = Assert.Single(await podman.ListOwnedAsync(Ct));
        Assert.Equal((before.InstanceId, before.SpecHash, InstanceState.Running, false), (after.InstanceId, after.SpecHash, after.State, after.IsAside));
        Assert.Contains(TestImages.IndexPage("rollback-1"), await HttpProbe.GetLocalAsync(port));
    }

    private static string Describe(ReconcileResult result) =>
        string.Join("\n", result.Outcomes.Select(o => $"{o.Name}: {o.Action} {o.Succeeded} {o.Message}\n  {string.Join("\n  ", o.LogTail)}"));

    private sealed class Events : IProgress<ReconcileEvent>
    {
        public void Report(ReconcileEvent value)
        {
        }
    }
}
