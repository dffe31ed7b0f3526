using System.Runtime.CompilerServices;
using Portique.Core;

namespace Portique.Planning.Tests;

/// <summary>Reading and following logs, written once over a driver's log primitive (here a scripted one).</summary>
public class ServiceLogsTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Reading_asks_the_driver_for_the_tail_without_following_and_keeps_only_the_last_lines()
    {
        var engine = new LogEngine(_ => Lines("one", "two", "three", "four"));

        var lines = await engine.ReadLogsAsync("web", 2, Ct);

        Assert.Equal(["three", "four"], lines);
        Assert.Equal(new LogRequest(2, Follow: false), Assert.Single(engine.Requests));
        Assert.Equal("web", Assert.Single(engine.Names));
    }

    [Fact]
    public async Task Reading_no_line_still_looks_the_instance_up_and_returns_nothing()
    {
        var engine = new LogEngine(_ => Lines("one"));

        Assert.Empty(await engine.ReadLogsAsync("web", 0, Ct));
        Assert.Single(engine.Requests);
    }

    [Fact]
    public async Task Lines_the_engine_stamped_are_read_in_time_order_and_lines_of_the_same_time_keep_their_order()
    {
        var engine = new LogEngine(_ => Lines(
            LogLine.Stamped("2026-12-04T09:00:02Z stdout 2"),
            LogLine.Stamped("2026-12-04T09:00:03Z stdout 3"),
            LogLine.Stamped("2026-12-04T09:00:01Z stderr 1"),
            LogLine.Stamped("2026-12-04T09:00:03Z stderr 3")));

        Assert.Equal(["stderr 1", "stdout 2", "stdout 3", "stderr 3"], await engine.ReadLogsAsync("web", 10, Ct));
        Assert.Equal(["stdout 3", "stderr 3"], await engine.ReadLogsAsync("web", 2, Ct));
    }

    [Fact]
    public async Task Unstamped_lines_are_read_in_the_order_the_engine_gives_them()
    {
        var engine = new LogEngine(_ => Lines("b", "a", "c"));

        Assert.Equal(["b", "a", "c"], await engine.ReadLogsAsync("web", 10, Ct));
    }

    [Fact]
    public async Task A_negative_tail_or_an_empty_name_is_refused_before_the_driver_is_asked()
    {
        var engine = new LogEngine(_ => Lines("one"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ReadLogsAsync("web", -1, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ReadLogsAsync("", 1, Ct));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public async Task Following_starts_with_the_engines_initial_lines_and_ends_when_the_instance_log_ends()
    {
        var engine = new LogEngine(_ => Lines("old", "new 1", "new 2"), new LifecycleOptions { FollowInitialLines = 7 });

        var seen = new List<string>();
        await foreach (var line in engine.FollowLogsAsync("web", Ct))
        {
            seen.Add(line);
        }

        Assert.Equal(["old", "new 1", "new 2"], seen);
        Assert.Equal(new LogRequest(7, Follow: true), Assert.Single(engine.Requests));
    }

    [Fact]
    public async Task Cancelling_a_follow_ends_it_quietly_whatever_the_engines_stream_then_throws()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var engine = new LogEngine(token => Endless(new IOException("stream closed"), token));

        var seen = new List<string>();
        await foreach (var line in engine.FollowLogsAsync("web", cancel.Token))
        {
            seen.Add(line);
            if (seen.Count == 3)
            {
                await cancel.CancelAsync();
            }
        }

        Assert.Equal(["line 1", "line 2", "line 3"], seen);
    }

    [Fact]
    public async Task A_failure_while_following_reaches_the_caller_when_nobody_cancelled()
    {
        var engine = new LogEngine(_ => Failing(new RuntimeFailureException("logs of web: dockerd went away")));

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(async () =>
        {
            await foreach (var line in engine.FollowLogsAsync("web", Ct))
            {
                Assert.Equal("before", line);
            }
        });

        Assert.Equal("logs of web: dockerd went away", failure.Message);
    }

    [Fact]
    public async Task The_instance_is_looked_up_under_its_name_first_then_under_its_next_name_then_under_its_aside_name()
    {
        var asked = new List<string>();

        var found = await ServiceLogs.FindInstanceAsync(
            "web",
            (candidate, _) =>
            {
                asked.Add(candidate);
                return Task.FromResult(candidate == ServiceLifecycle.AsideName("web") ? "aside instance" : null);
            },
            () => "no web",
            Ct);

        Assert.Equal("aside instance", found);
        Assert.Equal(["web", "web.portique-next", "web.portique-aside"], asked);
        Assert.Equal("web", ServiceLogs.FindInstance("web", candidate => candidate == "web" ? "web" : null, () => "no web"));
    }

    [Fact]
    public async Task A_next_name_is_looked_up_under_itself_only_never_under_the_old_instance_still_serving()
    {
        var asked = new List<string>();

        var missing = await Assert.ThrowsAsync<InstanceMissingException>(() => ServiceLogs.FindInstanceAsync(
            "web.portique-next",
            (candidate, _) =>
            {
                asked.Add(candidate);
                return Task.FromResult(candidate == "web" ? "old instance" : null);
            },
            () => "no web.portique-next",
            Ct));

        Assert.Equal("no web.portique-next", missing.Message);
        Assert.Equal(["web.portique-next"], asked);
        Assert.Equal("web", ServiceLifecycle.ServiceNameOf("web.portique-next"));
        Assert.Equal("web", ServiceLifecycle.ServiceNameOf("web"));
        Assert.Equal(["web", "web.portique-next", "web.portique-aside"], ServiceLogs.InstanceCandidates("web"));
    }

    [Fact]
    public async Task An_instance_found_under_neither_name_is_missing_with_the_drivers_own_message()
    {
        var missing = await Assert.ThrowsAsync<InstanceMissingException>(
            () => ServiceLogs.FindInstanceAsync("web", (_, _) => Task.FromResult<string?>(null), () => "container web not found in /srv/root", Ct));

        Assert.Equal("container web not found in /srv/root", missing.Message);
        Assert.Throws<InstanceMissingException>(() => ServiceLogs.FindInstance("web", _ => (string?)null, () => "no web"));
    }

    [Fact]
    public async Task A_failure_the_driver_knows_is_translated_and_any_other_goes_on_as_it_is()
    {
        static Exception? Translate(Exception exception) =>
            exception is IOException io ? new RuntimeFailureException("logs failed: " + io.Message, io) : null;

        var translated = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => Drain(Failing(new IOException("disk gone")).TranslateFailuresAsync(Translate, Ct)));
        var untouched = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Drain(Failing(new InvalidOperationException("bug")).TranslateFailuresAsync(Translate, Ct)));

        Assert.Equal("logs failed: disk gone", translated.Message);
        Assert.Equal("bug", untouched.Message);
    }

    [Fact]
    public void Log_timestamps_are_split_from_the_lines_and_the_text_kept_as_written()
    {
        var podman = LogLine.Stamped("2026-11-25T09:55:22.425728380Z   spaced ");
        var swarm = LogLine.Stamped("2026-11-25T09:26:27.958298931Z line 1 with spaces");

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 55, 22, 425, TimeSpan.Zero).ToUnixTimeMilliseconds(), podman.Time!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("  spaced ", podman.Text);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 26, 27, 958, TimeSpan.Zero).ToUnixTimeMilliseconds(), swarm.Time!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("line 1 with spaces", swarm.Text);
    }

    [Fact]
    public void A_line_without_a_timestamp_keeps_its_text_at_the_earliest_time()
    {
        Assert.Equal(new LogLine("Error: no such container", DateTimeOffset.MinValue), LogLine.Stamped("Error: no such container"));
        Assert.Equal(new LogLine("no timestamp", DateTimeOffset.MinValue), LogLine.Stamped("no timestamp"));
    }

    [Fact]
    public void The_last_lines_are_all_of_them_when_there_are_fewer()
    {
        Assert.Equal([2, 3], ServiceLogs.Last([1, 2, 3], 2));
        Assert.Equal([1, 2, 3], ServiceLogs.Last([1, 2, 3], 5));
        Assert.Empty(ServiceLogs.Last([1, 2, 3], 0));
    }

    private static async IAsyncEnumerable<LogLine> Lines(params LogLine[] lines)
    {
        foreach (var line in lines)
        {
            await Task.Yield();
            yield return line;
        }
    }

    private static IAsyncEnumerable<LogLine> Lines(params string[] lines) => Lines(lines.Select(l => new LogLine(l)).ToArray());

    private static async IAsyncEnumerable<LogLine> Endless(Exception afterCancel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; ; i++)
        {
            await Task.Yield();
            if (cancellationToken.IsCancellationRequested)
            {
                throw afterCancel;
            }

            yield return new LogLine("line " + i);
        }
    }

    private static async IAsyncEnumerable<LogLine> Failing(Exception failure)
    {
        await Task.Yield();
        yield return new LogLine("before");
        throw failure;
    }

    private static async Task Drain<T>(IAsyncEnumerable<T> source)
    {
        await foreach (var _ in source)
        {
        }
    }

    /// <summary>A driver whose only working part is its log: what <c>open</c> gives, each request recorded.</summary>
    private sealed class LogEngine(Func<CancellationToken, IAsyncEnumerable<LogLine>> open, LifecycleOptions? lifecycle = null) : DriverStub
    {
        public List<LogRequest> Requests { get; } = [];

        public List<string> Names { get; } = [];

        public override LifecycleOptions Lifecycle { get; } = lifecycle ?? new LifecycleOptions();

        public override async IAsyncEnumerable<LogLine> OpenLogAsync(
            string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Names.Add(name);
            Requests.Add(request);
            await foreach (var line in open(cancellationToken).WithCancellation(cancellationToken))
            {
                yield return line;
            }
        }
    }
}
