using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Podman.Tests;

/// <summary><c>status --updates</c> for podman: the registry's manifest read by skopeo, nothing pulled.</summary>
[Collection(PodmanCollection.Name)]
public sealed class PodmanUpdateTests(PodmanFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task An_update_notice_appears_after_a_new_image_is_pushed_under_the_same_tag_and_nothing_is_pulled()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("updates", "updates-1", tag: "latest");
        var runningId = await driver.FetchAsync(spec, refresh: false, new RecordingProgress(), Ct);
        fixture.TrackPodmanImage(runningId);
        var instance = await driver.CreateAsync(spec, runningId, Ct);

        var before = await driver.CheckUpdateAsync(spec, instance, Ct);
        Assert.Equal(UpdateState.UpToDate, before.State);

        await fixture.Images.PublishAsync(spec.Url, "latest", "updates-2", new TestImageOptions { BaseImage = fixture.BaseImage });
        var after = await driver.CheckUpdateAsync(spec, instance, Ct);

        Assert.Equal(UpdateState.UpdateAvailable, after.State);
        Assert.StartsWith("sha256:", after.Detail);
        var local = await fixture.PodmanAsync("image", "inspect", "--format", "{{.Id}}", PodmanDriver.ImageReference(spec));
        Assert.Equal(runningId, local.StandardOutput.Trim()); // nothing pulled: the tag still names the running image
    }

    [Fact]
    public async Task An_unreachable_registry_is_an_unknown_update_state_naming_the_image_not_an_exception()
    {
        var driver = fixture.Driver(_root);
        var spec = await fixture.PublishedSpecAsync("unreachable", "unreachable-1");
        var id = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        fixture.TrackPodmanImage(id);
        var elsewhere = spec with { Repository = "127.0.0.1:9" };
        var instance = new ObservedService { Name = spec.Name, Technology = PodmanModule.Podman, State = InstanceState.Running, SpecHash = null, ArtifactId = id };

        var check = await driver.CheckUpdateAsync(elsewhere, instance, Ct);

        Assert.Equal(UpdateState.Unknown, check.State);
        Assert.Contains("127.0.0.1:9/" + spec.Url + ":v1", check.Detail);
    }
}
