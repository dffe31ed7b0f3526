using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Technologies.Snap.Tests;

/// <summary>What <c>plan</c> learns before anything changes: is snapd there, and if not, what is missing.</summary>
public sealed class SnapAvailabilityTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_missing_socket_is_named_and_so_is_a_pid_1_that_is_not_systemd()
    {
        using var root = new TempRoot();
        var init = root.PathOf("comm");
        await File.WriteAllTextAsync(init, "process_api\n");
        var socket = root.PathOf("snapd.socket");
        using var driver = new SnapDriver(root.Root, SnapTestContext.Fast(socket, init));

        var message = await driver.CheckAvailabilityAsync(Ct);

        Assert.NotNull(message);
        Assert.Contains(socket, message);
        Assert.Contains("systemd", message);
        Assert.Contains("process_api", message);
    }

    [Fact]
    public async Task Under_systemd_a_missing_socket_only_says_snapd_is_not_running()
    {
        using var root = new TempRoot();
        var init = root.PathOf("comm");
        await File.WriteAllTextAsync(init, "systemd\n");
        var socket = root.PathOf("snapd.socket");
        using var driver = new SnapDriver(root.Root, SnapTestContext.Fast(socket, init));

        var message = await driver.CheckAvailabilityAsync(Ct);

        Assert.NotNull(message);
        Assert.Contains(socket, message);
        Assert.DoesNotContain("PID 1", message);
        Assert.DoesNotContain("processus 1", message);
    }

    [Fact]
    public async Task A_socket_that_never_answers_is_reported_after_the_timeout()
    {
        using var root = new TempRoot();
        var init = root.PathOf("comm");
        await File.WriteAllTextAsync(init, "systemd\n");
        using var silent = new SilentSocket(root.PathOf("snapd.socket"));
        using var driver = new SnapDriver(root.Root, SnapTestContext.Fast(silent.Path, init));

        // A deadline on the wait, not a duration assertion: a hang fails here instead of stalling the run.
        var message = await driver.CheckAvailabilityAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.NotNull(message);
        Assert.Contains(silent.Path, message);
        Assert.Contains("1 s", message);
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_is_reported_as_not_answering()
    {
        using var root = new TempRoot();
        var init = root.PathOf("comm");
        await File.WriteAllTextAsync(init, "systemd\n");
        var path = root.PathOf("snapd.socket");
        using (var silent = new SilentSocket(path))
        {
        }

        // A stale socket file with no listener behind it (snapd died).
        using (var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        }

        using var driver = new SnapDriver(root.Root, SnapTestContext.Fast(path, init));

        var message = await driver.CheckAvailabilityAsync(Ct);

        Assert.NotNull(message);
        Assert.Contains(path, message);
    }

    [Fact]
    public async Task A_snapd_that_answers_is_available()
    {
        await using var context = new SnapTestContext();
        using var driver = new SnapDriver(context.Root.Root, context.Options);

        Assert.Null(await driver.CheckAvailabilityAsync(Ct));
        Assert.Contains("GET /v2/system-info", context.Snapd.Requests);
    }

    [Fact]
    public async Task On_this_machine_the_real_check_names_what_is_missing_or_finds_snapd_available()
    {
        using var root = new TempRoot();
        using var driver = new SnapDriver(root.Root);
        var pid1 = (await File.ReadAllTextAsync("/proc/1/comm")).Trim();

        var message = await driver.CheckAvailabilityAsync(Ct);

        if (pid1 != "systemd")
        {
            // The build machine: snapd cannot run, and the message says why.
            Assert.NotNull(message);
            Assert.Contains("systemd", message);
            Assert.Contains(pid1, message);
        }
        else if (!File.Exists("/run/snapd.socket"))
        {
            Assert.NotNull(message);
            Assert.Contains("/run/snapd.socket", message);
        }
        else
        {
            // A host where snapd runs: the real socket answers, so the engine is available.
            Assert.True(message is null, $"snapd's socket exists under systemd, yet: {message}");
        }
    }

    [Fact]
    public async Task Plan_stops_with_the_services_name_and_the_message_before_anything_changes()
    {
        using var root = new TempRoot();
        var init = root.PathOf("comm");
        await File.WriteAllTextAsync(init, "process_api\n");
        var options = SnapTestContext.Fast(root.PathOf("snapd.socket"), init);
        using var snap = new SnapDriver(root.Root, options);
        using var snapcraft = new SnapcraftDriver(root.Root, options with { SnapcraftExecutable = "/nonexistent/snapcraft" });
        var reconciler = new Reconciler([snap, snapcraft], new AnsweringProbe());
        var desired = new DesiredState(
        [
            SnapTestContext.Spec("blog", "hello", "latest/stable"),
            TestSpecs.Create("tool", SnapcraftModule.Snapcraft, "tool", "main", "file:///srv/tool.git", index: 2),
        ]);

        var (_, problems, _) = await reconciler.PlanAsync(desired, Ct);
        var failure = await Assert.ThrowsAsync<PreflightException>(() => reconciler.ApplyAsync(desired, false, new EventLog(), Ct));

        var blog = Assert.Single(problems, p => p.Subject == "blog");
        Assert.Contains("systemd", blog.Message);
        var tool = Assert.Single(problems, p => p.Subject == "tool");
        Assert.Contains("/nonexistent/snapcraft", tool.Message);
        Assert.Contains("blog", failure.Message);
        Assert.False(Directory.Exists(root.PathOf("var")));
    }

    [Theory]
    [InlineData("latest/stable", true)]
    [InlineData("2.1/edge/hotfix", true)]
    [InlineData("1234", true)]
    [InlineData("../x", false)]
    [InlineData("Latest/stable", false)]
    [InlineData("", false)]
    public void Channels_and_revisions_are_checked(string tag, bool accepted) =>
        Assert.Equal(accepted, SnapEngine.IsChannelOrRevision(tag));

    [Theory]
    [InlineData("hello-world", true)]
    [InlineData("a", true)]
    [InlineData("Hello", false)]
    [InlineData("double--dash", false)]
    [InlineData("../etc", false)]
    public void Snap_names_follow_snapds_rule(string name, bool accepted) =>
        Assert.Equal(accepted, SnapEngine.IsSnapName(name));
}
