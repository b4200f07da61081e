using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ThreadedLogging.Tests.Support;

/// <summary>Certificates a test's TLS server presents (<see cref="System.Net.Security.SslStream"/>), made here.</summary>
public static class TestCertificate
{
    /// <summary>Self-signed, for 127.0.0.1 unless <paramref name="name"/> names another host; valid a month, or expired yesterday.</summary>
    public static X509Certificate2 SelfSigned(string? name = null, bool expired = false)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name ?? "127.0.0.1"}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (name is null)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var made = expired ? request.CreateSelfSigned(now.AddDays(-30), now.AddDays(-1)) : request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
    }
}
