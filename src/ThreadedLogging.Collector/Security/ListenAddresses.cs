using System.Net;
using Microsoft.AspNetCore.Http;

namespace ThreadedLogging.Collector.Security;

/// <summary>The addresses the collector is configured to listen on, and whether each is loopback.</summary>
internal static class ListenAddresses
{
    /// <summary>Returns the configured URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Kestrel:Endpoints</c>, <c>HTTP_PORTS</c>).</summary>
    public static List<string> Resolve(IConfiguration configuration)
    {
        var urls = new List<string>();
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        foreach (var endpoint in endpoints)
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                urls.Add(url);
            }
        }

        if (endpoints.Count > 0)
        {
            return urls; // Kestrel binds its endpoints only, overriding urls and the ports (it logs so)
        }

        if (configuration["urls"] is { Length: > 0 } list)
        {
            urls.AddRange(list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        // HTTP_PORTS / HTTPS_PORTS bind every interface, over http and https.
        foreach (var (key, scheme) in (ReadOnlySpan<(string, string)>)[("http_ports", "http"), ("https_ports", "https")])
        {
            if (configuration[key] is { Length: > 0 } ports)
            {
                urls.AddRange(ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}"));
            }
        }

        return urls;
    }

    /// <summary>
    /// Refuses an address Kestrel cannot listen on (a port beyond 0-65535, no port number): it threw a bare
    /// <c>ArgumentOutOfRangeException</c> ("Parameter 'port'") at start, naming neither the address nor the setting.
    /// Also a path (<c>http://127.0.0.1:5080/logs</c>, Kestrel's unhandled "A path base can only be configured using
    /// IApplicationBuilder.UsePathBase()"), addresses separated by ',' (read as one address, refused as one that is
    /// not loopback and has no keys), and a user part (<c>http://ops:secret@127.0.0.1:5080</c>: Kestrel took
    /// <c>ops:secret@127.0.0.1</c> for the host, not loopback, and the start's refusals quoted it, password and all).
    /// Each refusal quotes the address masked (<see cref="ProxyAddress.Masked"/>, as f06532c9 does for other addresses).
    /// </summary>
    /// <exception cref="CollectorConfigurationException">An address is not one Kestrel can listen on.</exception>
    public static void Check(IEnumerable<string> urls)
    {
        const string Settings = "(urls, ASPNETCORE_URLS, HTTP_PORTS or Kestrel:Endpoints)";
        foreach (var url in urls)
        {
            var shown = ProxyAddress.Masked(url);
            if (url.Contains(',', StringComparison.Ordinal))
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: the listen address '{shown}' {Settings} holds a ',': separate several addresses with ';' (--urls \"http://127.0.0.1:5080;http://[::1]:5080\").");
            }

            if (HasUserPart(url))
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: the listen address '{shown}' {Settings} holds a user name or password: a listen address takes none (keys are Collector:IngestApiKeys, Collector:ReadApiKey and Collector:AdminApiKey).");
            }

            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                // Not its message: it quotes the address whole ("Invalid url: '…'").
                throw new CollectorConfigurationException($"Invalid collector configuration: the listen address '{shown}' {Settings} is not a URL: write scheme://host:port (http://127.0.0.1:5080, https://*:5443).");
            }

            if (!address.IsNamedPipe && !address.IsUnixPipe && address.Port is < 0 or > 65535)
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: the listen address '{shown}' {Settings} has the port {address.Port}: a port is 0 to 65535.");
            }

            if (!address.IsNamedPipe && !address.IsUnixPipe && !string.IsNullOrEmpty(address.PathBase))
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: the listen address '{shown}' {Settings} has a path ('{ProxyAddress.Masked(address.PathBase)}'): listen at the root of an address{PathBaseHint(address.PathBase)} (README, TLS).");
            }
        }
    }

    /// <summary>
    /// The <c>Collector:PathBase</c> to suggest for a listen address's path: the path, without a query or fragment, when
    /// Collector:PathBase takes it; else the setting's form only (<c>/x?k=v</c> suggested itself, which is refused).
    /// </summary>
    private static string PathBaseHint(string path)
    {
        var bare = path.Split('?', '#')[0];
        return bare.Trim('/').Length > 0 && ServedPaths.Problem(bare) is null
            ? $" and set Collector:PathBase={ProxyAddress.Masked(bare)} to serve under it"
            : " and set Collector:PathBase to serve under a path (/logs)";
    }

    /// <summary>Whether the part of <paramref name="url"/> between its scheme (or its start) and the first '/' after it holds an '@'.</summary>
    private static bool HasUserPart(string url)
    {
        var start = ProxyAddress.AuthorityStart(url);
        var slash = url.IndexOf('/', start);
        return url.AsSpan(start, (slash < 0 ? url.Length : slash) - start).Contains('@');
    }

    /// <summary>Returns true when the URL's host is a loopback address or <c>localhost</c>.</summary>
    public static bool IsLoopback(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd >= 0 ? url[(schemeEnd + 3)..] : url;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? rest[1..close] : rest;
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}
