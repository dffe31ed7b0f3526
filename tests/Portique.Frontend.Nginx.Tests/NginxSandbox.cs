using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Portique.Core;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>
/// One temporary Portique root with its own nginx frontend, two upstreams (<c>wiki</c>: prefix stripped,
/// <c>cloud</c>: prefix kept, as in the golden sample) and free ports on 127.0.0.1. Disposing stops the master
/// (and, should that fail, kills by pid the masters started on this root's configuration) and deletes the root.
/// </summary>
public sealed class NginxSandbox : IAsyncDisposable
{
    public const string NginxBinary = "/usr/sbin/nginx";

    /// <summary>The values the golden files were rendered with, replaced by this sandbox's.</summary>
    private const string SampleRoot = "/srv/portique-exemple";

    private NginxSandbox(NginxLayout layout)
    {
        RequireNginx();
        Directory = Path.Join(Path.GetTempPath(), "portique-nginx-tests", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        Root = new PortiqueRoot(Directory);
        Layout = layout;
        Frontend = NewFrontend();
        HttpPort = FreePort();
        HttpsPort = FreePort();
        Wiki = new TestUpstream("wiki");
        Cloud = new TestUpstream("cloud");
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    public string Directory { get; }

    public PortiqueRoot Root { get; }

    public NginxLayout Layout { get; }

    public NginxFrontend Frontend { get; }

    public int HttpPort { get; }

    public int HttpsPort { get; }

    public TestUpstream Wiki { get; }

    public TestUpstream Cloud { get; }

    public HttpClient Http { get; }

    public static NginxSandbox Create(NginxLayout layout = NginxLayout.Private) => new(layout);

    /// <summary>Tests that need nginx fail, never skip, when it is missing.</summary>
    public static void RequireNginx()
    {
        if (!File.Exists(NginxBinary))
        {
            Assert.Fail($"{NginxBinary} is missing: these tests run a real nginx. Install Debian's package: apt-get install nginx");
        }
    }

    public NginxFrontend NewFrontend(NginxFrontendOptions? options = null) =>
        new(Root, (options ?? new NginxFrontendOptions()) with { Layout = Layout, NginxBinary = options?.NginxBinary ?? NginxBinary });

    /// <summary>A port reserved for this test process (see <see cref="TestSupport.TestPorts"/>).</summary>
    public static int FreePort() => TestSupport.TestPorts.FreePort();

    public static string GoldenDirectory(string set) => Path.Join(AppContext.BaseDirectory, "Golden", set);

    /// <summary>The golden files of <paramref name="set"/> as they are (keys relative to the nginx configuration directory).</summary>
    public static SortedDictionary<string, string> RawGolden(string set)
    {
        var directory = GoldenDirectory(set);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(directory, path).Replace('\\', '/')] = File.ReadAllText(path);
        }

        return files;
    }

    /// <summary>
    /// The golden files with the sample's values swapped for this sandbox's: root directory, ports (listening on
    /// 127.0.0.1 only) and upstream ports. Only values change, so nginx accepting these accepts the golden files.
    /// </summary>
    public Dictionary<string, string> Golden(string set = "exemple", params string[] without)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, content) in RawGolden(set))
        {
            if (!without.Contains(key))
            {
                files[key] = Substitute(content);
            }
        }

        return files;
    }

    public string Substitute(string content) => content
        .Replace(SampleRoot, Root.Directory, StringComparison.Ordinal)
        .Replace("listen 80;", $"listen 127.0.0.1:{HttpPort};", StringComparison.Ordinal)
        .Replace("listen 443 ssl;", $"listen 127.0.0.1:{HttpsPort} ssl;", StringComparison.Ordinal)
        .Replace("18081", Wiki.Port.ToString(), StringComparison.Ordinal)
        .Replace("18082", Cloud.Port.ToString(), StringComparison.Ordinal);

    public Uri Url(string pathAndQuery, bool https = false) =>
        new(https ? $"https://127.0.0.1:{HttpsPort}{pathAndQuery}" : $"http://127.0.0.1:{HttpPort}{pathAndQuery}");

    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery));
        request.Headers.ConnectionClose = true;
        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    /// <summary>An HTTPS client that accepts exactly the certificate in <paramref name="certificatePath"/>, nothing else.</summary>
    public static HttpClient HttpsClientTrusting(string certificatePath, List<string> seenThumbprints)
    {
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        var thumbprint = expected.Thumbprint;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    var seen = certificate is null ? "" : new X509Certificate2(certificate).Thumbprint;
                    lock (seenThumbprints)
                    {
                        seenThumbprints.Add(seen);
                    }

                    return seen == thumbprint;
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>Every file under the nginx configuration directory, with its bytes.</summary>
    public SortedDictionary<string, byte[]> SnapshotConfiguration()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (System.IO.Directory.Exists(Frontend.ConfigDirectory))
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(Frontend.ConfigDirectory, "*", SearchOption.AllDirectories))
            {
                files[Path.GetRelativePath(Frontend.ConfigDirectory, path)] = File.ReadAllBytes(path);
            }
        }

        return files;
    }

    public string ConfigPath(string key) => Path.Join(Frontend.ConfigDirectory, key);

    /// <summary>
    /// Puts in place a self-signed pair made once per test run by <see cref="NginxFrontend.EnsureSelfSignedCertificateAsync"/>
    /// (an RSA key takes a while to generate); the adapter then finds it and keeps it.
    /// </summary>
    public async Task InstallSharedCertificateAsync()
    {
        var (certificate, key) = await SharedCertificate.Value;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Frontend.CertificatePath)!);
        await File.WriteAllBytesAsync(Frontend.KeyPath, key);
        File.SetUnixFileMode(Frontend.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllBytesAsync(Frontend.CertificatePath, certificate);
        var kept = await Frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
        Assert.False(kept.Created);
    }

    private static readonly Lazy<Task<(byte[] Certificate, byte[] Key)>> SharedCertificate = new(async () =>
    {
        var directory = Path.Join(Path.GetTempPath(), "portique-nginx-tests", "certificate-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var made = await new NginxFrontend(new PortiqueRoot(directory)).EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
            return (await File.ReadAllBytesAsync(made.CertificatePath), await File.ReadAllBytesAsync(made.KeyPath));
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    });

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Frontend.StopAsync(timeout.Token);
        }
        finally
        {
            KillLeftoverMasters();
            Http.Dispose();
            await Wiki.DisposeAsync();
            await Cloud.DisposeAsync();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Safety net: masters started on this sandbox's configuration that are still alive are killed, by pid.</summary>
    private void KillLeftoverMasters()
    {
        var option = " -c " + Frontend.MainConfigPath;
        foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string title;
            try
            {
                title = File.ReadAllText(Path.Join(directory, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                continue;
            }

            if (title.StartsWith("nginx: master process", StringComparison.Ordinal) && title.EndsWith(option, StringComparison.Ordinal))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                }
            }
        }
    }
}
