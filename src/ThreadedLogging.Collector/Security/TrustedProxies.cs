using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// <c>Collector:TrustedProxies</c>: the reverse proxies (addresses, or CIDR networks such as <c>10.0.0.0/8</c>) whose
/// <c>X-Forwarded-For</c> names the client and whose <c>X-Forwarded-Proto</c> the scheme the browser used: an https one
/// makes the request https (<see cref="SameOrigin.IsHttps"/>), so a plain <c>tl_session</c> cookie, which a sibling
/// subdomain or a plain-http answer can plant, never signs a browser in through it (only <c>__Host-tl_session</c> does). Behind a proxy every request came from the proxy's address, so the failed
/// sign-in throttle (<see cref="FailedSignIns"/>) counted every user as one (one guesser locked everyone out) and the ingest
/// 401 line (<see cref="IngestKeyRefusals"/>) named the proxy. ASP.NET Core's <see cref="ForwardedHeadersMiddleware"/>
/// replaces the connection's remote address with the forwarded one, walking the header from the right while each hop is
/// listed; a request from any other address keeps its own, whatever header it forged. Empty (the default): no header is read.
/// Not read either without any key (security review of 23dec90): there is then no throttle or 401 line to serve, and a
/// forwarded <c>127.0.0.1</c> would have made another machine's request "from this machine", which keyless changes must be.
/// </summary>
internal static class TrustedProxies
{
    /// <summary>The setting, for messages.</summary>
    public const string Setting = "Collector:TrustedProxies";

    /// <summary>Adds a reason for each entry that is neither an IP address nor a CIDR network, naming it by its place.</summary>
    public static void Validate(IReadOnlyList<string> entries, List<string> errors)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!IsAddress(entry) && !IsNetwork(entry))
            {
                errors.Add($"{Setting}:{i} must be an IP address (10.0.0.5, ::1) or a CIDR network with its base address (10.0.0.0/8, fd00::/8) (was '{entry}').");
            }
        }
    }

    /// <summary>Gets a value indicating whether the listed proxies are left unread: some are listed, but no key is set.</summary>
    public static bool Ignored(CollectorOptions options) => options.TrustedProxies.Count > 0 && !options.KeySettings().Any();

    /// <summary>Makes the pipeline read <c>X-Forwarded-For</c> and <c>-Proto</c> from the listed proxies only; nothing when none is listed or no key is set.</summary>
    public static void UseTrustedProxies(this WebApplication app, CollectorOptions options)
    {
        var entries = options.TrustedProxies;
        if (entries.Count == 0 || Ignored(options))
        {
            return;
        }

        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Every hop of a chain of listed proxies (a load balancer before nginx): the client is the first address,
            // from the right, that is not a listed proxy.
            ForwardLimit = null,
        };
        // The defaults trust loopback: a proxy on this machine is trusted only when listed.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (IsAddress(entry) && IPAddress.Parse(entry) is var address)
            {
                forwarded.KnownProxies.Add(address);
            }
            else
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
        }

        app.UseForwardedHeaders(forwarded);
    }

    /// <summary>A network written with its base address: <c>10.0.0.1/8</c> (a typo for 10.0.0.0/8, or for one proxy?) is refused.</summary>
    private static bool IsNetwork(string entry) =>
        System.Net.IPNetwork.TryParse(entry, out var network)
        && IPAddress.TryParse(entry.AsSpan(0, entry.IndexOf('/', StringComparison.Ordinal)), out var written)
        && written.Equals(network.BaseAddress);

    /// <summary>A whole address: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also reads <c>10</c> as 0.0.0.10.</summary>
    private static bool IsAddress(string entry) =>
        IPAddress.TryParse(entry, out _) && (entry.Contains(':', StringComparison.Ordinal) || entry.Count(c => c == '.') == 3);
}
