using System.Globalization;
using System.Runtime.CompilerServices;

namespace Portique.Planning;

/// <summary>What <see cref="IServiceDriver.OpenLogAsync"/> is asked for.</summary>
/// <param name="Tail">How many of the last lines to start with (0: none).</param>
/// <param name="Follow">False: those lines, then the end. True: then every new line, until the instance stops or the caller cancels.</param>
public readonly record struct LogRequest(int Tail, bool Follow);

/// <summary>
/// One line of an instance's log. <paramref name="Time"/> when the engine stamped it: lines read (not followed) are
/// then put back in time order, an engine that stores two streams apart may interleave them out of order.
/// </summary>
public readonly record struct LogLine(string Text, DateTimeOffset? Time = null)
{
    /// <summary>
    /// A line an engine prefixed with its RFC 3339 timestamp and a space (<c>docker logs --timestamps</c>,
    /// <c>podman logs --timestamps</c>): the time and the rest as written; a line without one keeps its text, at
    /// <see cref="DateTimeOffset.MinValue"/>.
    /// </summary>
    public static LogLine Stamped(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && DateTimeOffset.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? new LogLine(line[(space + 1)..], time)
            : new LogLine(line, DateTimeOffset.MinValue);
    }
}

/// <summary>
/// Reading and following an instance's log, written once over <see cref="IServiceDriver.OpenLogAsync"/>: the
/// arguments, the order, the tail, the lines shown before following, and the end of a follow (the caller cancelling
/// ends it quietly, whatever the engine's stream then reports). Each driver only opens its engine's stream or file.
/// </summary>
public static class ServiceLogs
{
    /// <summary>The last <paramref name="tail"/> log lines of the instance named <paramref name="name"/> (or of its set-aside instance).</summary>
    public static async Task<IReadOnlyList<string>> ReadLogsAsync(
        this IServiceDriver driver, string name, int tail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        var lines = new List<LogLine>();
        await foreach (var line in driver.OpenLogAsync(name, new LogRequest(tail, Follow: false), cancellationToken))
        {
            lines.Add(line);
        }

        return Last(InTimeOrder(lines), tail);
    }

    /// <summary>
    /// The last <see cref="LifecycleOptions.FollowInitialLines"/> lines, then every new line until the instance stops
    /// (as its driver sees it) or <paramref name="cancellationToken"/> is cancelled: the enumeration then simply ends.
    /// </summary>
    public static async IAsyncEnumerable<string> FollowLogsAsync(
        this IServiceDriver driver, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var request = new LogRequest(driver.Lifecycle.FollowInitialLines, Follow: true);
        await using var lines = driver.OpenLogAsync(name, request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await lines.MoveNextAsync();
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled: the stream reports it its own way (cancelled, closed, killed); the follow just ends.
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            yield return lines.Current.Text;
        }
    }

    /// <summary>
    /// The one lookup of a log's instance: the instance named <paramref name="name"/>, else one started beside it
    /// (<see cref="ServiceLifecycle.NextName"/>), else its set-aside instance
    /// (a failed replacement leaves the previous run's log there); a next name, only that instance
    /// (<see cref="InstanceCandidates"/>). <paramref name="find"/> returns null when there is
    /// none under that instance name (and throws when one exists that this root does not own).
    /// </summary>
    /// <exception cref="InstanceMissingException"><paramref name="missing"/>'s message, when neither exists.</exception>
    public static async Task<T> FindInstanceAsync<T>(
        string name, Func<string, CancellationToken, Task<T?>> find, Func<string> missing, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(find);
        ArgumentNullException.ThrowIfNull(missing);
        foreach (var candidate in InstanceCandidates(name))
        {
            if (await find(candidate, cancellationToken) is { } found)
            {
                return found;
            }
        }

        throw new InstanceMissingException(missing());
    }

    /// <inheritdoc cref="FindInstanceAsync{T}(string, Func{string, CancellationToken, Task{T}}, Func{string}, CancellationToken)"/>
    public static T FindInstance<T>(string name, Func<string, T?> find, Func<string> missing)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(find);
        ArgumentNullException.ThrowIfNull(missing);
        foreach (var candidate in InstanceCandidates(name))
        {
            if (find(candidate) is { } found)
            {
                return found;
            }
        }

        throw new InstanceMissingException(missing());
    }

    /// <summary>
    /// The instance names a log of <paramref name="name"/> is looked for under, in order: a service's name, then its
    /// next and set-aside instances; a next name (a new instance started beside, whose failure the rollback reports)
    /// only itself, never the old instance still serving under the service's name.
    /// </summary>
    public static IReadOnlyList<string> InstanceCandidates(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ServiceLifecycle.IsNextName(name, out _)
            ? [name]
            : [name, ServiceLifecycle.NextName(name), ServiceLifecycle.AsideName(name)];
    }

    /// <summary>
    /// Every line of <paramref name="source"/>; a failure <paramref name="translate"/> knows becomes its exception
    /// (the driver's "logs failed" message), any other goes on as it is.
    /// </summary>
    public static async IAsyncEnumerable<T> TranslateFailuresAsync<T>(
        this IAsyncEnumerable<T> source, Func<Exception, Exception?> translate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(translate);
        await using var items = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await items.MoveNextAsync();
            }
            catch (Exception exception) when (translate(exception) is { } translated)
            {
                throw translated;
            }

            if (!more)
            {
                yield break;
            }

            yield return items.Current;
        }
    }

    /// <summary>The last <paramref name="count"/> of <paramref name="lines"/> (all of them when there are fewer).</summary>
    public static IReadOnlyList<T> Last<T>(IReadOnlyList<T> lines, int count)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return lines.Count > count ? lines.Skip(lines.Count - count).ToList() : lines;
    }

    /// <summary>Stamped lines sorted on their time, stable for ties (each stream's lines keep their order); the text.</summary>
    private static List<string> InTimeOrder(List<LogLine> lines) =>
        lines.Exists(l => l.Time is not null)
            ? lines.OrderBy(l => l.Time ?? DateTimeOffset.MinValue).Select(l => l.Text).ToList()
            : lines.ConvertAll(l => l.Text);
}
