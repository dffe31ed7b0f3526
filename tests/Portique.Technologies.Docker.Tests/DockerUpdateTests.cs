using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Docker.Tests;

/// <summary><c>status --updates</c> for docker: the registry's digest asked through dockerd, nothing pulled.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerUpdateTests(DockerFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task An_update_notice_appears_after_a_new_image_is_pushed_under_the_same_tag_and_nothing_is_pulled()
    {
        using var driver = fixture.Driver(_root);
        var name = fixture.Images.Name("updates");
        var reference = await fixture.Images.PublishAsync(name, "latest", "updates-1");
        var spec = TestSpecs.Create(name, DockerModule.Docker, name, "latest", RequiredServices.Registry);
        var runningId = await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);
        var instance = await driver.CreateAsync(spec, runningId, Ct);

        var before = await driver.CheckUpdateAsync(spec, instance, Ct);
        Assert.Equal(UpdateState.UpToDate, before.State);

        // A new build under the same tag; the local tag is removed, so a pull would bring it back.
        await fixture.Images.PublishAsync(name, "latest", "updates-2");
        var after = await driver.CheckUpdateAsync(spec, instance, Ct);

        Assert.Equal(UpdateState.UpdateAvailable, after.State);
        Assert.StartsWith("sha256:", after.Detail);
        Assert.Null(await fixture.Images.TryInspectImageAsync(reference)); // nothing pulled
        Assert.Equal(runningId, (await fixture.Images.TryInspectImageAsync(runningId))!.ID);
        Assert.Equal(runningId, (await fixture.Images.Client.Containers.InspectContainerAsync(instance.InstanceId!, Ct)).Image);
    }

    [Fact]
    public async Task An_unreachable_registry_is_an_unknown_update_state_naming_the_image_not_an_exception()
    {
        using var driver = fixture.Driver(_root);
        var name = fixture.Images.Name("unreachable");
        await fixture.Images.PublishAsync(name, "v1", "unreachable-1");
        var id = await driver.FetchAsync(TestSpecs.Create(name, DockerModule.Docker, name, "v1", RequiredServices.Registry), false, new RecordingProgress(), Ct);
        var elsewhere = TestSpecs.Create(name, DockerModule.Docker, name, "v1", "127.0.0.1:9");
        var instance = new ObservedService { Name = name, Technology = DockerModule.Docker, State = InstanceState.Running, SpecHash = null, ArtifactId = id };

        var check = await driver.CheckUpdateAsync(elsewhere, instance, Ct);

        Assert.Equal(UpdateState.Unknown, check.State);
        Assert.Contains("127.0.0.1:9/" + name + ":v1", check.Detail);
    }

    [Fact]
    public async Task A_locally_built_image_has_no_registry_digest_so_updates_are_not_applicable()
    {
        using var driver = fixture.Driver(_root);
        var instance = new ObservedService
        {
            Name = "local",
            Technology = DockerModule.Docker,
            State = InstanceState.Running,
            SpecHash = null,
            ArtifactId = fixture.BaseImage,
        };
        var spec = TestSpecs.Create("local", DockerModule.Docker, fixture.BaseImage.Split(':')[0], "1");

        var check = await driver.CheckUpdateAsync(spec, instance, Ct);

        Assert.Equal(UpdateState.NotApplicable, check.State);
    }
}
