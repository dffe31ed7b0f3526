using System.Globalization;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;
using Portique.TestSupport;

namespace Portique.Technologies.Vagrant.Tests;

[Collection(VagrantCollection.Name)]
public sealed class VagrantSwitchAndFetchTests(VagrantFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly TempRoot _root = new();

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CleanAsync(_root.Root);

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Switching_a_service_between_docker_and_vagrant_changes_only_its_type_and_keeps_its_port_volume_and_page()
    {
        fixture.Images.TrackRoot(_root.Directory);
        using var docker = new DockerDriver(_root.Root, RequiredServices.DockerEndpoint, new DockerDriverOptions { StopTimeout = TimeSpan.FromSeconds(2) });
        using var vagrant = fixture.Driver(_root.Root);
        var reconciler = new Reconciler([docker, vagrant], new SocketHostProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(60) });
        var port = TestPorts.FreePort();
        var shared = _root.PathOf("srv", "site");
        var asDocker = TestSpecs.Create(
            fixture.Images.Name("site"), DockerModule.Docker, fixture.Web, "1", RequiredServices.Registry,
            ports: [new PortMapping(port, 8080)], volumes: [new VolumeMapping(shared, "/www/shared")]);
        var events = new Events();

        Assert.True((await reconciler.ApplyAsync(new DesiredState([asDocker]), false, events, Ct)).Succeeded, events.Text);
        await File.WriteAllTextAsync(Path.Join(shared, "note.txt"), "kept across technologies\n");

        var asVagrant = asDocker with { Technology = VagrantModule.Vagrant };
        var (plan, problems, _) = await reconciler.PlanAsync(new DesiredState([asVagrant]), Ct);
        Assert.Empty(problems);
        Assert.Equal(["type: docker → vagrant"], Assert.Single(plan.Actions).Reasons);

        Assert.True((await reconciler.ApplyAsync(new DesiredState([asVagrant]), false, events, Ct)).Succeeded, events.Text);

        Assert.Empty(await docker.ListOwnedAsync(Ct));
        Assert.Equal(InstanceState.Running, Assert.Single(await vagrant.ListOwnedAsync(Ct)).State);
        Assert.Contains(TestImages.IndexPage("vagrant-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal("kept across technologies\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));
        var (again, _, _) = await reconciler.PlanAsync(new DesiredState([asVagrant]), Ct);
        Assert.False(again.HasChanges);

        Assert.True((await reconciler.ApplyAsync(new DesiredState([asDocker]), false, events, Ct)).Succeeded, events.Text);
        Assert.Empty(await vagrant.ListOwnedAsync(Ct));
        Assert.Equal("kept across technologies\n", await HttpProbe.GetLocalAsync(port, "/shared/note.txt"));
    }

    [Fact]
    public async Task Fetch_pulls_the_image_only_when_absent_and_refresh_follows_a_tag_that_moved()
    {
        using var driver = fixture.Driver(_root.Root);
        var name = fixture.Images.Name("moving");
        var reference = await fixture.Images.PublishAsync(name, "latest", "moving-1");
        var spec = TestSpecs.Create("moving", VagrantModule.Vagrant, name, "latest", RequiredServices.Registry);

        var first = new RecordingProgress();
        var id = await driver.FetchAsync(spec, false, first, Ct);
        var second = new RecordingProgress();

        Assert.Equal(id, await driver.FetchAsync(spec, false, second, Ct));
        Assert.Contains(first.Lines, line => line.Contains(reference));
        Assert.Empty(second.Lines);
        Assert.Equal(id, (await fixture.Images.TryInspectImageAsync(reference))!.ID);

        await fixture.Images.PublishAsync(name, "latest", "moving-2");
        Assert.NotEqual(id, await driver.FetchAsync(spec, true, new RecordingProgress(), Ct));
    }

    [Fact]
    public async Task Availability_names_a_missing_vagrant_or_docker_program_and_a_silent_dockerd()
    {
        using var driver = fixture.Driver(_root.Root);
        using var noVagrant = fixture.Driver(_root.Root, VagrantFixture.FastOptions with { VagrantExecutable = "/nonexistent/vagrant" });
        using var noDocker = fixture.Driver(_root.Root, VagrantFixture.FastOptions with { DockerExecutable = "/nonexistent/docker" });
        using var noDaemon = new VagrantDriver(_root.Root, new Uri("unix:///nonexistent/docker.sock"), VagrantFixture.FastOptions);

        Assert.Null(await driver.CheckAvailabilityAsync(Ct));
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = Localization.English;
            Assert.Equal("vagrant is not installed (/nonexistent/vagrant not found): install the vagrant package", await noVagrant.CheckAvailabilityAsync(Ct));
            Assert.Contains("docker provider needs the docker program (/nonexistent/docker not found)", await noDocker.CheckAvailabilityAsync(Ct));
            Assert.Contains("unix:///nonexistent/docker.sock", await noDaemon.CheckAvailabilityAsync(Ct));
            CultureInfo.CurrentUICulture = Localization.French;
            Assert.StartsWith("vagrant n'est pas installé (/nonexistent/vagrant introuvable)", await noVagrant.CheckAvailabilityAsync(Ct));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public async Task The_provider_is_libvirt_or_virtualbox_when_usable_and_docker_otherwise()
    {
        var nothing = VagrantFixture.FastOptions with { Provider = null, LibvirtSocket = "/nonexistent/libvirt-sock", VirtualBoxManage = "/nonexistent/VBoxManage" };
        using (var driver = fixture.Driver(_root.Root, nothing))
        {
            Assert.Equal(VagrantProvider.Docker, await driver.ProviderAsync(Ct));
        }

        using (var driver = fixture.Driver(_root.Root, nothing with { VirtualBoxManage = "/bin/true" }))
        {
            Assert.Equal(VagrantProvider.Virtualbox, await driver.ProviderAsync(Ct));
        }

        // libvirt: its socket is there and vagrant lists the vagrant-libvirt plugin (a stand-in vagrant says so).
        var socket = _root.PathOf("libvirt-sock");
        await File.WriteAllTextAsync(socket, "");
        var fakeVagrant = _root.PathOf("vagrant");
        await File.WriteAllTextAsync(fakeVagrant, "#!/bin/sh\necho '1700000000,,plugin-name,vagrant-libvirt'\n");
        File.SetUnixFileMode(fakeVagrant, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var driver = fixture.Driver(_root.Root, nothing with { LibvirtSocket = socket, VagrantExecutable = fakeVagrant }))
        {
            Assert.Equal(VagrantProvider.Libvirt, await driver.ProviderAsync(Ct));
        }

        using (var driver = fixture.Driver(_root.Root, nothing with { Provider = VagrantProvider.Docker, VirtualBoxManage = "/bin/true" }))
        {
            Assert.Equal(VagrantProvider.Docker, await driver.ProviderAsync(Ct));
        }
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
