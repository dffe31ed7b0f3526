using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Portique.TestSupport;

namespace Portique.GenConfig.Tests;

/// <summary>
/// <c>portique genconfig</c> as an administrator starts it: the real executable in its own process (its own host,
/// configuration, Kestrel and cookies), reached over a real socket. Log in, save a change, and be refused a post
/// without the anti-forgery token.
/// </summary>
public sealed class ProcessTests : IDisposable
{
    private const string Password = "process test password";
    private readonly TempRoot _root = new("portique-genconfig-process-");

    public void Dispose() => _root.Dispose();

    private ProcessStartInfo Portique(params string[] args)
    {
        var info = PortiqueExecutable.StartInfo(["--root", _root.Directory, "--lang", "en", .. args]);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        return info;
    }

    private async Task RunToEndAsync(string? input, params string[] args)
    {
        using var process = Process.Start(Portique(args))!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"portique {string.Join(' ', args)} exited {process.ExitCode}: {await error}");
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await probe.GetAsync(new Uri($"http://127.0.0.1:{port}/login"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_started_genconfig_logs_in_saves_a_change_and_refuses_a_post_without_its_anti_forgery_token()
    {
        await RunToEndAsync(null, "set", "conteneur1_name=web", "conteneur1_url=team/web", "conteneur1_port_in=8080", "conteneur1_port_out=18091");
        await RunToEndAsync(Password + "\n", "genconfig", "--set-password");
        var port = TestPorts.FreePort();

        using var server = Process.Start(Portique("genconfig", "--listen", $"127.0.0.1:{port}"))!;
        try
        {
            // Ready when its port answers (a condition with a deadline, not a guessed delay); failing if it exits first.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!await AnswersAsync(port))
            {
                if (server.HasExited)
                {
                    Assert.Fail($"genconfig exited {server.ExitCode} before listening: {await server.StandardError.ReadToEndAsync()}");
                }

                Assert.True(DateTime.UtcNow < deadline, "genconfig did not listen within 2 minutes");
                await Task.Delay(50);
            }

            using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseProxy = false };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(1) };

            // Login: the page, then the form with its token.
            var (_, loginToken) = await GenConfigFactory.GetFormAsync(client, "/login");
            using (var wrong = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
                [new("__RequestVerificationToken", loginToken), new("password", "not the password")])))
            {
                Assert.NotEqual(HttpStatusCode.SeeOther, wrong.StatusCode);
            }

            using (var login = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(
                [new("__RequestVerificationToken", loginToken), new("password", Password)])))
            {
                Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
            }

            // A save: config.eol gets the value, owned by gen_config.
            var (page, _) = await GenConfigFactory.GetFormAsync(client, "/config");
            var form = FormPost.FromPage(page).Set("conteneur1_tag", "1.27").Set("__action", "save");
            using (var save = await client.PostAsync(new Uri("/config", UriKind.Relative), form.Content()))
            {
                Assert.Equal(HttpStatusCode.SeeOther, save.StatusCode);
            }

            var eol = JsonNode.Parse(await File.ReadAllTextAsync(_root.Root.ConfigEol))!.AsObject();
            Assert.Equal(("1.27", "gen_config"), ((string?)eol["conteneur1_tag"]!["val"], (string?)eol["conteneur1_tag"]!["owner"]));

            // The same post without the token is refused, and changes nothing.
            var before = await File.ReadAllBytesAsync(_root.Root.ConfigEol);
            var (again, _) = await GenConfigFactory.GetFormAsync(client, "/config");
            var forged = FormPost.FromPage(again).Set("conteneur1_tag", "6.6.6").Set("__action", "save").Without("__RequestVerificationToken");
            using (var refused = await client.PostAsync(new Uri("/config", UriKind.Relative), forged.Content()))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            Assert.Equal(before, await File.ReadAllBytesAsync(_root.Root.ConfigEol));
            Assert.False(server.HasExited, "genconfig stopped while serving");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }
}
