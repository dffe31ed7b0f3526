using System.Net;
using Portique.Frontend.Nginx;
using Portique.TestSupport;

namespace Portique.GenConfig.Tests;

/// <summary>genconfig on real Kestrel with the frontend's self-signed certificate.</summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task Https_uses_the_frontends_certificate_and_secure_cookies()
    {
        using var root = new TempRoot();
        var certificate = await new NginxFrontend(root.Root).EnsureSelfSignedCertificateAsync("genconfig.test", CancellationToken.None);
        PasswordStore.ForRoot(root.Root).Set("a long enough password");
        await using var app = GenConfigServer.Build(new GenConfigOptions { Root = root.Root, Listen = "127.0.0.1:0", Https = true });
        await app.StartAsync();
        try
        {
            var url = app.Urls.Single();
            Assert.StartsWith("https://127.0.0.1:", url, StringComparison.Ordinal);
            System.Security.Cryptography.X509Certificates.X509Certificate2? presented = null;
            using var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(cert.RawData);
                    return true;
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(url) };
            using var response = await client.GetAsync(new Uri("/login", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.Contains("; secure", StringComparison.OrdinalIgnoreCase));
            using var expected = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate.CertificatePath));
            Assert.Equal(expected.Thumbprint, presented?.Thumbprint);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
