using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Technologies.Lxc.Tests;

/// <summary>The promise of <c>conteneurN_type</c>: one variable changes the technology, the rest keeps working.</summary>
[Collection(LxcCollection.Name)]
public sealed class LxcSwitchTests(LxcFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new();
    private LxcDriver? _lxc;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_lxc is not null)
        {
            await LxcFixture.CleanAsync(_lxc);
        }
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Switching_a_service_between_docker_and_lxc_changes_only_its_type_and_keeps_its_port_volume_and_page()
    {
        fixture.Images.TrackRoot(_root.Directory);
        using var docker = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint, new DockerDriverOptions { StopTimeout = TimeSpan.FromSeconds(2) });
        _lxc = fixture.Driver(_root.Root);
        var reconciler = new Reconciler([docker, _lxc], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(30) });
        var port = TestPorts.FreePort();
        var shared = _root.PathOf("srv", "site");
        // docker container names are host-wide: a name of this run only.
        var asDocker = TestSpecs.Create(
            fixture.Images.Name("site"), DockerModule.Docker, fixture.Web, "1", RequiredServices.Registry,
            ports: [new PortMapping(port, 8080)], volumes: [new VolumeMapping(shared, "/www/shared")]);
        var events = new Events();

        Assert.True((await reconciler.ApplyAsync(new DesiredState([asDocker]), false, events, CancellationToken.None)).Succeeded, events.Text);
        await File.WriteAllTextAsync(Path.Join(shared, "note.txt"), "kept across technologies\n");
        Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetLocalAsync(port));

        var asLxc = asDocker with { Technology = LxcModule.Lxc };
        var (plan, problems, _) = await reconciler.PlanAsync(new DesiredState([asLxc]), CancellationToken.None);
        Assert.Empty(problems);
        var action = Assert.Single(plan.Actions);
        Assert.Equal(ActionKind.Recreate, action.Kind);
        Assert.Equal(["type: docker → lxc"], action.Reasons);

        var toLxc = await reconciler.ApplyAsync(new DesiredState([asLxc]), false, events, CancellationToken.None);

        Assert.True(toLxc.Succeeded, events.Text);
        Assert.Empty(await docker.ListOwnedAsync(CancellationToken.None));
        Assert.Equal(InstanceState.Running, Assert.Single(await _lxc.ListOwnedAsync(CancellationToken.None)).State);
        Assert.Contains(TestImages.IndexPage("lxc-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("kept across technologies\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));

        // Applied again: nothing to do. Then back to docker.
        var (again, _, _) = await reconciler.PlanAsync(new DesiredState([asLxc]), CancellationToken.None);
        Assert.False(again.HasChanges);
        Assert.True((await reconciler.ApplyAsync(new DesiredState([asDocker]), false, events, CancellationToken.None)).Succeeded, events.Text);
        Assert.Empty(await _lxc.ListOwnedAsync(CancellationToken.None));
        Assert.Equal("kept across technologies\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));
    }

    private sealed class Events : IProgress<ReconcileEvent>
    {
        private readonly List<string> _lines = [];

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public void Report(ReconcileEvent value)
        {
            lock (_lines)
            {
                _lines.Add($"{value.Kind} {value.Service}: {value.Message}");
            }
        }
    }
}
