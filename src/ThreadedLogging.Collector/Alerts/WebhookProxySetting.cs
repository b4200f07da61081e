using System.Net;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// <c>Collector:Alerts:WebhookProxy</c>, the HTTP proxy every notification goes through (HTTP CONNECT for an https
/// webhook, the absolute form for an http one), as <see cref="AlertWebhook"/>'s <see cref="IWebProxy"/>: never bypassed.
/// Its credentials are in the address, percent-encoded (<c>http://user:password@proxy.corp:3128</c>), as in the client's
/// <c>Proxy</c> and in <c>HTTPS_PROXY</c>, which it replaces for webhooks: one value to copy. The password is kept as
/// <see cref="Credentials"/> only; <see cref="Address"/>, which <see cref="HttpClient"/>'s messages quote, has none.
/// </summary>
internal sealed class WebhookProxySetting : IWebProxy
{
    /// <summary>The setting's name, as errors and refusals name it.</summary>
    public const string SettingName = "Collector:Alerts:WebhookProxy";

    private WebhookProxySetting(Uri address, ICredentials? credentials)
    {
        Address = address;
        Credentials = credentials;
    }

    /// <summary>Gets the proxy's address without its credentials.</summary>
    public Uri Address { get; }

    /// <summary>Gets or sets the user and password the proxy asks for (from the address), if any.</summary>
    public ICredentials? Credentials { get; set; }

    /// <summary>
    /// Reads <paramref name="text"/>: null when empty (no proxy); otherwise the proxy, or null with a reason naming the
    /// setting (never its password) added to <paramref name="errors"/> when it is no <c>http://host[:port]</c> address.
    /// </summary>
    public static WebhookProxySetting? Parse(string? text, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var problem = !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0 ? "is not an absolute address"
            : uri.Scheme != Uri.UriSchemeHttp ? $"has the scheme '{uri.Scheme}': an HTTP proxy's address starts http://"
            : uri.PathAndQuery != "/" || uri.Fragment.Length > 0 ? "has a path, a query or a fragment: give the host and port only"
            : null;
        if (problem is not null)
        {
            errors.Add($"{SettingName} '{Shown(text)}' {problem} (http://proxy.corp:3128, or http://user:password@proxy.corp:3128 percent-encoded).");
            return null;
        }

        var address = new UriBuilder(uri!) { UserName = string.Empty, Password = string.Empty }.Uri;
        if (uri!.UserInfo.Length == 0)
        {
            return new(address, null);
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
        var password = colon < 0 ? string.Empty : uri.UserInfo[(colon + 1)..];
        return new(address, new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password)));
    }

    /// <inheritdoc/>
    public Uri GetProxy(Uri destination) => Address;

    /// <summary>Never: every notification goes through the proxy (no <c>NO_PROXY</c>, no local addresses left out).</summary>
    public bool IsBypassed(Uri host) => false;

    /// <summary>
    /// Whether a connection to <paramref name="endpoint"/> is the one to this proxy: the operator named it, so
    /// <see cref="WebhookConnector"/> does not hold its addresses to <c>WebhookAllowedHosts</c> (the list is about webhooks).
    /// </summary>
    public bool IsProxy(DnsEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Port == Address.Port
            && string.Equals(endpoint.Host.Trim('[', ']'), Address.IdnHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The value with its credentials, if any, replaced by <c>***</c>: everything between <c>://</c> (or the start) and
    /// the last <c>@</c>, the user name too — some proxies take a token as the user name (<c>http://APIKEY:@proxy…</c>,
    /// <c>http://TOKEN@proxy…</c>) — so that a value whose scheme is misspelt (<c>http:/ops:secret@…</c>) shows none either.
    /// </summary>
    private static string Shown(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return text;
        }

        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return text[..start] + "***" + text[at..];
    }
}
