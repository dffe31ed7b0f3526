using Microsoft.Extensions.Time.Testing;
using Portique.Core;
using Portique.Planning;

namespace Portique.Orchestration.Tests;

public class HookAndLockTests
{
    private static void WriteHook(string folder, string name, string body, bool executable = true)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Join(folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
    }

    [Fact]
    public async Task Hooks_run_in_name_order_with_the_mode_as_first_argument_and_skip_non_executables()
    {
        using var sandbox = new Sandbox();
        var root = sandbox.Temp.Root;
        var log = sandbox.Temp.PathOf("hooks.log");
        var folder = root.HooksDirectory("pretemplate");
        WriteHook(folder, "20-second", $"echo \"second $1\" >> '{log}'");
        WriteHook(folder, "10-first", $"echo \"first $1\" >> '{log}'");
        WriteHook(folder, "30-not-executable", $"echo never >> '{log}'", executable: false);

        var ran = await new HookRunner(root).RunAsync("pretemplate", "reconfigure", new SynchronousProgress<string>(_ => { }), CancellationToken.None);

        Assert.Equal(["first reconfigure", "second reconfigure"], File.ReadAllLines(log));
        Assert.Equal(2, ran);
    }

    [Fact]
    public async Task A_failing_hook_stops_the_sequence_naming_itself_and_its_exit_code()
    {
        using var sandbox = new Sandbox();
        var root = sandbox.Temp.Root;
        var marker = sandbox.Temp.PathOf("after");
        var folder = root.HooksDirectory("postservice");
        WriteHook(folder, "10-fails", "echo broken >&2; exit 7");
        WriteHook(folder, "20-after", $"touch '{marker}'");

        var error = await Assert.ThrowsAsync<HookFailedException>(() =>
            new HookRunner(root).RunAsync("postservice", "instance", new SynchronousProgress<string>(_ => { }), CancellationToken.None));

        Assert.Equal(("postservice/10-fails", 7), (error.Hook, error.HookExitCode));
        Assert.Contains("broken", error.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_second_reconfigure_waits_for_the_lock_says_so_then_gives_up_at_its_timeout()
    {
        using var sandbox = new Sandbox();
        using var first = await ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromSeconds(1), TimeProvider.System, () => { }, CancellationToken.None);
        var waited = false;

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() =>
            ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromMilliseconds(600), TimeProvider.System, () => waited = true, CancellationToken.None));

        Assert.True(waited);
        Assert.Contains("reconfigure.lock", error.Message);
    }

    [Fact]
    public async Task A_second_reconfigure_gives_up_after_its_timeout_on_the_clock_it_is_given()
    {
        using var sandbox = new Sandbox();
        using var first = await ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromSeconds(1), TimeProvider.System, () => { }, CancellationToken.None);
        var clock = new FakeTimeProvider();
        var start = clock.GetUtcNow();

        var second = ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromMinutes(10), clock, () => { }, CancellationToken.None);
        // Ten fake minutes pass in a few real milliseconds; on the wall clock it would still be waiting.
        for (var step = 0; step < 30 && !second.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAny(second, Task.Delay(500));
        }

        await Assert.ThrowsAsync<RuntimeFailureException>(() => second);
        Assert.InRange(clock.GetUtcNow() - start, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task The_lock_is_free_again_once_released()
    {
        using var sandbox = new Sandbox();
        (await ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromSeconds(1), TimeProvider.System, () => { }, CancellationToken.None)).Dispose();
        using var second = await ReconfigureLock.AcquireAsync(sandbox.Temp.Root, TimeSpan.FromSeconds(1), TimeProvider.System, () => Assert.Fail("should not wait"), CancellationToken.None);
    }
}
