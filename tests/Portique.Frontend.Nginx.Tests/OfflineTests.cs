using System.Net;
using System.Security.Cryptography.X509Certificates;
using Portique.Core;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>What needs no nginx: certificates, the golden files' shape, the desired-file contract.</summary>
public sealed class OfflineTests : IDisposable
{
    private readonly string _directory = Path.Join(Path.GetTempPath(), "portique-nginx-offline", Guid.NewGuid().ToString("N")[..12]);

    public OfflineTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private NginxFrontend Frontend(NginxLayout layout = NginxLayout.Private) =>
        new(new PortiqueRoot(_directory), new NginxFrontendOptions { Layout = layout });

    [Fact]
    public async Task The_self_signed_certificate_is_created_once_with_a_private_key()
    {
        var frontend = Frontend();

        var created = await frontend.EnsureSelfSignedCertificateAsync("_", CancellationToken.None);

        Assert.True(created.Created);
        Assert.Equal(Path.Join(_directory, "etc/portique/ssl/portique.crt"), created.CertificatePath);
        Assert.Equal(Path.Join(_directory, "etc/portique/ssl/portique.key"), created.KeyPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(created.KeyPath));
        using var certificate = X509Certificate2.CreateFromPemFile(created.CertificatePath, created.KeyPath);
        Assert.True(certificate.HasPrivateKey);
        Assert.Contains("CN=localhost", certificate.Subject);
        Assert.InRange(certificate.NotAfter, DateTime.Now.AddYears(10).AddDays(-2), DateTime.Now.AddYears(10).AddDays(1));
        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.True(certificate.MatchesHostname("127.0.0.1"));
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");

        var bytes = File.ReadAllBytes(created.CertificatePath);
        var again = await frontend.EnsureSelfSignedCertificateAsync("other.example.org", CancellationToken.None);
        Assert.False(again.Created);
        Assert.Equal(bytes, File.ReadAllBytes(created.CertificatePath));
    }

    [Fact]
    public async Task A_lost_key_makes_a_new_pair()
    {
        var frontend = Frontend();
        var first = await frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);
        var certificate = File.ReadAllBytes(first.CertificatePath);
        File.Delete(first.KeyPath);

        var second = await frontend.EnsureSelfSignedCertificateAsync(null, CancellationToken.None);

        Assert.True(second.Created);
        Assert.NotEqual(certificate, File.ReadAllBytes(second.CertificatePath));
        using var pair = X509Certificate2.CreateFromPemFile(second.CertificatePath, second.KeyPath);
        Assert.True(pair.HasPrivateKey);
    }

    [Fact]
    public async Task The_certificate_names_the_configured_servers()
    {
        var created = await Frontend().EnsureSelfSignedCertificateAsync("portique.ac-exemple.lan .eole.lan 192.168.0.10", CancellationToken.None);

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(created.CertificatePath));
        Assert.Contains("CN=portique.ac-exemple.lan", certificate.Subject);
        Assert.True(certificate.MatchesHostname("portique.ac-exemple.lan"));
        Assert.True(certificate.MatchesHostname("any.eole.lan"));
        Assert.True(certificate.MatchesHostname("192.168.0.10"));
        Assert.True(certificate.MatchesHostname("127.0.0.1"));
        Assert.False(certificate.MatchesHostname("localhost"));
    }

    [Theory]
    [InlineData("_", new[] { "localhost" })]
    [InlineData("", new[] { "localhost" })]
    [InlineData("~^www\\.(?<d>.+)$ a.example.org", new[] { "a.example.org" })]
    [InlineData("a.lan a.lan .b.lan", new[] { "a.lan", "*.b.lan" })]
    public void Subject_names_come_from_server_name(string serverName, string[] expected)
    {
        var (dns, addresses) = SelfSignedCertificates.SubjectNames(serverName);

        Assert.Equal(expected, dns);
        Assert.Equal([IPAddress.Loopback], addresses);
    }

    [Fact]
    public void Every_golden_and_template_file_starts_with_the_managed_marker()
    {
        foreach (var set in new[] { "exemple", "certificat" })
        {
            foreach (var (key, content) in NginxSandbox.RawGolden(set))
            {
                Assert.True(content.StartsWith(NginxFrontend.ManagedMarker, StringComparison.Ordinal), $"{set}/{key}");
            }
        }

        foreach (var template in Directory.EnumerateFiles(Path.Join(AppContext.BaseDirectory, "Templates"), "portique-*.conf"))
        {
            Assert.StartsWith(NginxFrontend.ManagedMarker, File.ReadAllText(template));
        }
    }

    [Fact]
    public void Golden_files_keep_every_path_under_the_sample_root()
    {
        var main = NginxSandbox.RawGolden("exemple")["nginx.conf"];
        var paths = main.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2 && p[1].StartsWith('/'))
            .ToList();

        Assert.Contains(paths, p => p[0] == "pid");
        Assert.All(paths.Where(p => p[0] != "include"), p => Assert.StartsWith("/srv/portique-exemple/", p[1]));
        Assert.Contains("include portique/*.conf;", main);
        Assert.Contains("include portique/services/*.conf;", NginxSandbox.RawGolden("exemple")["portique/frontend.conf"]);
    }

    [Fact]
    public async Task Golden_sample_plans_as_all_added_on_an_empty_root()
    {
        var desired = NginxSandbox.RawGolden("exemple");

        var plan = await Frontend().PlanAsync(desired, CancellationToken.None);

        Assert.Equal(desired.Keys, plan.Added);
        Assert.Empty(plan.Changed);
        Assert.Empty(plan.Removed);
        Assert.False(Directory.Exists(Path.Join(_directory, "etc")));
        Assert.False(Directory.Exists(Path.Join(_directory, "var")));
    }

    [Fact]
    public async Task The_system_layout_ignores_nginx_conf_and_adds_its_include()
    {
        var plan = await Frontend(NginxLayout.System).PlanAsync(NginxSandbox.RawGolden("exemple"), CancellationToken.None);

        Assert.DoesNotContain("nginx.conf", plan.Added);
        Assert.Contains(NginxFrontend.SystemIncludeFile, plan.Added);
    }

    [Theory]
    [InlineData("/etc/nginx/nginx.conf")]
    [InlineData("../nginx.conf")]
    [InlineData("portique/../../evil.conf")]
    [InlineData("portique/services/sub/x.conf")]
    [InlineData("portique/x.txt")]
    [InlineData("sites-enabled/portique.conf")]
    [InlineData("portique/.hidden.conf")]
    public async Task Paths_outside_what_Portique_writes_are_rejected(string key)
    {
        var desired = new Dictionary<string, string> { [key] = NginxFrontend.ManagedMarker + "\n" };

        await Assert.ThrowsAsync<ArgumentException>(() => Frontend().PlanAsync(desired, CancellationToken.None));
    }

    [Fact]
    public async Task A_service_file_without_the_marker_is_rejected()
    {
        var desired = new Dictionary<string, string> { ["portique/services/conteneur1.conf"] = "location /x/ { }\n" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Frontend().PlanAsync(desired, CancellationToken.None));
        Assert.Contains(NginxFrontend.ManagedMarker, error.Message);
    }

    [Fact]
    public async Task An_upstream_file_must_carry_the_marker_and_is_removed_once_no_longer_desired()
    {
        var unmarked = new Dictionary<string, string> { ["portique/amont/conteneur1.conf"] = "upstream x { server 10.0.0.1:80; }\n" };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Frontend().PlanAsync(unmarked, CancellationToken.None));
        Assert.Contains(NginxFrontend.ManagedMarker, error.Message);

        var folder = Path.Join(_directory, "etc", "nginx", "portique", "amont");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Join(folder, "conteneur1.conf"), NginxFrontend.ManagedMarker + " - conteneur1\n");
        await File.WriteAllTextAsync(Path.Join(folder, "hand-written.conf"), "upstream mine { server 10.0.0.2:80; }\n");

        var plan = await Frontend().PlanAsync(NginxSandbox.RawGolden("exemple"), CancellationToken.None);

        // Portique's own file goes; a file an administrator wrote there stays.
        Assert.Equal(["portique/amont/conteneur1.conf"], plan.Removed);
    }
}
