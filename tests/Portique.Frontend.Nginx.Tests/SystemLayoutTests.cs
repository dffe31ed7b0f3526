using System.Net;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>
/// <see cref="NginxLayout.System"/> under a temporary root holding a Debian-like <c>/etc/nginx</c>: Portique's files
/// are tested wrapped in a minimal configuration, then within the whole one, and put back when the whole one fails.
/// </summary>
public sealed class SystemLayoutTests : IAsyncLifetime
{
    private NginxSandbox _sandbox = null!;
    private int _debianPort;
    private string _debianMain = "";

    private NginxFrontend Frontend => _sandbox.Frontend;

    public async Task InitializeAsync()
    {
        _sandbox = NginxSandbox.Create(NginxLayout.System);
        _debianPort = NginxSandbox.FreePort();
        var root = _sandbox.Root.Directory;
        foreach (var directory in new[] { "etc/nginx/sites-enabled", "etc/nginx/conf.d", "run", "var/log/nginx", "var/lib/nginx" })
        {
            Directory.CreateDirectory(Path.Join(root, directory));
        }

        // Shaped like Debian's nginx.conf, with every path under the temporary root.
        _debianMain = $$"""
            worker_processes 1;
            pid {{root}}/run/nginx.pid;
            error_log {{root}}/var/log/nginx/error.log;
            events { worker_connections 64; }
            http {
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                client_body_temp_path {{root}}/var/lib/nginx/body;
                proxy_temp_path {{root}}/var/lib/nginx/proxy;
                fastcgi_temp_path {{root}}/var/lib/nginx/fastcgi;
                uwsgi_temp_path {{root}}/var/lib/nginx/uwsgi;
                scgi_temp_path {{root}}/var/lib/nginx/scgi;
                access_log {{root}}/var/log/nginx/access.log;
                include {{root}}/etc/nginx/conf.d/*.conf;
                include {{root}}/etc/nginx/sites-enabled/*;
            }

            """;
        File.WriteAllText(Frontend.MainConfigPath, _debianMain);
        File.WriteAllText(_sandbox.ConfigPath("sites-enabled/default"), $$"""
            server {
                listen 127.0.0.1:{{_debianPort}} default_server;
                location / { return 200 "debian\n"; }
            }

            """);
        await Frontend.EnsureSelfSignedCertificateAsync("portique.example.lan", CancellationToken.None);
    }

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task Portique_files_join_the_distribution_configuration_which_stays_untouched()
    {
        var desired = _sandbox.Golden();

        var result = await Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(FrontendAction.Started, result.Action);
        Assert.Contains(NginxFrontend.SystemIncludeFile, result.Change.Added);
        Assert.DoesNotContain("nginx.conf", result.Change.Added);
        Assert.Equal(_debianMain, File.ReadAllText(Frontend.MainConfigPath));
        Assert.Contains(
            $"include {Frontend.ConfigDirectory}/portique/*.conf;",
            File.ReadAllText(_sandbox.ConfigPath(NginxFrontend.SystemIncludeFile)));

        using var wiki = await _sandbox.GetAsync("/wiki/a");
        Assert.Equal("wiki /a\n", await wiki.Content.ReadAsStringAsync());
        using var debian = await _sandbox.Http.GetAsync(new Uri($"http://127.0.0.1:{_debianPort}/"));
        Assert.Equal("debian\n", await debian.Content.ReadAsStringAsync());
        Assert.Equal(FrontendAction.None, (await Frontend.ApplyAsync(desired, CancellationToken.None)).Action);
    }

    [Fact]
    public async Task A_file_valid_alone_but_not_with_the_distribution_configuration_is_put_back()
    {
        await Frontend.ApplyAsync(_sandbox.Golden(), CancellationToken.None);
        var before = _sandbox.SnapshotConfiguration();
        var workers = Frontend.WorkerPids();
        var desired = _sandbox.Golden();
        var frontend = desired["portique/frontend.conf"];
        desired["portique/frontend.conf"] = frontend.Replace(
            $"listen 127.0.0.1:{_sandbox.HttpPort};",
            $"listen 127.0.0.1:{_sandbox.HttpPort};\n    listen 127.0.0.1:{_debianPort} default_server;",
            StringComparison.Ordinal);
        desired["portique/services/conteneur1.conf"] += "# a change that must be rolled back too\n";
        var file = _sandbox.ConfigPath("portique/frontend.conf");
        var line = Array.FindIndex(desired["portique/frontend.conf"].Split('\n'), l => l.Contains("default_server", StringComparison.Ordinal)) + 1;

        var refused = await Assert.ThrowsAsync<FrontendConfigurationException>(
            () => Frontend.ApplyAsync(desired, CancellationToken.None));

        Assert.Equal(file, refused.File);
        Assert.Equal(line, refused.Line);
        Assert.Contains("duplicate default server", refused.NginxMessage);
        Assert.Equal(before, _sandbox.SnapshotConfiguration());
        Assert.Equal(workers, Frontend.WorkerPids());
        Assert.False(File.Exists(Frontend.ReloadPendingPath));
        using var wiki = await _sandbox.GetAsync("/wiki/");
        Assert.Equal(HttpStatusCode.OK, wiki.StatusCode);

        // Last-good holds the files as they were before the attempt.
        Assert.Equal(
            before["portique/frontend.conf"],
            File.ReadAllBytes(Path.Join(Frontend.LastGoodDirectory, "portique/frontend.conf")));
    }
}
