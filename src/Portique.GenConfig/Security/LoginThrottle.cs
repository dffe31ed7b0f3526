namespace Portique.GenConfig;

/// <summary>
/// Slows password guessing per client address: after <see cref="FreeFailures"/> failures in a row, each attempt must wait
/// an exponentially growing delay (15 s, 30 s, 1 min... at most 15 min) after the last failure. A success forgets the client.
/// Attempts refused for waiting are not checked at all and do not count.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;

    private static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaximumDelay = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Forget = TimeSpan.FromHours(24);

    private readonly Dictionary<string, (int Failures, DateTimeOffset Last)> _clients = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How long <paramref name="client"/> must still wait before its next attempt; null: it may try now.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_clients.TryGetValue(client, out var entry))
            {
                return null;
            }

            if (now - entry.Last > Forget)
            {
                _clients.Remove(client);
                return null;
            }

            if (entry.Failures < FreeFailures)
            {
                return null;
            }

            var remaining = entry.Last + DelayAfter(entry.Failures) - now;
            return remaining > TimeSpan.Zero ? remaining : null;
        }
    }

    public void Failed(string client)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var failures = _clients.TryGetValue(client, out var entry) && now - entry.Last <= Forget ? entry.Failures : 0;
            _clients[client] = (failures + 1, now);
            if (_clients.Count > 10_000)
            {
                foreach (var stale in _clients.Where(c => now - c.Value.Last > Forget).Select(c => c.Key).ToList())
                {
                    _clients.Remove(stale);
                }
            }
        }
    }

    public void Succeeded(string client)
    {
        lock (_gate)
        {
            _clients.Remove(client);
        }
    }

    /// <summary>The wait imposed after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan DelayAfter(int failures)
    {
        if (failures < FreeFailures)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Min(failures - FreeFailures, 10);
        var delay = BaseDelay * (1 << exponent);
        return delay > MaximumDelay ? MaximumDelay : delay;
    }
}
