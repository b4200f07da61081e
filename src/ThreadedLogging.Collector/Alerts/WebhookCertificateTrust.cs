using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// <c>Collector:Alerts:WebhookTrustedCertificates</c>: a PEM file of CA certificates (a company's CA in front of a
/// self-hosted Mattermost) trusted for https webhooks <b>in addition to</b> the system's, as <see cref="AlertWebhook"/>'s
/// <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/> (<see cref="Validate"/>). .NET checks
/// the certificate first, as it does without the setting: what it accepts (a system CA, the right name) passes; when its
/// one fault is the chain, the chain is built again with these roots as the trusted ones and passes if that succeeds; a
/// name that does not match, no certificate, or a chain to none of the roots never passes. Validation is never off.
/// </summary>
/// <remarks>
/// Why a callback rather than <see cref="SslClientAuthenticationOptions.CertificateChainPolicy"/> with
/// <see cref="X509ChainTrustMode.CustomRootTrust"/>: that mode trusts only the roots it is given, so the system's would
/// have to be read out of the platform's store at start and copied in (a snapshot, per platform). The callback leaves
/// .NET's own validation — the system's roots, the host name — exactly as it is and only gives the chain a second try.
/// </remarks>
internal sealed class WebhookCertificateTrust
{
    /// <summary>The setting's name, as errors name it.</summary>
    public const string SettingName = "Collector:Alerts:WebhookTrustedCertificates";

    /// <summary>The TLS server authentication purpose (1.3.6.1.5.5.7.3.1), which .NET's own chain asks of a server's certificate.</summary>
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2Collection _roots;

    private WebhookCertificateTrust(X509Certificate2Collection roots) => _roots = roots;

    /// <summary>Gets how many certificates the file holds.</summary>
    public int Count => _roots.Count;

    /// <summary>
    /// Reads the PEM file at <paramref name="path"/>: null when empty (the system's CAs only); otherwise its
    /// certificates, or null with a reason naming the setting added to <paramref name="errors"/> when the file cannot be
    /// read or holds no certificate.
    /// </summary>
    public static WebhookCertificateTrust? Load(string? path, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            errors.Add($"{SettingName} '{path}' cannot be read: {e.Message}");
            return null;
        }
        catch (CryptographicException e)
        {
            errors.Add($"{SettingName} '{path}' has a certificate that cannot be read: {e.Message}");
            return null;
        }

        if (roots.Count == 0)
        {
            errors.Add($"{SettingName} '{path}' holds no certificate: give a PEM file of one or more CA certificates (-----BEGIN CERTIFICATE-----).");
            return null;
        }

        return new(roots);
    }

    /// <summary>
    /// The TLS check: true when .NET found no fault, or when its only fault was the chain and a chain from
    /// <paramref name="certificate"/> to one of the file's roots builds (with the intermediates the server sent).
    /// </summary>
    /// <exception cref="AuthenticationException">
    /// Refused, saying why: thrown rather than false, which .NET reports only as "rejected by the provided
    /// RemoteCertificateValidationCallback", so that the collector's log (id 501) says what the operator must fix. The
    /// handler ends the connection and wraps it in its <see cref="HttpRequestException"/>.
    /// </exception>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        if (sslPolicyErrors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong name (or no certificate) is refused whatever the roots: only an untrusted chain gets a second try.
        if (sslPolicyErrors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            throw new AuthenticationException($"The webhook's certificate was refused: {sslPolicyErrors} (the host name is checked whatever {SettingName} trusts).");
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // as the handler's own check (CertificateRevocationCheckMode.NoCheck)
        // No fetch of an issuer the certificate names by URL: it would go to any host, past WebhookProxy and the allowed
        // hosts (diff review); a receiver behind a company CA sends its intermediates.
        custom.ChainPolicy.DisableCertificateDownloads = true;
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore); // the intermediates the server sent
        }

        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(copy ?? (X509Certificate2)certificate))
        {
            return true;
        }

        var status = string.Join(", ", custom.ChainStatus.Select(s => s.Status).Distinct());
        throw new AuthenticationException($"The webhook's certificate is trusted by none of the system's CAs nor of the {Count} in {SettingName}: {status}.");
    }
}
