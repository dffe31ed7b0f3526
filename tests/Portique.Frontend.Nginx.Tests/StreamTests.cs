using System.Net.Sockets;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>
/// Host ports published by the frontend's <c>stream</c> part (private network, docs/network.md), with a real nginx:
/// a port of <c>portique/stream/</c> forwards TCP to the service, and goes away with its file.
/// </summary>
public sealed class StreamTests : IAsyncLifetime
{
    private NginxSandbox _private = null!;
    private NginxSandbox _system = null!;

    public Task InitializeAsync()
    {
        _private = NginxSandbox.Create(NginxLayout.Private);
        _system = NginxSandbox.Create(NginxLayout.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _private.DisposeAsync();
        await _system.DisposeAsync();
    }

    private static string StreamFile(int listen, int upstream) =>
        $"{NginxFrontend.ManagedMarker} - conteneur1 : wiki, ports publiés sur l'hôte\n"
        + $"server {{\n    listen 127.0.0.1:{listen};\n    proxy_pass 127.0.0.1:{upstream};\n}}\n";

    [Fact]
    public async Task A_private_master_publishes_a_stream_port_to_the_service_and_closes_it_when_its_file_goes()
    {
        var sandbox = _private;
        await sandbox.Frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
        var port = NginxSandbox.FreePort();
        var desired = sandbox.Golden();
        desired["nginx.conf"] = sandbox.Substitute(NginxSandbox.RawGolden("reseau")["nginx.conf"]);
        desired["portique/stream/conteneur1.conf"] = StreamFile(port, sandbox.Wiki.Port);

        await sandbox.Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal("wiki /through-stream\n", await GetThroughAsync(port, "/through-stream"));
        using (var routed = await sandbox.GetAsync("/wiki/a"))
        {
            Assert.Equal("wiki /a\n", await routed.Content.ReadAsStringAsync());
        }

        desired.Remove("portique/stream/conteneur1.conf");
        var result = await sandbox.Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(["portique/stream/conteneur1.conf"], result.Change.Removed);
        Assert.Equal(FrontendAction.Reloaded, result.Action);
        await AssertClosedAsync(port);
    }

    [Fact]
    public async Task In_the_system_nginx_the_stream_block_is_written_only_while_a_port_is_published()
    {
        var sandbox = _system;
        var root = sandbox.Root.Directory;
        foreach (var directory in new[] { "etc/nginx/sites-enabled", "etc/nginx/modules-enabled", "run", "var/log/nginx", "var/lib/nginx" })
        {
            Directory.CreateDirectory(Path.Join(root, directory));
        }

        // Shaped like Debian's nginx.conf and its modules-enabled/50-mod-stream.conf, every path under the temporary root.
        File.WriteAllText(sandbox.ConfigPath("modules-enabled/50-mod-stream.conf"), "load_module modules/ngx_stream_module.so;\n");
        File.WriteAllText(sandbox.Frontend.MainConfigPath, $$"""
            worker_processes 1;
            pid {{root}}/run/nginx.pid;
            include {{root}}/etc/nginx/modules-enabled/*.conf;
            error_log {{root}}/var/log/nginx/error.log;
            events { worker_connections 64; }
            http {
                client_body_temp_path {{root}}/var/lib/nginx/body;
                proxy_temp_path {{root}}/var/lib/nginx/proxy;
                fastcgi_temp_path {{root}}/var/lib/nginx/fastcgi;
                uwsgi_temp_path {{root}}/var/lib/nginx/uwsgi;
                scgi_temp_path {{root}}/var/lib/nginx/scgi;
                access_log off;
                include {{root}}/etc/nginx/sites-enabled/*;
            }

            """);
        await sandbox.Frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
        var comments = $"{NginxFrontend.ManagedMarker} - conteneur1 : wiki, ports publiés sur l'hôte\n";
        var desired = sandbox.Golden();
        desired["portique/stream/conteneur1.conf"] = comments;

        var first = await sandbox.Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.DoesNotContain(NginxFrontend.SystemStreamIncludeFile, first.Change.Added);
        Assert.False(File.Exists(sandbox.ConfigPath(NginxFrontend.SystemStreamIncludeFile)));

        var port = NginxSandbox.FreePort();
        desired["portique/stream/conteneur1.conf"] = StreamFile(port, sandbox.Wiki.Port);
        var published = await sandbox.Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Contains(NginxFrontend.SystemStreamIncludeFile, published.Change.Added);
        Assert.Contains($"include {sandbox.Frontend.ConfigDirectory}/portique/stream/*.conf;", File.ReadAllText(sandbox.ConfigPath(NginxFrontend.SystemStreamIncludeFile)), StringComparison.Ordinal);
        Assert.Equal("wiki /system\n", await GetThroughAsync(port, "/system"));

        desired["portique/stream/conteneur1.conf"] = comments;
        var withdrawn = await sandbox.Frontend.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal([NginxFrontend.SystemStreamIncludeFile], withdrawn.Change.Removed);
        Assert.False(File.Exists(sandbox.ConfigPath(NginxFrontend.SystemStreamIncludeFile)));
        await AssertClosedAsync(port);
    }

    [Fact]
    public async Task A_udp_port_forwards_each_datagram_to_the_service_and_back()
    {
        var sandbox = _private;
        await sandbox.Frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
        using var service = new UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var servicePort = ((System.Net.IPEndPoint)service.Client.LocalEndPoint!).Port;
        var echo = Task.Run(async () =>
        {
            var received = await service.ReceiveAsync();
            await service.SendAsync(received.Buffer.Reverse().ToArray(), received.RemoteEndPoint);
        });
        var port = NginxSandbox.FreePort();
        var desired = sandbox.Golden();
        desired["nginx.conf"] = sandbox.Substitute(NginxSandbox.RawGolden("reseau")["nginx.conf"]);
        desired["portique/stream/conteneur1.conf"] = $"{NginxFrontend.ManagedMarker} - conteneur1 : dns\n"
            + $"server {{\n    listen 127.0.0.1:{port} udp;\n    proxy_pass 127.0.0.1:{servicePort};\n}}\n";

        await sandbox.Frontend.ApplyAsync(desired, CancellationToken.None);

        using var client = new UdpClient();
        client.Connect(System.Net.IPAddress.Loopback, port);
        await client.SendAsync("query"u8.ToArray());
        var reply = await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await echo.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("yreuq", System.Text.Encoding.ASCII.GetString(reply.Buffer));
    }

    [Fact]
    public async Task A_stream_file_without_the_marker_is_refused_before_anything_is_written()
    {
        var desired = _private.Golden();
        desired["portique/stream/conteneur1.conf"] = "server { listen 127.0.0.1:1; proxy_pass 127.0.0.1:2; }\n";

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _private.Frontend.ApplyAsync(desired, CancellationToken.None));

        Assert.Contains("portique/stream/conteneur1.conf", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_private.ConfigPath("portique")));
    }

    /// <summary>A plain HTTP/1.0 request sent to the stream port: the bytes reach the upstream through nginx unchanged.</summary>
    private static async Task<string> GetThroughAsync(int port, string path)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: x\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    private static async Task AssertClosedAsync(int port)
    {
        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
    }
}
