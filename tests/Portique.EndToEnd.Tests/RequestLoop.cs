using System.Diagnostics;
using System.Globalization;

namespace Portique.EndToEnd.Tests;

/// <summary>Requests in a loop, each on a new connection, to every URL in turn, until stopped: counts what failed and why.</summary>
internal sealed class RequestLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Task? _loop;
    private int _succeeded;
    private long _slowestTicks;

    public int Succeeded => _succeeded;

    /// <summary>The longest a request took, failed or not.</summary>
    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    /// <summary>How many requests failed.</summary>
    public int Failed
    {
        get
        {
            lock (_failures)
            {
                return _failures.Count;
            }
        }
    }

    public static RequestLoop Start(params string[] urls)
    {
        var loop = new RequestLoop();
        loop._loop = loop.RunAsync(urls);
        return loop;
    }

    private async Task RunAsync(string[] urls)
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var url in urls)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.ConnectionClose = true;
                    using var response = await _http.SendAsync(request, CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if (response.IsSuccessStatusCode && body.Contains("Portique test image", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref _succeeded);
                    }
                    else
                    {
                        Fail($"{url}: {(int)response.StatusCode} {body.Trim()}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Fail($"{url}: {e.Message}");
                }

                var took = Stopwatch.GetElapsedTime(started).Ticks;
                for (var slowest = Interlocked.Read(ref _slowestTicks); took > slowest; slowest = Interlocked.Read(ref _slowestTicks))
                {
                    Interlocked.CompareExchange(ref _slowestTicks, took, slowest);
                }
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private void Fail(string why)
    {
        lock (_failures)
        {
            _failures.Add(DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + why);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop!;
    }

    public void AssertNoneFailed(int atLeast)
    {
        lock (_failures)
        {
            Assert.True(_failures.Count == 0, $"{_failures.Count} requests failed ({_succeeded} succeeded):\n" + string.Join("\n", _failures.Take(20)));
        }

        Assert.True(_succeeded >= atLeast, $"only {_succeeded} requests were made");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
