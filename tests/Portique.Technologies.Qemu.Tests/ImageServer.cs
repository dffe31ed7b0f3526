using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Portique.TestSupport;

namespace Portique.Technologies.Qemu.Tests;

/// <summary>
/// A download server on 127.0.0.1 (HttpListener, a free port): serves the files it is given, 404 for anything else, and
/// counts every request per path so a test can prove what was (not) downloaded.
/// </summary>
public sealed class ImageServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, Func<byte[]>> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpStatusCode> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public ImageServer()
    {
        Port = TestPorts.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The base URL of folder <paramref name="folder"/> (what <c>conteneurN_repository</c> holds), no trailing slash.</summary>
    public string BaseUrl(string folder) => $"http://127.0.0.1:{Port}/{folder}";

    /// <summary>Serves <paramref name="path"/> (<c>/folder/file</c>) with the bytes of <paramref name="file"/>, read at each request.</summary>
    public void ServeFile(string path, string file) => _files[path] = () => File.ReadAllBytes(file);

    public void ServeText(string path, string text) => _files[path] = () => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>Answers <paramref name="status"/> (no body) for <paramref name="path"/>.</summary>
    public void ServeStatus(string path, HttpStatusCode status) => _statuses[path] = status;

    public int RequestCount(string path) => _requests.GetValueOrDefault(path);

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
        using var response = context.Response;
        try
        {
            if (_statuses.TryGetValue(path, out var status))
            {
                response.StatusCode = (int)status;
                return;
            }

            if (!_files.TryGetValue(path, out var content))
            {
                response.StatusCode = 404;
                return;
            }

            var bytes = content();
            response.StatusCode = 200;
            response.ContentType = "application/octet-stream";
            response.ContentLength64 = bytes.Length;
            response.Headers["X-Served-Length"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
            response.OutputStream.Write(bytes);
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }
}
