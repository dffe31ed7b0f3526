using Docker.DotNet.Models;
using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;
using ServiceSpec = Portique.Planning.ServiceSpec;

namespace Portique.Technologies.Docker.Tests;

[Collection(DockerCollection.Name)]
public sealed class DockerGitTests(DockerFixture fixture) : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly List<GitFixture> _repositories = [];

    public void Dispose()
    {
        _repositories.ForEach(r => r.Dispose());
        _root.Dispose();
    }

    private CancellationToken Ct => CancellationToken.None;

    private async Task<GitFixture> RepositoryAsync(string version)
    {
        var repository = await GitFixture.CreateAsync(fixture.BaseImage, version);
        _repositories.Add(repository);
        return repository;
    }

    private ServiceSpec GitSpec(string suffix, GitFixture repository, string reference, IReadOnlyList<PortMapping>? ports = null) =>
        TestSpecs.Create(fixture.Images.Name(suffix), DockerModule.DockerGit, fixture.Images.Name(suffix), reference, repository.Url, ports);

    private async Task<string?> CommitLabelAsync(string imageId) =>
        (await fixture.Images.Client.Images.InspectImageAsync(imageId, Ct)).Config!.Labels!.TryGetValue("portique.git-commit", out var commit) ? commit : null;

    [Fact]
    public async Task Docker_git_builds_the_image_of_a_tag_and_runs_it()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("git-1");
        var commit = await repository.HeadAsync();
        await repository.TagAsync("v1");
        await repository.CommitVersionAsync("unreleased"); // main moves on; the tag does not
        var port = TestPorts.FreePort();
        var spec = GitSpec("git-built", repository, "v1", [new PortMapping(port, 8080)]);
        var progress = new RecordingProgress();

        var imageId = await driver.FetchAsync(spec, refresh: false, progress, Ct);
        var created = await driver.CreateAsync(spec, imageId, Ct);

        Assert.Equal(commit, await CommitLabelAsync(imageId));
        Assert.Equal(imageId, (await fixture.Images.TryInspectImageAsync(spec.Url + ":v1"))!.ID);
        Assert.True(Directory.Exists(Path.Join(_root.Root.StateDirectory, "git", spec.Name)));
        Assert.Contains(progress.Lines, line => line.Contains(commit[..12]));
        Assert.Equal(DockerModule.DockerGit, created.Technology);
        Assert.Equal($"{spec.Url}:v1 ({commit[..12]})", created.Version);
        Assert.Contains(TestImages.IndexPage("git-1"), await HttpProbe.GetLocalAsync(port));
        Assert.Equal(created.Version, Assert.Single(await driver.ListOwnedAsync(Ct)).Version);
    }

    [Fact]
    public async Task Docker_git_does_not_rebuild_while_the_ref_points_to_the_same_commit()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("same-1");
        await repository.TagAsync("v1");
        var spec = GitSpec("git-same", repository, "v1");
        var firstId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        await repository.CommitVersionAsync("same-2"); // a new commit on main, the tag stays

        var second = new RecordingProgress();
        var secondId = await driver.FetchAsync(spec, false, second, Ct);

        Assert.Equal(firstId, secondId);
        Assert.DoesNotContain(second.Lines, line => line.StartsWith("Step ", StringComparison.Ordinal));
        Assert.Single(await fixture.Images.Client.Images.ListImagesAsync(BuiltFor(spec.Url), Ct));
    }

    [Fact]
    public async Task Docker_git_rebuilds_when_the_tag_moves_to_a_new_commit()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("moved-1");
        await repository.TagAsync("v1");
        var spec = GitSpec("git-moved", repository, "v1");
        var firstId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var newCommit = await repository.CommitVersionAsync("moved-2");
        await repository.TagAsync("v1", newCommit);

        var progress = new RecordingProgress();
        var secondId = await driver.FetchAsync(spec, false, progress, Ct);

        Assert.NotEqual(firstId, secondId);
        Assert.Equal(newCommit, await CommitLabelAsync(secondId));
        Assert.Contains(progress.Lines, line => line.StartsWith("Step ", StringComparison.Ordinal));
        Assert.Equal(secondId, (await fixture.Images.TryInspectImageAsync(spec.Url + ":v1"))!.ID);
        var port = TestPorts.FreePort();
        var runnable = spec with { Ports = [new PortMapping(port, 8080)] };
        await driver.CreateAsync(runnable, secondId, Ct);
        Assert.Contains(TestImages.IndexPage("moved-2"), await HttpProbe.GetLocalAsync(port));
    }

    [Fact]
    public async Task Docker_git_follows_branches_and_accepts_commit_ids()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("branch-1");
        var firstCommit = await repository.HeadAsync();
        var secondCommit = await repository.CommitVersionAsync("branch-2");
        await repository.BranchAsync("feature/x", firstCommit);

        var byBranch = GitSpec("git-branch", repository, "feature/x");
        var byCommit = GitSpec("git-commit", repository, secondCommit);
        var branchImage = await driver.FetchAsync(byBranch, false, new RecordingProgress(), Ct);
        var commitImage = await driver.FetchAsync(byCommit, false, new RecordingProgress(), Ct);

        Assert.Equal(firstCommit, await CommitLabelAsync(branchImage));
        Assert.Equal(byBranch.Url + ":feature-x", DockerDriver.ImageReference(byBranch));
        Assert.NotNull(await fixture.Images.TryInspectImageAsync(byBranch.Url + ":feature-x"));
        Assert.Equal(secondCommit, await CommitLabelAsync(commitImage));

        await repository.BranchAsync("feature/x", secondCommit);
        var movedBranchImage = await driver.FetchAsync(byBranch, false, new RecordingProgress(), Ct);
        Assert.Equal(secondCommit, await CommitLabelAsync(movedBranchImage));
    }

    [Fact]
    public async Task Docker_git_fails_clearly_on_a_missing_tag_and_builds_nothing()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("missing-1");
        var spec = GitSpec("git-missing", repository, "v404");

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains("v404", failure.Message);
        Assert.Contains(repository.Url, failure.Message);
        Assert.Empty(await fixture.Images.Client.Images.ListImagesAsync(BuiltFor(spec.Url), Ct));
    }

    [Fact]
    public async Task Docker_git_fails_clearly_on_an_unreachable_repository()
    {
        using var driver = fixture.Driver(_root);
        var missing = "file://" + _root.PathOf("no-such-repository");
        var spec = TestSpecs.Create(fixture.Images.Name("git-gone"), DockerModule.DockerGit, fixture.Images.Name("git-gone"), "v1", missing);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains(missing, failure.Message);
    }

    [Fact]
    public async Task Docker_git_uses_its_local_copy_when_the_same_repository_is_unreachable_but_never_for_another()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("offline-1");
        await repository.TagAsync("v1");
        var spec = GitSpec("git-offline", repository, "v1");
        var builtId = await driver.FetchAsync(spec, false, new RecordingProgress(), Ct);
        var away = repository.Directory + "-away";
        Directory.Move(repository.Directory, away);
        try
        {
            var offline = new RecordingProgress();
            Assert.Equal(builtId, await driver.FetchAsync(spec, refresh: false, offline, Ct));
            Assert.Contains(offline.Lines, line => line.Contains(repository.Url));

            await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, refresh: true, new RecordingProgress(), Ct));
            var elsewhere = spec with { Repository = "file://" + _root.PathOf("another-repository") };
            var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(elsewhere, false, new RecordingProgress(), Ct));
            Assert.Contains(elsewhere.Repository, failure.Message);
        }
        finally
        {
            Directory.Move(away, repository.Directory);
        }
    }

    [Fact]
    public async Task Docker_git_reports_the_last_build_lines_when_the_build_fails()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("broken-1");
        await repository.CommitAsync("break the build", new Dictionary<string, string>
        {
            ["Dockerfile"] = $"FROM {fixture.BaseImage}\nRUN [\"/bin/sh\", \"-c\", \"echo about to fail; exit 3\"]\n",
        });
        await repository.TagAsync("broken");
        var spec = GitSpec("git-broken", repository, "broken");

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));

        Assert.Contains(spec.Url + ":broken", failure.Message);
        Assert.Contains("about to fail", failure.Message);
        Assert.Empty(await fixture.Images.Client.Images.ListImagesAsync(BuiltFor(spec.Url), Ct));
    }

    [Fact]
    public async Task Docker_git_refuses_a_service_name_that_is_not_a_dns_label()
    {
        using var driver = fixture.Driver(_root);
        var repository = await RepositoryAsync("name-1");
        var spec = TestSpecs.Create("../escape", DockerModule.DockerGit, fixture.Images.Name("escape"), "main", repository.Url);

        await Assert.ThrowsAsync<InvalidInputException>(() => driver.FetchAsync(spec, false, new RecordingProgress(), Ct));
        Assert.False(Directory.Exists(Path.Join(_root.Root.StateDirectory, "escape")));
    }

    private static ImagesListParameters BuiltFor(string imageName) => new()
    {
        Filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { ["portique.image=" + imageName] = true },
        },
    };
}
