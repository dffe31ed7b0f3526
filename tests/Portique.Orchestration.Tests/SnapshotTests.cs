using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Docker;

namespace Portique.Orchestration.Tests;

/// <summary>The snapshot store and <c>portique rollback</c>'s checks (docs/snapshots.md), on real files and the system's tar.</summary>
public class SnapshotTests
{
    private static readonly IProgress<string> Quiet = new SynchronousProgress<string>(_ => { });

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A volume with a nested folder, a binary file, an empty file, a symbolic link and modes to keep.</summary>
    private static string MakeVolume(Sandbox sandbox, string name)
    {
        var volume = sandbox.Temp.PathOf("srv", name);
        Directory.CreateDirectory(Path.Join(volume, "sub", "deeper"));
        File.WriteAllText(Path.Join(volume, "index.html"), "version 1\n");
        File.WriteAllBytes(Path.Join(volume, "sub", "data.bin"), RandomNumberGenerator.GetBytes(100_000));
        File.WriteAllBytes(Path.Join(volume, "sub", "deeper", "empty"), []);
        File.CreateSymbolicLink(Path.Join(volume, "link"), "sub/data.bin");
        File.SetUnixFileMode(Path.Join(volume, "index.html"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return volume;
    }

    /// <summary>Each file, link and folder under <paramref name="directory"/>: its sha256 (or link target) and mode.</summary>
    private static SortedDictionary<string, string> Tree(string directory)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(directory, entry.FullName);
            tree[relative] = entry switch
            {
                { LinkTarget: { } target } => "-> " + target,
                FileInfo file => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file.FullName))) + " " + file.UnixFileMode,
                _ => "dir " + entry.UnixFileMode,
            };
        }

        return tree;
    }

    private static SnapshotStore Store(Sandbox sandbox, FakeTimeProvider clock, int keep = SnapshotStore.DefaultKeep) => new(sandbox.Temp.Root, keep, clock);

    [Fact]
    public async Task A_snapshot_restores_every_file_byte_identical_with_its_links_and_modes_and_removes_what_came_after()
    {
        using var sandbox = new Sandbox();
        var volume = MakeVolume(sandbox, "web");
        var before = Tree(volume);
        var store = Store(sandbox, new FakeTimeProvider(Start));
        var taken = await store.TakeAsync("web", "before replacement: tag: 1.0 → 2.0", "sha256:aaaa", null, [volume], Quiet, CancellationToken.None);

        File.WriteAllText(Path.Join(volume, "index.html"), "corrupted by version 2\n");
        File.Delete(Path.Join(volume, "sub", "data.bin"));
        File.WriteAllText(Path.Join(volume, "new-file"), "written by version 2");
        Assert.NotEqual(before, Tree(volume));

        await store.RestoreVolumesAsync(store.Find("web", taken.Id), Quiet, CancellationToken.None);

        Assert.Equal(before, Tree(volume));
    }

    [Fact]
    public async Task The_listing_gives_each_snapshot_of_a_service_newest_first_with_its_date_size_and_reason()
    {
        using var sandbox = new Sandbox();
        var web = MakeVolume(sandbox, "web");
        var api = MakeVolume(sandbox, "api");
        var clock = new FakeTimeProvider(Start);
        var store = Store(sandbox, clock);
        await store.TakeAsync("web", "first", null, null, [web], Quiet, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(5));
        await store.TakeAsync("api", "other service", null, null, [api], Quiet, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(5));
        await store.TakeAsync("web", "second", null, null, [web], Quiet, CancellationToken.None);

        var listed = new SnapshotStore(sandbox.Temp.Root).List("web");

        Assert.Equal(["second", "first"], listed.Select(s => s.Reason));
        Assert.Equal([Start.AddMinutes(10), Start], listed.Select(s => s.Created));
        Assert.Equal(["20261204T101000Z", "20261204T100000Z"], listed.Select(s => s.Id));
        Assert.All(listed, s => Assert.InRange(s.Size, 100_000, 200_000));
        Assert.Equal(3, store.List().Count);
    }

    [Fact]
    public async Task Only_the_newest_nombre_instantanes_snapshots_of_a_service_are_kept()
    {
        using var sandbox = new Sandbox();
        var web = MakeVolume(sandbox, "web");
        var api = MakeVolume(sandbox, "api");
        var clock = new FakeTimeProvider(Start);
        var store = Store(sandbox, clock, keep: 2);
        await store.TakeAsync("api", "api's only one", null, null, [api], Quiet, CancellationToken.None);
        for (var i = 1; i <= 4; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await store.TakeAsync("web", "number " + i, null, null, [web], Quiet, CancellationToken.None);
        }

        Assert.Equal(["number 4", "number 3"], store.List("web").Select(s => s.Reason));
        Assert.Equal(2, Directory.GetDirectories(Path.Join(store.Directory, "web")).Length);
        Assert.Single(store.List("api"));
    }

    [Fact]
    public void The_retention_is_read_from_nombre_instantanes()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(("nombre_instantanes", ["2"]));
        using var services = new PortiqueServices(sandbox.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));
        Assert.Equal(2, services.Snapshots.Keep);

        using var sandboxDefault = new Sandbox();
        using var defaults = new PortiqueServices(sandboxDefault.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));
        Assert.Equal(5, defaults.Snapshots.Keep);
    }

    [Fact]
    public async Task A_snapshot_being_restored_is_never_pruned_by_the_one_taken_before_the_restore()
    {
        using var sandbox = new Sandbox();
        var web = MakeVolume(sandbox, "web");
        var clock = new FakeTimeProvider(Start);
        var store = Store(sandbox, clock, keep: 1);
        var old = await store.TakeAsync("web", "old", null, null, [web], Quiet, CancellationToken.None);

        using (store.Pin("web", old.Id))
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await store.TakeAsync("web", "before rolling back", null, null, [web], Quiet, CancellationToken.None);
            Assert.Equal(["before rolling back", "old"], store.List("web").Select(s => s.Reason));
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        await store.TakeAsync("web", "later", null, null, [web], Quiet, CancellationToken.None);
        Assert.Equal(["later"], store.List("web").Select(s => s.Reason));
    }

    [Fact]
    public async Task A_corrupted_archive_is_refused_on_restore_with_a_clear_message_and_nothing_is_changed()
    {
        using var sandbox = new Sandbox();
        var volume = MakeVolume(sandbox, "web");
        var store = Store(sandbox, new FakeTimeProvider(Start));
        var taken = await store.TakeAsync("web", "before", null, null, [volume], Quiet, CancellationToken.None);
        var archive = Path.Join(store.Directory, "web", taken.Id, taken.Volumes[0].Archive);
        var bytes = File.ReadAllBytes(archive);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(archive, bytes);
        File.WriteAllText(Path.Join(volume, "index.html"), "version 2\n");
        var current = Tree(volume);

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => store.RestoreVolumesAsync(taken, Quiet, CancellationToken.None));

        Assert.Contains(taken.Id, error.Message);
        Assert.Contains("volume-0.tar", error.Message);
        Assert.Contains("sha256", error.Message);
        Assert.Equal(current, Tree(volume));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("web/../../x")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("a b")]
    public async Task A_service_name_or_snapshot_id_that_could_leave_the_store_is_refused_with_exit_2(string name)
    {
        using var sandbox = new Sandbox();
        var store = Store(sandbox, new FakeTimeProvider(Start));

        var taking = await Assert.ThrowsAsync<InvalidInputException>(() => store.TakeAsync(name, "r", null, null, [], Quiet, CancellationToken.None));
        var finding = Assert.Throws<InvalidInputException>(() => store.Find("web", name));
        var listing = Assert.Throws<InvalidInputException>(() => store.List(name));

        Assert.All([taking, finding, listing], e => Assert.Equal(ExitCode.InvalidInput, e.ExitCode));
        Assert.Contains("'.', '_'", finding.Message);
        Assert.False(Directory.Exists(store.Directory));
    }

    [Fact]
    public async Task An_unknown_snapshot_is_refused_naming_those_that_exist()
    {
        using var sandbox = new Sandbox();
        var store = Store(sandbox, new FakeTimeProvider(Start));
        var taken = await store.TakeAsync("web", "r", null, null, [], Quiet, CancellationToken.None);

        var unknown = Assert.Throws<InvalidInputException>(() => store.Find("web", "20200101T000000Z"));
        var none = Assert.Throws<InvalidInputException>(() => store.Find("api", null));

        Assert.Contains(taken.Id, unknown.Message);
        Assert.Contains("api", none.Message);
    }

    [Fact]
    public async Task A_restore_into_a_system_tree_named_by_a_tampered_manifest_is_refused()
    {
        using var sandbox = new Sandbox();
        var volume = MakeVolume(sandbox, "web");
        var store = Store(sandbox, new FakeTimeProvider(Start));
        var taken = await store.TakeAsync("web", "r", null, null, [volume], Quiet, CancellationToken.None);
        var tampered = taken with { Volumes = [taken.Volumes[0] with { HostPath = "/etc" }] };

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => store.RestoreVolumesAsync(tampered, Quiet, CancellationToken.None));

        Assert.Contains("/etc", error.Message);
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_written_fails_naming_the_service_and_leaves_nothing_half_made()
    {
        using var sandbox = new Sandbox();
        var volume = MakeVolume(sandbox, "web");
        var store = new SnapshotStore(sandbox.Temp.Root, 5, new FakeTimeProvider(Start)) { TarExecutable = "false" };

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => store.TakeAsync("web", "r", null, null, [volume], Quiet, CancellationToken.None));

        Assert.Contains("web", error.Message);
        Assert.Contains("false --create", error.Message);
        Assert.Empty(store.List("web"));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Join(store.Directory, "web")));
    }

    [Fact]
    public async Task A_long_archive_says_every_few_seconds_how_far_it_is()
    {
        using var sandbox = new Sandbox();
        var volume = MakeVolume(sandbox, "web");
        // A tar that takes its time: it waits for a file the test writes once it has seen progress.
        var go = sandbox.Temp.PathOf("go");
        var slowTar = sandbox.Temp.PathOf("slow-tar");
        File.WriteAllText(slowTar, $"#!/bin/sh\nwhile [ ! -e '{go}' ]; do sleep 0.05; done\nexec tar \"$@\"\n");
        File.SetUnixFileMode(slowTar, (UnixFileMode)0b111_101_101);
        var clock = new FakeTimeProvider(Start);
        var store = new SnapshotStore(sandbox.Temp.Root, 5, clock) { TarExecutable = slowTar };
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var taking = store.TakeAsync("web", "r", null, null, [volume], new SynchronousProgress<string>(lines.Enqueue), CancellationToken.None);
        static bool SaysHowFar(string line) => line.Contains("pour l'instant", StringComparison.Ordinal) || line.Contains("so far", StringComparison.Ordinal);
        for (var i = 0; i < 200 && !lines.Any(SaysHowFar); i++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }

        File.WriteAllText(go, "");
        await taking;

        Assert.True(lines.Count >= 3, string.Join("\n", lines));
        Assert.Contains(volume, lines.First());
        Assert.Contains(lines, SaysHowFar);
    }

    [Fact]
    public async Task The_hook_snapshots_the_volumes_and_spec_of_the_instance_being_replaced_with_the_reasons()
    {
        using var sandbox = new Sandbox();
        var volume = MakeVolume(sandbox, "web");
        using var services = new PortiqueServices(sandbox.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));
        var old = Spec("web", "1.0", volume);
        var observed = new ObservedService
        {
            Name = "web",
            Technology = old.Technology,
            State = InstanceState.Stopped,
            SpecHash = old.SpecHash(),
            SpecJson = old.CanonicalJson(),
            InstanceId = "c1",
            ArtifactId = "sha256:1111",
            Ports = old.Ports,
        };
        var action = new PlannedAction("web", ActionKind.Recreate, ["tag: 1.0 → 2.0"], Spec("web", "2.0", volume), observed);
        var lines = new List<string>();

        await services.SnapshotBeforeReplaceAsync(action, new SynchronousProgress<string>(lines.Add), CancellationToken.None);

        var taken = Assert.Single(services.Snapshots.List("web"));
        Assert.Contains("tag: 1.0 → 2.0", taken.Reason);
        Assert.Equal(("sha256:1111", "1.0"), (taken.ArtifactId, taken.Spec()!.Tag));
        Assert.Equal(volume, Assert.Single(taken.Volumes).HostPath);
        Assert.Contains(lines, l => l.Contains(taken.Id, StringComparison.Ordinal));

        services.SnapshotBeforeReplace = false;
        await services.SnapshotBeforeReplaceAsync(action, Quiet, CancellationToken.None);
        Assert.Single(services.Snapshots.List("web"));
    }

    [Fact]
    public async Task A_rollback_of_an_unknown_service_or_snapshot_exits_2_and_leaves_config_eol_byte_identical()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "web", 18081)]);
        var configEol = File.ReadAllBytes(sandbox.Temp.Root.ConfigEol);
        using var services = new PortiqueServices(sandbox.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));
        var progress = new SynchronousProgress<ReconcileEvent>(_ => { });

        var noSnapshot = await Assert.ThrowsAsync<InvalidInputException>(() => Rollback.RunAsync(services, "web", null, false, progress, CancellationToken.None));
        await services.Snapshots.TakeAsync("other", "r", null, Spec("other", "1.0", "/srv/other").CanonicalJson(), [], Quiet, CancellationToken.None);
        var notConfigured = await Assert.ThrowsAsync<InvalidInputException>(() => Rollback.RunAsync(services, "other", null, false, progress, CancellationToken.None));
        await services.Snapshots.TakeAsync("web", "r", null, Spec("web", "0.9", "/srv/web").CanonicalJson(), [], Quiet, CancellationToken.None);
        var unknownId = await Assert.ThrowsAsync<InvalidInputException>(() => Rollback.RunAsync(services, "web", "20200101T000000Z", false, progress, CancellationToken.None));
        var badName = await Assert.ThrowsAsync<InvalidInputException>(() => Rollback.RunAsync(services, "../web", null, false, progress, CancellationToken.None));

        Assert.Contains("web", noSnapshot.Message);
        Assert.Contains("other", notConfigured.Message);
        Assert.Contains("20200101T000000Z", unknownId.Message);
        Assert.Contains("../web", badName.Message);
        Assert.Equal(configEol, File.ReadAllBytes(sandbox.Temp.Root.ConfigEol));
        Assert.Equal(2, services.Snapshots.List().Count);
    }

    [Fact]
    public async Task A_rollback_with_data_to_a_corrupted_snapshot_is_refused_before_anything_changes()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "web", 18082)]);
        var volume = MakeVolume(sandbox, "web");
        using var services = new PortiqueServices(sandbox.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));
        var taken = await services.Snapshots.TakeAsync("web", "r", null, Spec("web", "0.9", volume).CanonicalJson(), [volume], Quiet, CancellationToken.None);
        File.AppendAllText(Path.Join(services.Snapshots.Directory, "web", taken.Id, "volume-0.tar"), "x");
        File.WriteAllText(Path.Join(volume, "index.html"), "version 2\n");
        var configEol = File.ReadAllBytes(sandbox.Temp.Root.ConfigEol);
        var data = Tree(volume);

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() =>
            Rollback.RunAsync(services, "web", taken.Id, withData: true, new SynchronousProgress<ReconcileEvent>(_ => { }), CancellationToken.None));

        Assert.Contains("sha256", error.Message);
        Assert.Equal(configEol, File.ReadAllBytes(sandbox.Temp.Root.ConfigEol));
        Assert.Equal(data, Tree(volume));
        Assert.Single(services.Snapshots.List("web"));
    }

    [Fact]
    public async Task A_rollback_waits_for_a_running_reconfigure_and_says_so()
    {
        using var sandbox = new Sandbox();
        sandbox.Store([("nombre_conteneur", ["1"]), .. Sandbox.Container(1, "web", 18083)]);
        using var services = new PortiqueServices(sandbox.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"));
        var events = new System.Collections.Concurrent.ConcurrentQueue<ReconcileEvent>();
        var reconfigure = await ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromSeconds(1), TimeProvider.System, () => { }, CancellationToken.None);

        var rollback = Rollback.RunAsync(services, "web", null, false, new SynchronousProgress<ReconcileEvent>(events.Enqueue), CancellationToken.None);
        await Task.WhenAny(rollback, Task.Delay(1000));
        Assert.False(rollback.IsCompleted);
        Assert.Contains(events, e => e.Kind == EventKind.Warning);

        reconfigure.Dispose();
        // Once it holds the lock, it goes on: here to its first check (no snapshot of web yet).
        await Assert.ThrowsAsync<InvalidInputException>(() => rollback);
    }

    private static ServiceSpec Spec(string name, string tag, string volume) => new()
    {
        Index = 1,
        Name = name,
        Technology = DockerModule.Docker,
        Url = "team/" + name,
        Tag = tag,
        Repository = "127.0.0.1:5000",
        Ports = [new PortMapping(18080, 8080)],
        Volumes = [new VolumeMapping(volume, "/data")],
        Environment = [],
        KeepPrefix = false,
        PublishAddress = "0.0.0.0",
    };
}
