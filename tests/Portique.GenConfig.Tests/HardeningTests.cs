using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portique.GenConfig.Tests;

/// <summary>Sessions end at logout, hostile requests get short answers, nothing reflects the Host header or the root.</summary>
public sealed class HardeningTests
{
    [Fact]
    public async Task A_cookie_replayed_after_logout_is_refused()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);

        var token = await PageTokenAsync(client, cookies, "/login");
        using (var login = await SendAsync(client, cookies, HttpMethod.Post, "/login", [new("__RequestVerificationToken", token), new("password", GenConfigFactory.Password)]))
        {
            Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        }

        var session = new Dictionary<string, string>(cookies, StringComparer.Ordinal);
        token = await PageTokenAsync(client, cookies, "/config");
        using (var logout = await SendAsync(client, cookies, HttpMethod.Post, "/logout", [new("__RequestVerificationToken", token)]))
        {
            Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        }

        // The cookie as it was before the logout, sent again.
        using var replay = await SendAsync(client, session, HttpMethod.Get, "/config", null);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/login", replay.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/é")]
    [InlineData("/config?x=ü")]
    public async Task A_non_ascii_return_url_redirects_to_the_configuration(string returnUrl)
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/login");

        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("password", GenConfigFactory.Password), new("returnUrl", returnUrl)]));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/config", response.Headers.Location!.OriginalString);
        using var again = await client.GetAsync(new Uri("/login?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/config", again.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_oversized_body_gets_413()
    {
        using var factory = new GenConfigFactory();
        using var client = await factory.LoginAsync();
        using var body = new ByteArrayContent(Encoding.ASCII.GetBytes("a=" + new string('x', 5 * 1024 * 1024)));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var response = await client.PostAsync(new Uri("/config", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_form_with_too_many_fields_gets_400()
    {
        using var factory = new GenConfigFactory();
        using var client = await factory.LoginAsync();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/config");
        var fields = Enumerable.Range(0, 25_000).Select(i => new KeyValuePair<string, string>("f" + i, "x")).Prepend(new("__RequestVerificationToken", token));

        using var response = await client.PostAsync(new Uri("/config", UriKind.Relative), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_redirect_to_login_is_relative_and_an_unknown_host_is_refused()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();

        using var redirect = await client.GetAsync(new Uri("/config?mode=expert", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fconfig%3Fmode%3Dexpert", redirect.Headers.Location!.OriginalString);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/config");
        request.Headers.Host = "evil.example";
        using var hostile = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        Assert.Null(hostile.Headers.Location);
    }

    [Fact]
    public void The_allowed_hosts_default_to_the_listen_address()
    {
        Assert.Equal(["127.0.0.1", "localhost"], new GenConfigOptions { Root = new Core.PortiqueRoot("/tmp"), Listen = "127.0.0.1:7900" }.EffectiveAllowedHosts);
        Assert.Equal(["192.0.2.10"], new GenConfigOptions { Root = new Core.PortiqueRoot("/tmp"), Listen = "192.0.2.10:7900" }.EffectiveAllowedHosts);
        Assert.Equal(["genconfig.example.org"], new GenConfigOptions { Root = new Core.PortiqueRoot("/tmp"), AllowedHosts = ["genconfig.example.org"] }.EffectiveAllowedHosts);
    }

    [Fact]
    public async Task Over_https_every_answer_carries_hsts()
    {
        using var factory = new GenConfigFactory(https: true);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/login", UriKind.Relative));

        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task The_login_page_does_not_show_the_root_to_anonymous_visitors()
    {
        using var factory = new GenConfigFactory();
        using var anonymous = factory.CreateClient();
        var root = factory.Options.Root.Directory;

        var (login, _) = await GenConfigFactory.GetFormAsync(anonymous, "/login");
        Assert.DoesNotContain(root, login, StringComparison.Ordinal);

        using var administrator = await factory.LoginAsync();
        var (config, _) = await GenConfigFactory.GetFormAsync(administrator, "/config");
        Assert.Contains(root, config, StringComparison.Ordinal);
    }

    private static async Task<string> PageTokenAsync(HttpClient client, Dictionary<string, string> cookies, string path)
    {
        using var response = await SendAsync(client, cookies, HttpMethod.Get, path, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return GenConfigFactory.Token(await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, Dictionary<string, string> cookies, HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? form)
    {
        using var request = new HttpRequestMessage(method, path);
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value)));
        }

        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                var pair = header.Split(';')[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..equals], pair[(equals + 1)..]);
                if (value.Length == 0)
                {
                    cookies.Remove(name);
                }
                else
                {
                    cookies[name] = value;
                }
            }
        }

        return response;
    }
}
