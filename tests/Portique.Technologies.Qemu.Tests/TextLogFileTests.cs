using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>
/// The log file reader qemu's and lxc's consoles share, on real files in a temporary folder and a fake clock: a
/// follow's polls and state checks happen when the test advances the clock.
/// </summary>
public sealed class TextLogFileTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => CancellationToken.None;

    private string Log => _root.PathOf("console.log");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task The_tail_keeps_the_last_lines_without_carriage_returns()
    {
        await File.WriteAllTextAsync(Log, string.Concat(Enumerable.Range(1, 5000).Select(i => $"line {i}\r\n")) + "partial", Ct);

        var (lines, length) = await TextLogFile.TailAsync(Log, 3, Ct);

        Assert.Equal(["line 4999", "line 5000", "partial"], lines);
        Assert.Equal(new FileInfo(Log).Length, length);
        Assert.Empty((await TextLogFile.TailAsync(Log, 0, Ct)).Lines);
    }

    [Fact]
    public async Task A_console_line_ending_in_several_carriage_returns_loses_them_all()
    {
        await File.WriteAllTextAsync(Log, "booting\r\r\nready\r\n", Ct);

        Assert.Equal(["booting", "ready"], (await TextLogFile.TailAsync(Log, 10, Ct)).Lines);
    }

    [Fact]
    public async Task A_log_not_written_yet_has_no_lines()
    {
        Assert.Equal(([], 0), await TextLogFile.TailAsync(Log, 10, Ct));
    }

    [Fact]
    public async Task The_rotated_log_completes_the_tail_when_the_current_one_has_too_few_lines()
    {
        await File.WriteAllTextAsync(TextLogFile.Rotated(Log), "run 1 a\nrun 1 b\nrun 1 c\n", Ct);
        await File.WriteAllTextAsync(Log, "run 2 a\n", Ct);

        var (lines, length) = await TextLogFile.TailAsync([TextLogFile.Rotated(Log), Log], 3, Ct);

        Assert.Equal(["run 1 b", "run 1 c", "run 2 a"], lines);
        Assert.Equal(8, length);
        Assert.Equal(["run 2 a"], (await TextLogFile.TailAsync([TextLogFile.Rotated(Log), Log], 1, Ct)).Lines);
    }

    [Fact]
    public async Task Rotating_keeps_the_previous_log_only_when_it_is_longer_than_the_limit()
    {
        await File.WriteAllTextAsync(Log, "short\n", Ct);
        TextLogFile.Rotate(Log, longerThan: 100);
        Assert.True(File.Exists(Log));

        TextLogFile.Rotate(Log, longerThan: 0);

        Assert.False(File.Exists(Log));
        Assert.Equal("short\n", await File.ReadAllTextAsync(TextLogFile.Rotated(Log), Ct));
    }

    [Fact]
    public async Task Following_a_log_yields_appended_lines_and_starts_over_on_a_rotated_file()
    {
        await File.WriteAllTextAsync(Log, new string('x', 4096) + "\nold\n", Ct);
        await using var lines = Follow(new FileInfo(Log).Length);

        await File.AppendAllTextAsync(Log, "first\r\nsecond\n", Ct);
        Assert.Equal("first", await NextAsync(lines));
        Assert.Equal("second", await NextAsync(lines));

        File.Move(Log, TextLogFile.Rotated(Log));
        await File.WriteAllTextAsync(Log, "after rotation\n", Ct);
        Assert.Equal("after rotation", await NextAsync(lines));
    }

    [Fact]
    public async Task Following_starts_over_at_the_beginning_of_a_truncated_log()
    {
        await File.WriteAllTextAsync(Log, "a long first run\n", Ct);
        await using var lines = Follow(new FileInfo(Log).Length);

        await File.WriteAllTextAsync(Log, "new\n", Ct);

        Assert.Equal("new", await NextAsync(lines));
    }

    [Fact]
    public async Task Following_waits_for_a_log_that_does_not_exist_yet()
    {
        await using var lines = Follow(position: 0);
        var next = lines.MoveNextAsync().AsTask();
        await AdvanceAsync(next, Poll * 4);
        Assert.False(next.IsCompleted);

        await File.WriteAllTextAsync(Log, "first words\n", Ct);

        await AdvanceAsync(next);
        Assert.True(await next);
        Assert.Equal("first words", lines.Current);
    }

    [Fact]
    public async Task A_character_cut_between_two_writes_is_joined()
    {
        await File.WriteAllTextAsync(Log, "", Ct);
        await using var lines = Follow(position: 0);
        var bytes = Encoding.UTF8.GetBytes("déjà vu\n");
        var next = lines.MoveNextAsync().AsTask();

        await AppendAsync(bytes[..2]);
        await AdvanceAsync(next, Poll * 2);
        await AppendAsync(bytes[2..]);
        await AdvanceAsync(next);

        Assert.True(await next);
        Assert.Equal("déjà vu", lines.Current);
    }

    [Fact]
    public async Task Following_ends_once_the_instance_stopped_and_gives_its_unterminated_last_line()
    {
        await File.WriteAllTextAsync(Log, "", Ct);
        var running = true;
        var asked = 0;
        await using var lines = TextLogFile.FollowAsync(() => Log, 0, Poll, _ =>
        {
            asked++;
            return Task.FromResult(running);
        }, _time, Ct).GetAsyncEnumerator(Ct);

        await File.AppendAllTextAsync(Log, "last words\nno newline", Ct);
        Assert.Equal("last words", await NextAsync(lines));
        var next = lines.MoveNextAsync().AsTask();
        await AdvanceAsync(next, TextLogFile.StateCheckInterval * 3);
        Assert.False(next.IsCompleted);
        Assert.True(asked > 0);

        running = false;
        await AdvanceAsync(next);
        Assert.True(await next);
        Assert.Equal("no newline", lines.Current);
        Assert.False(await lines.MoveNextAsync());
    }

    [Fact]
    public async Task Cancelling_ends_a_follow_quietly()
    {
        await File.WriteAllTextAsync(Log, "", Ct);
        using var cancel = new CancellationTokenSource();
        await using var lines = TextLogFile.FollowAsync(() => Log, 0, Poll, null, _time, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var next = lines.MoveNextAsync().AsTask();
        await AdvanceAsync(next, Poll * 2);

        await cancel.CancelAsync();

        Assert.False(await next.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task Reading_gives_the_tail_then_following_gives_what_comes_after_it()
    {
        await File.WriteAllTextAsync(Log, "one\ntwo\nthree\n", Ct);

        var read = new List<string>();
        await foreach (var line in TextLogFile.ReadAsync(() => Log, withRotated: false, new LogRequest(2, Follow: false), Poll, null, _time, Ct))
        {
            read.Add(line);
        }

        await using var followed = TextLogFile.ReadAsync(() => Log, withRotated: false, new LogRequest(1, Follow: true), Poll, null, _time, Ct)
            .GetAsyncEnumerator(Ct);
        Assert.Equal("three", await NextAsync(followed));
        await File.AppendAllTextAsync(Log, "four\n", Ct);

        Assert.Equal(["two", "three"], read);
        Assert.Equal("four", await NextAsync(followed));
    }

    [Fact]
    public async Task A_log_that_cannot_be_read_fails_in_the_drivers_words()
    {
        Directory.CreateDirectory(Log);
        var source = new TextLogSource(() => Log, reason => "logs of web: " + reason);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(async () =>
        {
            await foreach (var _ in TextLogFile.OpenAsync(source, new LogRequest(10, Follow: false), Ct))
            {
            }
        });

        Assert.StartsWith("logs of web: ", failure.Message);
        Assert.Contains(Log, failure.Message);
    }

    private IAsyncEnumerator<string> Follow(long position) =>
        TextLogFile.FollowAsync(() => Log, position, Poll, null, _time, Ct).GetAsyncEnumerator(Ct);

    private async Task AppendAsync(byte[] bytes)
    {
        await using var stream = new FileStream(Log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await stream.WriteAsync(bytes, Ct);
    }

    /// <summary>The next line, the fake clock moved on one poll at a time until it comes.</summary>
    private async Task<string> NextAsync(IAsyncEnumerator<string> lines)
    {
        var next = lines.MoveNextAsync().AsTask();
        await AdvanceAsync(next);
        Assert.True(await next, "the follow ended");
        return lines.Current;
    }

    /// <summary>Moves the clock on one poll at a time until <paramref name="task"/> completes, or for <paramref name="atMost"/> (default: 10 minutes).</summary>
    private async Task AdvanceAsync(Task task, TimeSpan? atMost = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (var moved = TimeSpan.Zero; !task.IsCompleted && moved < (atMost ?? TimeSpan.FromMinutes(10)) && DateTime.UtcNow < deadline; moved += Poll)
        {
            // Real file reads happen between two polls: give them a moment of real time.
            await Task.WhenAny(task, Task.Delay(10, Ct));
            _time.Advance(Poll);
        }

        await Task.WhenAny(task, Task.Delay(50, Ct));
        if (atMost is null)
        {
            Assert.True(task.IsCompleted, "nothing came");
        }
    }
}
