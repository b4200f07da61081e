using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Where notifications may go: <c>Collector:Alerts:WebhookAllowedHosts</c>, host names and IP ranges (CIDR, or one
/// address). A webhook is allowed when its host is a listed name (whatever it resolves to), or when the address it is sent
/// to is in a listed range; an empty list allows any host. Whatever the list, link-local addresses (169.254.0.0/16,
/// fe80::/10, where most cloud metadata services answer), the clouds' instance services outside them
/// (<see cref="InstanceServices"/>; IPv4-mapped and NAT64 forms of all of them too) and the metadata services' own names
/// (<see cref="InstanceServiceNames"/>, which matter through a proxy: it resolves them) are always refused. Checked twice: on the address's text when a rule is made (<see cref="CheckHost"/>), and on each
/// address the host resolves to when a notification is sent (<see cref="Allows"/>, by <see cref="WebhookConnector"/>),
/// so a name that resolves to 169.254.169.254, or is made to between the check and the connection, is refused too.
/// Through a proxy (<c>Collector:Alerts:WebhookProxy</c>, <see cref="ThroughProxy"/>) the proxy resolves the name and the
/// collector never sees the address: the host as written is then all there is to check, before each request too, and a
/// name is allowed only when it is listed as a name (a range cannot vouch for it).
/// </summary>
internal sealed class WebhookDestinations
{
    /// <summary>The setting's name, as errors and refusals name it.</summary>
    public const string SettingName = "Collector:Alerts:WebhookAllowedHosts";

    private static readonly IPNetwork[] LinkLocal =
    [
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("fe80::/10"),
    ];

    /// <summary>
    /// Instance services outside link-local (security review): each hands a machine's credentials or secrets to whatever
    /// on it asks, so a webhook (a POST the collector makes) must never reach one.
    /// </summary>
    private static readonly IPNetwork[] InstanceServices =
    [
        IPNetwork.Parse("100.100.100.200/32"), // Alibaba Cloud's metadata service (in 100.64.0.0/10, shared address space)
        IPNetwork.Parse("168.63.129.16/32"), // Azure's WireServer (goal state, extensions' settings; IMDS itself is 169.254.169.254)
        IPNetwork.Parse("192.0.0.192/32"), // Oracle Cloud Classic's metadata service
        IPNetwork.Parse("fd00:ec2::/32"), // AWS's IPv6 instance services: IMDS fd00:ec2::254, EKS Pod Identity fd00:ec2::23, DNS, NTP
        IPNetwork.Parse("fd20:ce::254/128"), // Google Cloud's metadata server over IPv6
        IPNetwork.Parse("fd00:c1::a9fe:a9fe/128"), // Oracle Cloud Infrastructure's IMDS over IPv6
        IPNetwork.Parse("fd00:42::42/128"), // Scaleway's metadata over IPv6
        IPNetwork.Parse("fd00:a9fe:a9fe::1/128"), // Akamai (Linode) metadata over IPv6
    ];

    /// <summary>
    /// Names of metadata services (Google Cloud's, AWS's in a VPC's DNS, Tencent Cloud's): refused as written, since through a
    /// proxy the collector never sees the link-local address they resolve to.
    /// </summary>
    private static readonly FrozenSet<string> InstanceServiceNames = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.tencentyun.com");

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly HashSet<string> _names;
    private readonly IPNetwork[] _ranges;

    private WebhookDestinations(IReadOnlyList<string> entries, HashSet<string> names, IPNetwork[] ranges, bool throughProxy)
    {
        Entries = entries;
        _names = names;
        _ranges = ranges;
        ThroughProxy = throughProxy;
    }

    /// <summary>Gets the destinations of an empty list: any host but the link-local addresses.</summary>
    public static WebhookDestinations Any { get; } = new([], new(StringComparer.OrdinalIgnoreCase), [], throughProxy: false);

    /// <summary>Gets a value indicating whether notifications go through a proxy, which resolves their hosts: <see cref="CheckHost"/> is then by name or literal address only.</summary>
    public bool ThroughProxy { get; }

    /// <summary>Gets the entries as configured (for messages).</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>
    /// Reads <paramref name="entries"/>; adds a reason naming the setting and the entry to <paramref name="errors"/> for
    /// each that is neither a host name nor an IP address or range, or that lies in the always-refused ranges.
    /// <paramref name="throughProxy"/>: notifications go through <c>Collector:Alerts:WebhookProxy</c>.
    /// </summary>
    public static WebhookDestinations Parse(IReadOnlyList<string> entries, List<string> errors, bool throughProxy = false)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(errors);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ranges = new List<IPNetwork>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? string.Empty;
            var at = $"{SettingName}:{i}";
            if (TryParseRange(entry, out var range, out var problem))
            {
                if (problem is not null)
                {
                    errors.Add($"{at} '{entry}' is not a CIDR range: {problem}.");
                }
                else if (IsLinkLocal(range.BaseAddress))
                {
                    errors.Add($"{at} '{entry}' is a link-local range (169.254.0.0/16, fe80::/10, where cloud metadata services answer): a webhook there is always refused.");
                }
                else if (IsAlwaysRefused(range.BaseAddress))
                {
                    errors.Add($"{at} '{entry}' is a cloud instance service's address (a metadata service, Azure's WireServer): a webhook there is always refused.");
                }
                else
                {
                    ranges.Add(range);
                }
            }
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns && InstanceServiceNames.Contains(entry.TrimEnd('.')))
            {
                errors.Add($"{at} '{entry}' is a cloud metadata service's name: a webhook there is always refused.");
            }
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                names.Add(entry.TrimEnd('.'));
            }
            else
            {
                errors.Add($"{at} must be a host name (hooks.slack.com), an IP address or a CIDR range (10.0.0.0/8, fd12::/16) (was '{entry}').");
            }
        }

        return new([.. entries], names, [.. ranges], throughProxy);
    }

    /// <summary>
    /// Checks a webhook's host as written (a rule made or changed; through a proxy, each request too): null when it may be
    /// sent to, or why not. A name that is not listed passes while ranges are listed: what it resolves to is checked when
    /// each notification is sent — except through a proxy, which resolves it out of the collector's sight.
    /// </summary>
    public string? CheckHost(Uri webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        // An address with a trailing dot (169.254.169.254.) is a name to Uri, an address to a proxy that resolves it.
        if (IPAddress.TryParse(webhook.IdnHost.TrimEnd('.'), out var address))
        {
            if (IsLinkLocal(address))
            {
                return $"is a link-local address ({webhook.Host}: 169.254.0.0/16, fe80::/10, where cloud metadata services answer): refused";
            }

            if (IsAlwaysRefused(address))
            {
                return $"is a cloud instance service's address ({webhook.Host}: a metadata service, Azure's WireServer): refused";
            }

            return Entries.Count == 0 || InRange(address) ? null : NotAllowed(webhook);
        }

        if (InstanceServiceNames.Contains(webhook.IdnHost.TrimEnd('.')))
        {
            return $"is a cloud metadata service's name ({webhook.Host}): refused";
        }

        if (Entries.Count == 0 || _names.Contains(webhook.IdnHost.TrimEnd('.')))
        {
            return null;
        }

        if (_ranges.Length == 0)
        {
            return NotAllowed(webhook);
        }

        return ThroughProxy
            ? $"{NotAllowed(webhook)}: through {WebhookProxySetting.SettingName} a name is allowed only when listed as a name (the proxy resolves it; its address is never seen)"
            : null;
    }

    /// <summary>Whether a notification to <paramref name="host"/> (the webhook's, as written) may connect to <paramref name="address"/>, one it resolved to.</summary>
    public bool Allows(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(address);
        return !IsAlwaysRefused(address) && (Entries.Count == 0 || _names.Contains(host.TrimEnd('.')) || InRange(address));
    }

    /// <summary>Whether <paramref name="address"/> is link-local or a cloud instance service's, in any of its forms.</summary>
    public static bool IsAlwaysRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = Unwrapped(address);
        return LinkLocal.Any(range => range.Contains(a)) || InstanceServices.Any(range => range.Contains(a));
    }

    private static bool IsLinkLocal(IPAddress address)
    {
        var a = Unwrapped(address);
        return LinkLocal.Any(range => range.Contains(a));
    }

    /// <summary>The address an IPv4-mapped or NAT64 one stands for (64:ff9b::a9fe:a9fe is 169.254.169.254 through a NAT64 gateway).</summary>
    private static IPAddress Unwrapped(IPAddress address)
    {
        var a = Normal(address);
        return a.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(a) ? new IPAddress(a.GetAddressBytes()[12..]) : a;
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// Whether <paramref name="entry"/> is an address or an address with a prefix length (false: perhaps a name); if so,
    /// the range, or what is wrong with it in <paramref name="problem"/>. Written out rather than by
    /// <see cref="IPNetwork.TryParse(string, out IPNetwork)"/>, which took <c>10.0.0.1/8</c> and so read a typo as a range.
    /// </summary>
    private static bool TryParseRange(string entry, out IPNetwork range, out string? problem)
    {
        range = default;
        problem = null;
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? entry : entry[..slash], out var address))
        {
            return false;
        }

        address = slash < 0 ? Normal(address) : address;
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(entry[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            problem = $"its prefix length must be 0 to {bits} (10.0.0.0/8, fd12::/16)";
            return true;
        }

        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bits; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        if (!new IPAddress(bytes).Equals(address))
        {
            problem = $"its address has bits set past its prefix length (the range is written {new IPAddress(bytes)}/{prefix})";
            return true;
        }

        range = new IPNetwork(address, prefix);
        return true;
    }

    private bool InRange(IPAddress address)
    {
        var a = Normal(address);
        return _ranges.Any(range => range.Contains(a));
    }

    /// <summary>
    /// The refusal of a host not listed. It does not quote the list: an API caller (whoever holds the admin key) would learn
    /// from it the internal names and ranges the collector may reach; the operator reads the setting.
    /// </summary>
    private static string NotAllowed(Uri webhook) =>
        $"host {webhook.Host} is not in {SettingName}";
}
