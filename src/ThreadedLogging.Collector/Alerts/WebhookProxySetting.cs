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
            errors.Add($"{SettingName} '{ProxyAddress.Masked(text)}' {problem} (http://proxy.corp:3128, or http://user:password@proxy.corp:3128 percent-encoded).");
            return null;
        }

        return new(ProxyAddress.WithoutUserInfo(uri!), ProxyAddress.CredentialsOf(uri!));
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
}
