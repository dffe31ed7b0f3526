using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Technologies.Swarm.Tests;

/// <summary>The swarm driver under the real reconciler: what an administrator sees when changing one variable.</summary>
[Collection(SwarmCollection.Name)]
public sealed class SwarmReconcileTests(SwarmFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Switching_a_service_from_docker_to_swarm_keeps_its_port_its_data_and_its_page()
    {
        using var swarm = fixture.Driver(_root);
        using var docker = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint, new DockerDriverOptions { StopTimeout = TimeSpan.FromSeconds(1) });
        var reconciler = new Reconciler([docker, swarm], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(45) });
        var port = TestPorts.FreePort();
        var data = _root.PathOf("switch-data");
        var asSwarm = await fixture.PublishedSpecAsync(
            "switch",
            "switch-1",
            TestImageOptions.WritingEnvironmentToFile,
            ports: [new PortMapping(port, 8080)],
            volumes: [new VolumeMapping(data, "/data")],
            environment: ["PORTIQUE_TEST_MESSAGE=written under docker", "PORTIQUE_TEST_OUTPUT=/data/docker.txt"]);
        var asDocker = asSwarm with { Technology = DockerModule.Docker };

        var first = await reconciler.ApplyAsync(new DesiredState([asDocker]), false, new Events(), Ct);
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal("written under docker\n", await SwarmServiceTests.WaitForFileAsync(Path.Join(data, "docker.txt")));

        var switched = await reconciler.ApplyAsync(
            new DesiredState([asSwarm with { Environment = ["PORTIQUE_TEST_MESSAGE=written under swarm", "PORTIQUE_TEST_OUTPUT=/data/swarm.txt"] }]),
            false,
            new Events(),
            Ct);

        var outcome = Assert.Single(switched.Outcomes);
        Assert.True(outcome.Succeeded, Describe(switched));
        Assert.Equal(ActionKind.Recreate, outcome.Action);
        Assert.Contains(outcome.Reasons, r => r.Contains("docker → swarm"));
        Assert.Contains(TestImages.IndexPage("switch-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("written under swarm\n", await SwarmServiceTests.WaitForFileAsync(Path.Join(data, "swarm.txt")));
        Assert.Equal("written under docker\n", await File.ReadAllTextAsync(Path.Join(data, "docker.txt"), Ct));
        Assert.Empty(await docker.ListOwnedAsync(Ct));
        var running = Assert.Single(await swarm.ListOwnedAsync(Ct));
        Assert.Equal((SwarmModule.Swarm, InstanceState.Running, false), (running.Technology, running.State, running.IsAside));

        var again = await reconciler.ApplyAsync(new DesiredState([asSwarm with { Environment = ["PORTIQUE_TEST_MESSAGE=written under swarm", "PORTIQUE_TEST_OUTPUT=/data/swarm.txt"] }]), false, new Events(), Ct);
        Assert.Equal(ActionKind.Keep, Assert.Single(again.Outcomes).Action); // same spec, same digest: nothing to do
    }

    [Fact]
    public async Task A_new_swarm_service_that_crashes_is_rolled_back_to_the_recorded_one()
    {
        using var swarm = fixture.Driver(_root);
        var reconciler = new Reconciler([swarm], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(45) });
        var port = TestPorts.FreePort();
        var good = await fixture.PublishedSpecAsync("rollback", "rollback-1", ports: [new PortMapping(port, 8080)]);
        var bad = await fixture.PublishedSpecAsync("rollback", "rollback-2", TestImageOptions.Crashing, tag: "v2", ports: [new PortMapping(port, 8080)], name: good.Name);
        Assert.True((await reconciler.ApplyAsync(new DesiredState([good]), false, new Events(), Ct)).Succeeded);
        var before = Assert.Single(await swarm.ListOwnedAsync(Ct));

        var result = await reconciler.ApplyAsync(new DesiredState([bad]), false, new Events(), Ct);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.True(outcome.LogTail.Contains("crashing on purpose"), Describe(result));
        var after = Assert.Single(await swarm.ListOwnedAsync(Ct));
        Assert.Equal((before.SpecHash, before.ArtifactId, false), (after.SpecHash, after.ArtifactId, after.IsAside));
        Assert.Contains(TestImages.IndexPage("rollback-1"), await HttpProbe.GetLocalAsync(port));
        Assert.False(File.Exists(swarm.AsideRecordPath(good.Name)));
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
