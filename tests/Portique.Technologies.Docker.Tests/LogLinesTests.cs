using System.Text;
using Docker.DotNet;
using Portique.Core;
using Portique.Planning;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Docker.Tests;

/// <summary>
/// dockerd's log stream as the docker, swarm and vagrant drivers read it: frames of stdout and stderr (8-byte headers)
/// or one raw stream, written here into memory exactly as dockerd sends them.
/// </summary>
public sealed class LogLinesTests
{
    private static readonly DockerApiMessages Texts = DockerApiClientTests.Texts;

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_line_split_across_frames_is_joined_and_each_stream_keeps_its_own_partial_line()
    {
        var stream = Multiplexed((1, "out: hel"), (2, "err: wor"), (1, "lo\n"), (2, "ld\r\n"), (1, "next\n"));

        Assert.Equal(["out: hello", "err: world", "next"], await ReadAllAsync(stream));
    }

    [Fact]
    public async Task Unterminated_last_lines_are_given_when_the_stream_ends()
    {
        var stream = Multiplexed((1, "complete\nhalf"), (2, "error half"));

        Assert.Equal(["complete", "half", "error half"], await ReadAllAsync(stream));
    }

    [Fact]
    public async Task A_character_cut_between_two_frames_is_decoded_whole()
    {
        var bytes = Encoding.UTF8.GetBytes("café\n");
        var stream = Multiplexed((1, bytes[..4]), (1, bytes[4..]));

        Assert.Equal(["café"], await ReadAllAsync(stream));
    }

    [Fact]
    public async Task The_raw_stream_of_a_tty_container_is_read_as_one()
    {
        var stream = new MultiplexedStream(new MemoryStream(Encoding.UTF8.GetBytes("one\r\ntwo\nthree")), multiplexed: false);

        Assert.Equal(["one", "two", "three"], await ReadAllAsync(stream));
    }

    [Fact]
    public async Task Lines_asked_with_timestamps_carry_the_time_dockerd_put_before_them()
    {
        using var api = new DockerApiClient(new Uri("unix:///nonexistent/docker.sock"), null, Texts);
        var stream = Multiplexed((1, "2026-12-04T09:00:01.5Z stamped line\n"));

        var lines = await ToListAsync(LogLines.ReadAsync(api, _ => Task.FromResult(stream), timestamps: true, m => "logs: " + m, Ct));

        Assert.Equal([new LogLine("stamped line", new DateTimeOffset(2026, 12, 4, 9, 0, 1, 500, TimeSpan.Zero))], lines);
    }

    [Fact]
    public async Task A_stream_that_breaks_before_the_caller_cancels_fails_in_the_drivers_words()
    {
        using var api = new DockerApiClient(new Uri("unix:///nonexistent/docker.sock"), null, Texts);
        var stream = new MultiplexedStream(new BreakingStream(Frame(1, "first\n")), multiplexed: true);

        var failure = await Assert.ThrowsAsync<RuntimeFailureException>(
            () => ToListAsync(LogLines.ReadAsync(api, _ => Task.FromResult(stream), timestamps: false, m => "logs of web: " + m, Ct)));

        Assert.StartsWith("logs of web: unreachable unix:///nonexistent/docker.sock: ", failure.Message);
        Assert.IsType<IOException>(failure.InnerException);
    }

    private static MultiplexedStream Multiplexed(params (byte Target, string Text)[] frames) =>
        Multiplexed(frames.Select(f => (f.Target, Encoding.UTF8.GetBytes(f.Text))).ToArray());

    private static MultiplexedStream Multiplexed(params (byte Target, byte[] Payload)[] frames) =>
        new(new MemoryStream(frames.SelectMany(f => Frame(f.Target, f.Payload)).ToArray()), multiplexed: true);

    private static byte[] Frame(byte target, string text) => Frame(target, Encoding.UTF8.GetBytes(text));

    /// <summary>One frame as dockerd writes it: stream (1 stdout, 2 stderr), three zero bytes, big-endian length, payload.</summary>
    private static byte[] Frame(byte target, byte[] payload)
    {
        var length = BitConverter.GetBytes(payload.Length);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(length);
        }

        return [target, 0, 0, 0, .. length, .. payload];
    }

    private static async Task<List<string>> ReadAllAsync(MultiplexedStream stream)
    {
        using (stream)
        {
            var lines = new List<string>();
            await foreach (var line in LogLines.ReadAsync(stream, Ct))
            {
                lines.Add(line);
            }

            return lines;
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Gives its bytes, then fails as a dropped connection does.</summary>
    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("connection reset by peer");
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
