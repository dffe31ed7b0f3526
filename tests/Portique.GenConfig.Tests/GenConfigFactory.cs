using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portique.Configuration;
using Portique.GenConfig.Apply;
using Portique.Orchestration;
using Portique.TestSupport;

namespace Portique.GenConfig.Tests;

/// <summary>
/// genconfig in process (TestServer) on a fresh temporary root with the shipped dictionaries, a known password and a
/// <see cref="FakeBackend"/>. The app is composed exactly as <see cref="GenConfigServer.Build"/> composes it.
/// The entry-point type is this test assembly's (genconfig is a library; the CLI hosts it).
/// </summary>
public sealed partial class GenConfigFactory : WebApplicationFactory<GenConfigFactory>
{
    public const string Password = "correct horse battery";

    private readonly TempRoot _root = new("portique-genconfig-");

    static GenConfigFactory()
    {
        // WebApplicationFactory looks for a content root next to the solution unless told: genconfig serves no files from disk.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PORTIQUE_GENCONFIG_TESTS", AppContext.BaseDirectory);
    }

    /// <param name="https">Browse as https://localhost.</param>
    /// <param name="prepareRoot">Writes into the root (its own dictionaries...) before genconfig looks at it.</param>
    public GenConfigFactory(bool https = false, Action<string>? prepareRoot = null)
    {
        Https = https;
        prepareRoot?.Invoke(_root.Directory);
        Workspace = new Workspace(_root.Root, Workspace.DefaultShippedDirectory);
        Backend = new FakeBackend(Workspace);
        Options = new GenConfigOptions { Root = _root.Root, Backend = _ => Backend, Time = Clock };
        new PasswordStore(Options.PasswordFile).Set(Password);
        ClientOptions.AllowAutoRedirect = false;
        ClientOptions.HandleCookies = true;
        ClientOptions.BaseAddress = new Uri(https ? "https://localhost" : "http://localhost");
    }

    public bool Https { get; }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public GenConfigOptions Options { get; }

    public Workspace Workspace { get; }

    public FakeBackend Backend { get; }

    public string ConfigEol => _root.Root.ConfigEol;

    public string PathOf(params string[] relative) => _root.PathOf(relative);

    public ApplyCoordinator Coordinator => Services.GetRequiredService<ApplyCoordinator>();

    /// <summary>Sets values as <c>portique set</c> would.</summary>
    public void Set(params (string Name, string[] Values)[] assignments) =>
        Workspace.Set(assignments.Select(a => new KeyValuePair<string, IReadOnlyList<string>>(a.Name, a.Values)).ToArray(), Owners.Portique);

    /// <summary>A valid configuration with one container, as after <c>portique set</c>.</summary>
    public void SetOneContainer() => Set(
        ("conteneur1_name", ["web"]),
        ("conteneur1_url", ["nginx"]),
        ("conteneur1_port_in", ["80"]),
        ("conteneur1_port_out", ["8081"]));

    /// <summary>A client logged in as the administrator.</summary>
    public async Task<HttpClient> LoginAsync()
    {
        var client = CreateClient();
        var form = await GetFormAsync(client, "/login");
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", form.Token), new("password", Password)]));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return client;
    }

    /// <summary>GETs a page and reads its anti-forgery token.</summary>
    public static async Task<(string Html, string Token)> GetFormAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}\n{html}");
        return (html, Token(html));
    }

    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "no anti-forgery token in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .ConfigureWebHost(web => web
                .UseContentRoot(AppContext.BaseDirectory)
                .ConfigureServices(services => GenConfigServer.ConfigureServices(services, Options))
                .Configure(GenConfigServer.Configure));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _root.Dispose();
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
