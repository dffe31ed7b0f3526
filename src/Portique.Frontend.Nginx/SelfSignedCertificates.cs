using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portique.Frontend.Nginx;

/// <summary>The self-signed pair made with .NET's <see cref="CertificateRequest"/> (no openssl process).</summary>
internal static class SelfSignedCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <returns>The certificate and its PKCS#8 private key, both PEM.</returns>
    public static (string CertificatePem, string KeyPem) Create(string? serverName, DateTimeOffset now)
    {
        var (dnsNames, addresses) = SubjectNames(serverName);
        using var key = RSA.Create(2048);

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(dnsNames.Count > 0 ? dnsNames[0] : "localhost");
        subject.AddOrganizationName("Portique");

        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            alternativeNames.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            alternativeNames.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(alternativeNames.Build());

        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return (certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>
    /// DNS names and addresses from nginx's <c>server_name</c> (several names, <c>.example.org</c> for
    /// <c>*.example.org</c>); <c>_</c>, regular expressions and empty give <c>localhost</c>. 127.0.0.1 is always there.
    /// </summary>
    internal static (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses) SubjectNames(string? serverName)
    {
        var dnsNames = new List<string>();
        var addresses = new List<IPAddress>();
        foreach (var raw in (serverName ?? "").Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var name = raw.StartsWith('.') ? "*" + raw : raw;
            if (name is "_" or "*" || name.StartsWith('~') || name.EndsWith(".*", StringComparison.Ordinal))
            {
                continue;
            }

            if (IPAddress.TryParse(name.Trim('[', ']'), out var address))
            {
                if (!addresses.Contains(address))
                {
                    addresses.Add(address);
                }
            }
            else if (!dnsNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                dnsNames.Add(name);
            }
        }

        if (dnsNames.Count == 0)
        {
            dnsNames.Add("localhost");
        }

        if (!addresses.Contains(IPAddress.Loopback))
        {
            addresses.Add(IPAddress.Loopback);
        }

        return (dnsNames, addresses);
    }
}
