namespace Portique.TestSupport;

/// <summary>HTTP GETs against services the tests start, retried while the service comes up.</summary>
public static class HttpProbe
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// The body of the first successful (2xx) answer from <paramref name="url"/>, trying every 200 ms for at most
    /// <paramref name="timeout"/> (default 15 s); then fails the test with the last error.
    /// </summary>
    public static async Task<string> GetStringAsync(string url, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var last = "no attempt";
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(url), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                last = $"HTTP {(int)response.StatusCode}: {body}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = exception.Message;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"GET {url} did not succeed in time: {last}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The page of the service published on 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<string> GetLocalAsync(int port, string path = "/index.html", TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetStringAsync($"http://127.0.0.1:{port}{path}", timeout, cancellationToken);
}
