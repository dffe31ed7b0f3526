using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>One private nginx master running the golden sample, shared by the routing tests and stopped after them.</summary>
public sealed class RoutingFixture : IAsyncLifetime
{
    public NginxSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sandbox = NginxSandbox.Create();
        await Sandbox.Frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
        var result = await Sandbox.Frontend.ApplyAsync(Sandbox.Golden(), CancellationToken.None);
        Assert.Equal(FrontendAction.Started, result.Action);
    }

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

/// <summary>
/// Requests through a real private nginx master running the golden sample (<c>wiki</c>: prefix stripped,
/// <c>cloud</c>: prefix kept, <c>batch</c>: no port) under a temporary root.
/// </summary>
public sealed class RoutingTests : IClassFixture<RoutingFixture>
{
    private readonly NginxSandbox _sandbox;

    public RoutingTests(RoutingFixture fixture)
    {
        _sandbox = fixture.Sandbox;
        foreach (var upstream in new[] { _sandbox.Wiki, _sandbox.Cloud })
        {
            upstream.Reply = null;
            upstream.Requests.Clear();
        }
    }

    [Fact]
    public async Task Prefix_is_stripped_and_sent_as_X_Forwarded_Prefix()
    {
        using var response = await _sandbox.GetAsync("/wiki/page/1?q=a%20b");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wiki /page/1?q=a%20b\n", await response.Content.ReadAsStringAsync());
        var seen = _sandbox.Wiki.Last;
        Assert.Equal("/page/1?q=a%20b", seen.Target);
        Assert.Equal("/wiki", seen.Header("X-Forwarded-Prefix"));
        Assert.Equal($"127.0.0.1:{_sandbox.HttpPort}", seen.Header("Host"));
        Assert.Equal($"127.0.0.1:{_sandbox.HttpPort}", seen.Header("X-Forwarded-Host"));
        Assert.Equal("http", seen.Header("X-Forwarded-Proto"));
        Assert.Equal(_sandbox.HttpPort.ToString(), seen.Header("X-Forwarded-Port"));
        Assert.Equal("127.0.0.1", seen.Header("X-Real-IP"));
        Assert.Equal("127.0.0.1", seen.Header("X-Forwarded-For"));
    }

    [Theory]
    [InlineData("/wiki", "/wiki/")]
    [InlineData("/wiki?a=1&b=2", "/wiki/?a=1&b=2")]
    [InlineData("/cloud", "/cloud/")]
    public async Task Name_without_trailing_slash_redirects_301_keeping_the_query(string requested, string expected)
    {
        using var response = await _sandbox.GetAsync(requested);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.Empty(_sandbox.Wiki.Requests);
        Assert.Empty(_sandbox.Cloud.Requests);
    }

    [Fact]
    public async Task Kept_prefix_reaches_the_upstream_unchanged_without_X_Forwarded_Prefix()
    {
        using var response = await _sandbox.GetAsync("/cloud/x?y=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = _sandbox.Cloud.Last;
        Assert.Equal("/cloud/x?y=1", seen.Target);
        Assert.Null(seen.Header("X-Forwarded-Prefix"));
        Assert.Equal("http", seen.Header("X-Forwarded-Proto"));
        Assert.Empty(_sandbox.Wiki.Requests);
    }

    [Theory]
    [InlineData("/login", "/wiki/login")]
    [InlineData("/", "/wiki/")]
    [InlineData("http://localhost:{upstream}/x?y=1", "/wiki/x?y=1")]
    [InlineData("http://127.0.0.1:{upstream}/x", "/wiki/x")]
    [InlineData("http://{public}/y", "/wiki/y")]
    [InlineData("https://{public}/y", "/wiki/y")]
    [InlineData("/wiki/already/prefixed", "/wiki/already/prefixed")]
    [InlineData("http://{public}/wiki/already", "/wiki/already")]
    [InlineData("https://sso.example.org/login", "https://sso.example.org/login")]
    public async Task Upstream_redirects_come_back_under_the_prefix(string location, string expected)
    {
        _sandbox.Wiki.Reply = request => new UpstreamReply(302, location
            .Replace("{upstream}", _sandbox.Wiki.Port.ToString())
            .Replace("{public}", request.Header("Host")));

        using var response = await _sandbox.GetAsync("/wiki/somewhere");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Kept_prefix_redirect_to_the_upstream_address_comes_back_relative()
    {
        _sandbox.Cloud.Reply = _ => new UpstreamReply(302, $"http://127.0.0.1:{_sandbox.Cloud.Port}/cloud/login");

        using var response = await _sandbox.GetAsync("/cloud/");

        Assert.Equal("/cloud/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Https_port_serves_the_self_signed_certificate()
    {
        var seen = new List<string>();
        using var client = NginxSandbox.HttpsClientTrusting(_sandbox.Frontend.CertificatePath, seen);

        using var response = await client.GetAsync(_sandbox.Url("/wiki/secure", https: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(seen);
        Assert.Equal("/secure", _sandbox.Wiki.Last.Target);
        Assert.Equal("https", _sandbox.Wiki.Last.Header("X-Forwarded-Proto"));
        Assert.Equal(_sandbox.HttpsPort.ToString(), _sandbox.Wiki.Last.Header("X-Forwarded-Port"));
    }

    [Fact]
    public async Task Proxy_request_header_is_not_forwarded()
    {
        using var response = await _sandbox.GetAsync("/wiki/", request =>
        {
            request.Headers.TryAddWithoutValidation("Proxy", "http://attacker.invalid:3128");
            request.Headers.TryAddWithoutValidation("X-Other", "kept");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(_sandbox.Wiki.Last.Header("Proxy"));
        Assert.Equal("kept", _sandbox.Wiki.Last.Header("X-Other"));
    }

    [Fact]
    public async Task WebSocket_upgrade_headers_are_forwarded_and_the_connection_tunnels()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _sandbox.HttpPort);
        var stream = client.GetStream();
        stream.ReadTimeout = 10_000;
        var handshake =
            "GET /wiki/socket HTTP/1.1\r\n" +
            $"Host: 127.0.0.1:{_sandbox.HttpPort}\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = await TestUpstream.ReadHeadAsync(stream, timeout.Token);
        Assert.NotNull(head);
        Assert.StartsWith("HTTP/1.1 101", head);

        var seen = _sandbox.Wiki.Last;
        Assert.Equal("/socket", seen.Target);
        Assert.Equal("websocket", seen.Header("Upgrade"));
        Assert.Equal("upgrade", seen.Header("Connection"));
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", seen.Header("Sec-WebSocket-Key"));

        var payload = Encoding.ASCII.GetBytes("ping through the tunnel");
        await stream.WriteAsync(payload, timeout.Token);
        var echoed = new byte[payload.Length];
        await stream.ReadExactlyAsync(echoed, timeout.Token);
        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task Plain_requests_close_the_upstream_connection()
    {
        using var response = await _sandbox.GetAsync("/wiki/");

        Assert.Null(_sandbox.Wiki.Last.Header("Upgrade"));
        Assert.Equal("close", _sandbox.Wiki.Last.Header("Connection"));
    }

    [Fact]
    public async Task Root_answers_a_plain_page_and_anything_else_is_404()
    {
        using var home = await _sandbox.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("Portique\n", await home.Content.ReadAsStringAsync());

        foreach (var path in new[] { "/index.html", "/batch/", "/wikipedia/", "/nothing" })
        {
            using var response = await _sandbox.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Empty(_sandbox.Wiki.Requests);
        Assert.Empty(_sandbox.Cloud.Requests);
    }
}
