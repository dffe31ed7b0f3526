using System.Net;

namespace Portique.GenConfig.Tests;

public sealed class AuthTests
{
    private static FormUrlEncodedContent LoginForm(string token, string password) =>
        new([new("__RequestVerificationToken", token), new("password", password)]);

    [Theory]
    [InlineData("/")]
    [InlineData("/config")]
    [InlineData("/plan")]
    [InlineData("/apply")]
    [InlineData("/status")]
    public async Task Every_page_needs_the_session(string path)
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/config")]
    [InlineData("/apply")]
    [InlineData("/logout")]
    public async Task Every_action_needs_the_session(string path)
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/login");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripts_get_401_rather_than_a_redirect()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        using var events = await client.GetAsync(new Uri("/apply/events", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, events.StatusCode);
        using var fragment = await client.GetAsync(new Uri("/config/instances?repeat=nombre_conteneur&from=2&to=2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, fragment.StatusCode);
    }

    [Fact]
    public async Task Login_page_and_assets_are_public()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (html, _) = await GenConfigFactory.GetFormAsync(client, "/login");
        Assert.Contains("<label for=\"password\">Mot de passe</label>", html, StringComparison.Ordinal);
        foreach (var asset in new[] { "/assets/genconfig.css", "/assets/genconfig.js", "/assets/favicon.svg" })
        {
            using var response = await client.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_right_password_opens_a_session_with_a_strict_http_only_cookie()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/login?returnUrl=%2Fstatus");
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("password", GenConfigFactory.Password), new("returnUrl", "/status")]));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/status", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(GenConfigServer.AuthCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        using var page = await client.GetAsync(new Uri("/config", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Over_https_the_cookies_are_secure()
    {
        using var factory = new GenConfigFactory(https: true);
        using var client = factory.CreateClient();
        using var get = await client.GetAsync(new Uri("/login", UriKind.Relative));
        var antiforgery = Assert.Single(get.Headers.GetValues("Set-Cookie"), c => c.StartsWith(GenConfigServer.AntiforgeryCookie, StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        var token = GenConfigFactory.Token(await get.Content.ReadAsStringAsync());
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), LoginForm(token, GenConfigFactory.Password));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(GenConfigServer.AuthCookie + "=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_never_echoed()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/login");
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), LoginForm(token, "not-the-password-42"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Mot de passe incorrect", html, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", html, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(GenConfigServer.AuthCookie + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_without_its_anti_forgery_token_is_refused()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        await GenConfigFactory.GetFormAsync(client, "/login");
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent([new("password", GenConfigFactory.Password)]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(GenConfigServer.AuthCookie + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_five_failures_the_client_must_wait_even_with_the_right_password()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/login");
        for (var i = 0; i < LoginThrottle.FreeFailures; i++)
        {
            using var failed = await client.PostAsync(new Uri("/login", UriKind.Relative), LoginForm(token, "wrong-password-" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var locked = await client.PostAsync(new Uri("/login", UriKind.Relative), LoginForm(token, GenConfigFactory.Password)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(15), locked.Headers.RetryAfter?.Delta);
            Assert.Contains("Trop d'échecs", HtmlText.Decode(await locked.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        using var accepted = await client.PostAsync(new Uri("/login", UriKind.Relative), LoginForm(token, GenConfigFactory.Password));
        Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
    }

    [Fact]
    public async Task Logout_needs_its_token_then_ends_the_session()
    {
        using var factory = new GenConfigFactory();
        using var client = await factory.LoginAsync();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/config");

        using (var forged = await client.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var logout = await client.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
        {
            Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        }

        using var after = await client.GetAsync(new Uri("/config", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task A_new_password_ends_open_sessions()
    {
        using var factory = new GenConfigFactory();
        using var client = await factory.LoginAsync();
        new PasswordStore(factory.Options.PasswordFile).Set("another password, longer");
        using var after = await client.GetAsync(new Uri("/config", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Without_a_password_file_nobody_logs_in_and_the_page_says_how_to_set_one()
    {
        using var factory = new GenConfigFactory();
        File.Delete(factory.Options.PasswordFile);
        using var client = factory.CreateClient();
        var (html, token) = await GenConfigFactory.GetFormAsync(client, "/login");
        Assert.Contains("portique genconfig --set-password", html, StringComparison.Ordinal);
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), LoginForm(token, "anything at all"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task Login_never_redirects_to_another_site(string returnUrl)
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        var (_, token) = await GenConfigFactory.GetFormAsync(client, "/login");
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("password", GenConfigFactory.Password), new("returnUrl", returnUrl)]));
        Assert.Equal("/config", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        using var factory = new GenConfigFactory();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }
}
