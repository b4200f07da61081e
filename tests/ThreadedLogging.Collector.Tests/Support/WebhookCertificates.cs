using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// A certificate authority made for one test (an ECDSA P-256 key, valid from a day ago for a day, nothing written to
/// disk but what <see cref="WritePem"/> writes), and the server certificates it issues: what a company CA in front of a
/// self-hosted webhook receiver looks like to the collector. An intermediate CA is one made with its issuer.
/// </summary>
internal sealed class WebhookCertificates : IDisposable
{
    private readonly ECDsa _key;
    private readonly List<X509Certificate2> _issued = [];

    /// <summary>A root CA: its certificate self-signed.</summary>
    public WebhookCertificates(string name)
        : this(name, issuer: null)
    {
    }

    /// <summary>An intermediate CA: its certificate signed by <paramref name="issuer"/>, for <paramref name="issuer"/>'s days.</summary>
    public WebhookCertificates(string name, WebhookCertificates? issuer)
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return;
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Authority, true, false));
        using var signed = request.Create(issuer.Authority, issuer.Authority.NotBefore, issuer.Authority.NotAfter, Serial());
        Authority = signed.CopyWithPrivateKey(_key);
    }

    /// <summary>Gets the CA's certificate (with its key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>
    /// Gets or sets where the certificates this CA issues say its own can be fetched (their Authority Information
    /// Access extension, <c>caIssuers</c>: what a browser downloads when a server leaves its intermediate out). The
    /// default value is null: none named.
    /// </summary>
    public Uri? IssuerAddress { get; set; }

    /// <summary>
    /// A server certificate signed by this CA for <paramref name="names"/> (host names and IP addresses, in its subject
    /// alternative names), with its private key, as Kestrel presents it.
    /// </summary>
    public X509Certificate2 Issue(params string[] names) => Issue(Authority.NotBefore, Authority.NotAfter, names);

    /// <summary>As <see cref="Issue(string[])"/>, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (within the CA's days).</summary>
    public X509Certificate2 Issue(DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var alternative = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternative.AddIpAddress(address);
            }
            else
            {
                alternative.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternative.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        if (IssuerAddress is not null)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [IssuerAddress.AbsoluteUri]));
        }

        using var signed = request.Create(Authority, notBefore, notAfter, Serial());
        using var withKey = signed.CopyWithPrivateKey(key);
        // Through PKCS#12 and back: a key the TLS stack can use however it loads keys (an ephemeral one is not, everywhere).
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        _issued.Add(server);
        return server;
    }

    /// <summary>Writes the certificates (no keys) of <paramref name="authorities"/>, in order, as one PEM file at <paramref name="path"/>; returns the path.</summary>
    public static string WritePem(string path, params WebhookCertificates[] authorities)
    {
        File.WriteAllText(path, string.Concat(authorities.Select(a => a.Authority.ExportCertificatePem() + "\n")));
        return path;
    }

    public void Dispose()
    {
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }

        Authority.Dispose();
        _key.Dispose();
    }

    /// <summary>A random positive 16-byte serial number.</summary>
    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return serial;
    }
}
