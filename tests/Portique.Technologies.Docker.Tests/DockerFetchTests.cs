using Docker.DotNet.Models;
using Portique.Core;
using Portique.TestSupport;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class DockerFetchTests(DockerFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private CancellationToken Ct => CancellationToken.None;

    private ServiceSpec RegistrySpec(string name, string tag) =>
        TestSpecs.Create(name, DockerModule.Docker, name, tag, RequiredServices.Registry);

    [Fact]
    public async Task Fetch_pulls_from_the_registry_only_when_the_image_is_absent()
    {
        using var driver = fixture.Driver(_root);
        var name = fixture.Images.Name("pulled");
        var reference = await fixture.Images.PublishAsync(name, "v1", "pulled-1");
        Assert.Null(await fixture.Images.TryInspectImageAsync(reference));
        var spec = RegistrySpec(name, "v1");
        Assert.Equal(reference, DockerDriver.ImageReference(spec));

        var first = new RecordingProgress();
        var pulledId = await driver.FetchAsync(spec, refresh: false, first, Ct);
        var second = new RecordingProgress();
        var presentId = await driver.FetchAsync(spec, refresh: false, second, Ct);

        Assert.Contains(first.Lines, line => line.Contains(reference));
        Assert.Equal(pulledId, (await fixture.Images.TryInspectImageAsync(reference))!.ID);
        Assert.Empty(second.Lines); // present: no pull at all
        Assert.Equal(pulledId, presentId);
    }

    [Fact]
    public async Task Fetch_with_refresh_follows_a_tag_that_moved_in_the_registry()
    {
        using var driver = fixture.Driver(_root);
        var name = fixture.Images.Name("moving");
        var reference = await fixture.Images.PublishAsync(name, "latest", "moving-1");
        var spec = RegistrySpec(name, "latest");
        var oldId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);

        // Push a new image under the same tag, then point the local tag back at the old image.
        await fixture.Images.PublishAsync(name, "latest", "moving-2", keepLocal: true);
        await fixture.Images.Client.Images.TagImageAsync(oldId, new ImageTagParameters { RepositoryName = RequiredServices.Registry + "/" + name, Tag = "latest" }, Ct);

        var withoutRefresh = new RecordingProgress();
        Assert.Equal(oldId, await driver.FetchAsync(spec, refresh: false, withoutRefresh, Ct));
        Assert.Empty(withoutRefresh.Lines);

        var withRefresh = new RecordingProgress();
        var newId = await driver.FetchAsync(spec, refresh: true, withRefresh, Ct);
        Assert.NotEqual(oldId, newId);
        Assert.NotEmpty(withRefresh.Lines);
        Assert.Equal(newId, (await fixture.Images.TryInspectImageAsync(reference))!.ID);
    }

    [Fact]
    public async Task Fetch_of_a_missing_tag_fails_naming_the_image_and_changes_nothing()
    {
        using var driver = fixture.Driver(_root);
        var name = fixture.Images.Name("tagless");
        await fixture.Images.PublishAsync(name, "v1", "tagless-1");
        var spec = RegistrySpec(name, "v404");
        var reference = DockerDriver.ImageReference(spec);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains(reference, failure.Message);
        Assert.Contains("v404", failure.Message);
        Assert.Equal(ExitCode.RuntimeFailure, failure.ExitCode);
        Assert.Null(await fixture.Images.TryInspectImageAsync(reference));
        Assert.Null(await fixture.Images.TryInspectImageAsync(RequiredServices.Registry + "/" + name + ":v1"));
    }

    [Fact]
    public async Task Fetch_from_an_unreachable_registry_fails_naming_the_image()
    {
        using var driver = fixture.Driver(_root);
        var unused = TestPorts.FreePort();
        var spec = TestSpecs.Create(fixture.Images.Name("nowhere"), DockerModule.Docker, fixture.Images.Name("nowhere"), "v1", $"127.0.0.1:{unused}");

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains(DockerDriver.ImageReference(spec), failure.Message);
    }
}
