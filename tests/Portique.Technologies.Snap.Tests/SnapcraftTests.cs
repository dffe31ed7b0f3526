using Portique.Core;
using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Snap.Tests;

/// <summary>
/// The snapcraft driver: real git (a local repository), the fake snapd, and for builds a stand-in script in place of
/// snapcraft (snapcraft itself needs snapd, which cannot run here). The stand-in proves the plumbing around the build:
/// the argument list, the working folder, finding <c>SNAP_*.snap</c>, the build cache and the multipart install.
/// </summary>
public sealed class SnapcraftTests : IAsyncLifetime, IDisposable
{
    private readonly SnapTestContext _context = new();
    private GitFixture _git = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string BuildCounter => _context.Root.PathOf("builds.count");

    public async Task InitializeAsync()
    {
        // GitFixture writes a Dockerfile too; the snapcraft driver ignores it.
        _git = await GitFixture.CreateAsync("unused-base-image", "v1");
        await _git.CommitAsync("snap", new Dictionary<string, string>
        {
            ["snap/snapcraft.yaml"] = "name: tool\nbase: core22\nversion: '1.0'\nsummary: test\ndescription: test\nconfinement: strict\nparts:\n  tool:\n    plugin: dump\n    source: .\n",
            ["version.txt"] = "tool 1.0\n",
        });
        _context.Snapd.ServicesOf["tool"] = ["daemon"];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _git?.Dispose();
        _context.Dispose();
    }

    /// <summary>
    /// A stand-in for snapcraft: a shell script that checks its arguments, counts its runs and writes
    /// <c>NAME_VERSION_amd64.snap</c> (holding version.txt) in its working folder.
    /// </summary>
    private string StandIn(string snapName = "tool")
    {
        var script = _context.Root.PathOf("fake-snapcraft");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "snapcraft 8.0 (stand-in)"; exit 0; fi
            [ "$1" = "pack" ] && [ "$2" = "--destructive-mode" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            [ -f snap/snapcraft.yaml ] || { echo "no snap/snapcraft.yaml in $(pwd)" >&2; exit 3; }
            echo run >> '{{BuildCounter}}'
            echo "Packing..."
            cp version.txt {{snapName}}_1.0_amd64.snap
            """);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        return script;
    }

    private SnapcraftDriver Driver(string snapcraft) =>
        new(_context.Root.Root, _context.Options with { SnapcraftExecutable = snapcraft });

    private ServiceSpec Spec(string reference = "main") =>
        TestSpecs.Create("tool", SnapcraftModule.Snapcraft, "tool", reference, _git.Url, ports: [new PortMapping(8900, 8900)]);

    [Fact]
    public async Task The_ref_is_fetched_and_resolved_and_a_missing_snapcraft_is_reported_clearly()
    {
        using var driver = Driver("/nonexistent/snapcraft");
        var progress = new RecordingProgress();
        var head = await _git.HeadAsync();

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(Spec(), false, progress, Ct));

        Assert.Contains("/nonexistent/snapcraft", failure.Message);
        Assert.Contains("snap install snapcraft --classic", failure.Message);
        Assert.Contains(head[..12], failure.Message);
        Assert.Contains(progress.Lines, line => line.Contains(head[..12], StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Join(driver.GitCacheDirectory("tool"), "HEAD")));
        Assert.False(Directory.Exists(driver.BuildDirectory("tool", head)));
        Assert.Empty(_context.Snapd.Requests);

        var availability = await driver.CheckAvailabilityAsync(Ct);
        Assert.NotNull(availability);
        Assert.Contains("/nonexistent/snapcraft", availability);
    }

    [Fact]
    public async Task Tags_and_branches_resolve_to_their_commits_and_unknown_or_unsafe_refs_are_refused()
    {
        using var driver = Driver("/nonexistent/snapcraft");
        var first = await _git.HeadAsync();
        await _git.TagAsync("v1.0");
        var second = await _git.CommitVersionAsync("v2");
        await _git.BranchAsync("stable", first);

        var tagged = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(Spec("v1.0"), false, new RecordingProgress(), Ct));
        var branch = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(Spec("stable"), false, new RecordingProgress(), Ct));
        var main = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(Spec("main"), false, new RecordingProgress(), Ct));
        var missing = await Assert.ThrowsAsync<RuntimeFailureException>(() => driver.FetchAsync(Spec("no-such-branch"), false, new RecordingProgress(), Ct));

        Assert.Contains(first[..12], tagged.Message);
        Assert.Contains(first[..12], branch.Message);
        Assert.Contains(second[..12], main.Message);
        Assert.Contains("no-such-branch", missing.Message);
        Assert.DoesNotContain("snapcraft --classic", missing.Message);

        foreach (var unsafeRef in new[] { "--upload-pack=touch /tmp/x", "a..b", "HEAD~1", "x@{1}" })
        {
            await Assert.ThrowsAsync<InvalidInputException>(() => driver.FetchAsync(Spec(unsafeRef), false, new RecordingProgress(), Ct));
        }

        var badRepository = TestSpecs.Create("tool", SnapcraftModule.Snapcraft, "tool", "main", "-oProxyCommand=evil");
        await Assert.ThrowsAsync<InvalidInputException>(() => driver.FetchAsync(badRepository, false, new RecordingProgress(), Ct));
    }

    [Fact]
    public async Task A_build_is_made_once_per_commit_and_installed_as_a_dangerous_local_snap()
    {
        using var driver = Driver(StandIn());
        var progress = new RecordingProgress();
        var head = await _git.HeadAsync();

        var artifact = await driver.FetchAsync(Spec(), false, progress, Ct);
        var again = await driver.FetchAsync(Spec(), false, new RecordingProgress(), Ct);

        Assert.Equal("git:" + head, artifact);
        Assert.Equal(artifact, again);
        Assert.Single(File.ReadAllLines(BuildCounter));
        Assert.Contains("Packing...", progress.Lines);
        var built = Path.Join(driver.BuildDirectory("tool", head), "tool.snap");
        Assert.Equal("tool 1.0\n", await File.ReadAllTextAsync(built));
        Assert.Equal(["build.json", "tool.snap"], Directory.GetFileSystemEntries(driver.BuildDirectory("tool", head)).Select(Path.GetFileName).Order());

        var created = await driver.CreateAsync(Spec(), artifact, Ct);

        Assert.Equal((SnapcraftModule.Snapcraft, InstanceState.Running), (created.Technology, created.State));
        Assert.Equal(artifact, created.ArtifactId);
        Assert.Contains("POST /v2/snaps", _context.Snapd.Requests);
        var snap = _context.Snapd.Installed("tool")!;
        Assert.Equal(("x1", "tool 1.0"), (snap.Revision, snap.Version));
        Assert.Equal("tool 1.0\n", System.Text.Encoding.UTF8.GetString(snap.File!));
        Assert.Single(await driver.ListOwnedAsync(Ct));
        using var snapDriver = new SnapDriver(_context.Root.Root, _context.Options);
        Assert.Empty(await snapDriver.ListOwnedAsync(Ct));
    }

    [Fact]
    public async Task A_new_commit_is_built_and_replaces_the_snap_through_the_reconciler_then_removal_uninstalls_it()
    {
        using var driver = Driver(StandIn());
        var reconciler = new Reconciler([driver], new AnsweringProbe(), new ReconcilerOptions { HealthTimeout = TimeSpan.FromSeconds(5) });

        var first = await reconciler.ApplyAsync(new DesiredState([Spec()]), false, new EventLog(), Ct);
        Assert.True(first.Succeeded, string.Join("; ", first.Outcomes.Select(o => o.Message)));
        var unchanged = await reconciler.ApplyAsync(new DesiredState([Spec()]), false, new EventLog(), Ct);
        Assert.Equal(ActionKind.Keep, Assert.Single(unchanged.Outcomes).Action);
        Assert.Single(File.ReadAllLines(BuildCounter));

        // The branch moves: the next run builds the new commit and replaces the snap with it.
        await _git.CommitAsync("v2", new Dictionary<string, string> { ["version.txt"] = "tool 2.0\n" });
        var refreshed = await reconciler.ApplyAsync(new DesiredState([Spec()]), false, new EventLog(), Ct);
        var outcome = Assert.Single(refreshed.Outcomes);
        Assert.True(outcome.Succeeded, outcome.Message);
        var snap = _context.Snapd.Installed("tool")!;
        Assert.Equal(("x2", "tool 2.0", true), (snap.Revision, snap.Version, snap.Active));
        Assert.Equal(2, File.ReadAllLines(BuildCounter).Length);
        Assert.Equal("git:" + await _git.HeadAsync(), Assert.Single(await driver.ListOwnedAsync(Ct)).ArtifactId);

        var removed = await reconciler.ApplyAsync(new DesiredState([]), false, new EventLog(), Ct);
        Assert.True(removed.Succeeded);
        Assert.Null(_context.Snapd.Installed("tool"));
        Assert.Empty(await driver.ListOwnedAsync(Ct));
    }

    [Fact]
    public async Task A_build_that_makes_another_snap_or_fails_is_reported_with_its_last_lines()
    {
        using var wrongName = Driver(StandIn(snapName: "other"));
        var wrong = await Assert.ThrowsAsync<RuntimeFailureException>(() => wrongName.FetchAsync(Spec(), false, new RecordingProgress(), Ct));
        Assert.Contains("other_1.0_amd64.snap", wrong.Message);

        var failing = _context.Root.PathOf("failing-snapcraft");
        await File.WriteAllTextAsync(failing, "#!/bin/sh\n[ \"$1\" = \"--version\" ] && exit 0\necho 'Failed to build part tool' >&2\nexit 1\n");
        File.SetUnixFileMode(failing, (UnixFileMode)0b111_101_101);
        using var failingDriver = Driver(failing);
        var failed = await Assert.ThrowsAnyAsync<RuntimeFailureException>(() => failingDriver.FetchAsync(Spec(), false, new RecordingProgress(), Ct));
        Assert.Contains("Failed to build part tool", failed.Message);
        Assert.Contains("exit 1", failed.Message);

        var head = await _git.HeadAsync();
        Assert.False(File.Exists(Path.Join(failingDriver.BuildDirectory("tool", head), "tool.snap")));
        Assert.Empty(Directory.GetDirectories(failingDriver.BuildDirectory("tool", head)));
        await Assert.ThrowsAsync<RuntimeFailureException>(() => failingDriver.CreateAsync(Spec(), "git:" + head, Ct));
        Assert.Equal(0, _context.Snapd.Requests.Count(r => r.StartsWith("POST", StringComparison.Ordinal)));
    }
}
