using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// How an https webhook's certificate is checked (<see cref="Apply"/>): .NET's check, with no issuer ever fetched, and
/// <c>Collector:Alerts:WebhookTrustedCertificates</c>, a PEM file of CA certificates (a company's CA in front of a
/// self-hosted Mattermost) trusted <b>in addition to</b> the system's, as the handler's
/// <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/> (<see cref="Validate"/>). .NET checks
/// the certificate first, as it does without the setting: what it accepts (a system CA, the right name) passes; when its
/// one fault is the chain, the chain is built again with these roots as the trusted ones and passes if that succeeds; a
/// name that does not match, no certificate, or a chain to none of the roots never passes. Validation is never off.
/// </summary>
/// <remarks>
/// No chain fetches an issuer the certificate names by URL (its AIA extension): .NET's default check would download it
/// during the handshake from any host, past <c>WebhookProxy</c> and the allowed hosts, so the handler's own check gets
/// <see cref="ChainPolicy"/> (<see cref="X509ChainPolicy.DisableCertificateDownloads"/>): a receiver sends its
/// intermediates. Why a callback rather than <see cref="SslClientAuthenticationOptions.CertificateChainPolicy"/> with
/// <see cref="X509ChainTrustMode.CustomRootTrust"/> for the file's roots: that mode trusts only the roots it is given, so
/// the system's would have to be read out of the platform's store at start and copied in (a snapshot, per platform).
/// The callback leaves .NET's own validation — the system's roots, the host name — exactly as it is and only gives the
/// chain a second try.
/// </remarks>
internal sealed class WebhookCertificateTrust
{
    /// <summary>The setting's name, as errors name it.</summary>
    public const string SettingName = "Collector:Alerts:WebhookTrustedCertificates";

    /// <summary>The TLS server authentication purpose (1.3.6.1.5.5.7.3.1), which .NET's own chain asks of a server's certificate.</summary>
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2Collection _roots;

    private WebhookCertificateTrust(X509Certificate2Collection roots) => _roots = roots;

    /// <summary>Gets the check without the setting: the system's CAs only.</summary>
    public static WebhookCertificateTrust SystemOnly { get; } = new([]);

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
    /// The policy of .NET's own check of a webhook's chain: what it checks without one (revocation not checked, as
    /// <see cref="SslClientAuthenticationOptions.CertificateRevocationCheckMode"/>'s default; the root excluded from a
    /// revocation check; a TLS server's purpose; the system's trust; the host name, as no
    /// <see cref="X509VerificationFlags.IgnoreInvalidName"/> is set), with no issuer downloaded. A policy given to
    /// SslStream replaces its defaults whole (dotnet/runtime <c>SslStream.VerifyRemoteCertificate</c>: it sets the
    /// revocation mode and flag only when there is none), hence each default written out.
    /// </summary>
    public static X509ChainPolicy ChainPolicy() => new()
    {
        RevocationMode = X509RevocationMode.NoCheck,
        RevocationFlag = X509RevocationFlag.ExcludeRoot,
        ApplicationPolicy = { new Oid(ServerAuthentication) },
        DisableCertificateDownloads = true,
    };

    /// <summary>Sets <paramref name="options"/>' chain policy (<see cref="ChainPolicy"/>) and certificate callback (<see cref="Validate"/>).</summary>
    public void Apply(SslClientAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CertificateChainPolicy = ChainPolicy();
        options.RemoteCertificateValidationCallback = Validate;
    }

    /// <summary>
    /// The TLS check: true when .NET found no fault, or when its only fault was the chain and a chain from
    /// <paramref name="certificate"/> to one of the file's roots builds (with the intermediates the server sent).
    /// </summary>
    /// <exception cref="AuthenticationException">
    /// Refused, saying why: thrown rather than false, which .NET reports only as "rejected by the provided
    /// RemoteCertificateValidationCallback", so that the collector's log (id 501) says what the operator must fix (a
    /// chain without its intermediate says so: no issuer is fetched). The handler ends the connection and wraps it in
    /// its <see cref="HttpRequestException"/>.
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

        if (_roots.Count == 0)
        {
            throw Refused(chain, "is trusted by none of the system's CAs");
        }

        using var custom = new X509Chain();
        custom.ChainPolicy = ChainPolicy(); // no issuer fetched by URL either (diff review)
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore); // the intermediates the server sent
        }

        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(copy ?? (X509Certificate2)certificate))
        {
            return true;
        }

        throw Refused(custom, $"is trusted by none of the system's CAs nor of the {Count} in {SettingName}");
    }

    /// <summary>
    /// The refusal of a chain that did not build. An incomplete one (<see cref="X509ChainStatusFlags.PartialChain"/>: the
    /// issuer of its last certificate neither sent nor trusted) says which issuer and the two ways to fix it: an
    /// intermediate, which browsers fetch by URL and this collector does not, must be sent by the receiver; a company CA
    /// is trusted through the setting.
    /// </summary>
    private static AuthenticationException Refused(X509Chain? chain, string untrusted)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status).Distinct().ToList() ?? [];
        var refused = $"The webhook's certificate {untrusted}: {string.Join(", ", statuses)}.";
        if (!statuses.Contains(X509ChainStatusFlags.PartialChain) || chain!.ChainElements.Count == 0)
        {
            return new AuthenticationException(refused);
        }

        var last = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
        return new AuthenticationException(
            $"{refused} The chain stops at '{last.Subject}': its issuer '{last.Issuer}' was not sent by the server, and an intermediate is not " +
            $"fetched from the address a certificate names (the receiver must send it); a company CA is trusted through {SettingName}.");
    }
}
