using System.Net;
using ThreadedLogging.Collector.Alerts;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// <see cref="WebhookDestinations.Allows"/>, the check of each resolved address before connecting: link-local and metadata
/// addresses in every form refused whatever the list (a name cannot be made to resolve to them here, so the end-to-end
/// tests show the check with loopback, <see cref="WebhookAllowedHostsTests"/>).
/// </summary>
public sealed class WebhookDestinationsTests
{
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:169.254.169.254")] // IPv4-mapped
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("fd00:ec2::254")] // AWS's metadata service over IPv6
    [InlineData("fd00:ec2::23")] // AWS's EKS Pod Identity agent (credentials) over IPv6
    [InlineData("100.100.100.200")] // Alibaba Cloud's metadata service
    [InlineData("::ffff:100.100.100.200")]
    [InlineData("64:ff9b::6464:64c8")] // NAT64 of 100.100.100.200
    [InlineData("168.63.129.16")] // Azure's WireServer
    [InlineData("192.0.0.192")] // Oracle Cloud Classic's metadata service
    [InlineData("fd20:ce::254")] // Google Cloud's metadata server over IPv6
    [InlineData("fd00:c1::a9fe:a9fe")] // Oracle Cloud Infrastructure's IMDS over IPv6
    public void Allows_MetadataAddressWhateverTheList_Refused(string address)
    {
        var anyHost = WebhookDestinations.Any;
        var everything = Parse("0.0.0.0/0", "::/0", "metadata.example");

        Assert.False(anyHost.Allows("metadata.example", IPAddress.Parse(address)));
        Assert.False(everything.Allows("metadata.example", IPAddress.Parse(address))); // even for a listed name
    }

    [Theory]
    [InlineData("hooks.example.com", "10.1.2.3", true)] // a listed name: whatever it resolves to
    [InlineData("HOOKS.example.com.", "10.1.2.3", true)] // any case, a trailing dot
    [InlineData("other.example.com", "10.1.2.3", true)] // in the range
    [InlineData("other.example.com", "::ffff:10.1.2.3", true)] // the IPv4-mapped form of an address in the range
    [InlineData("other.example.com", "127.0.0.1", false)]
    [InlineData("other.example.com", "fd12::1", true)]
    [InlineData("other.example.com", "fd13::1", false)]
    [InlineData("other.example.com", "192.0.2.7", true)] // a single address listed
    [InlineData("other.example.com", "192.0.2.8", false)]
    public void Allows_ByNameOrRange(string host, string address, bool allowed)
    {
        var destinations = Parse("hooks.example.com", "10.0.0.0/8", "fd12::/16", "192.0.2.7");

        Assert.Equal(allowed, destinations.Allows(host, IPAddress.Parse(address)));
    }

    /// <summary>Through a proxy the collector never sees what a name resolves to: a metadata service's name is refused as written.</summary>
    [Theory]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://METADATA.google.internal./computeMetadata/v1/")]
    [InlineData("http://metadata/computeMetadata/v1/")]
    [InlineData("http://instance-data/latest/meta-data/")]
    public void CheckHost_MetadataServiceNameThroughAProxy_Refused(string webhook)
    {
        var errors = new List<string>();
        var throughProxy = WebhookDestinations.Parse([], errors, throughProxy: true);

        Assert.StartsWith("is a cloud metadata service's name (", throughProxy.CheckHost(new Uri(webhook)), StringComparison.Ordinal);
        Assert.NotNull(WebhookDestinations.Any.CheckHost(new Uri(webhook)));
    }

    [Fact]
    public void Allows_EmptyList_AnyAddressButLinkLocal()
    {
        Assert.True(WebhookDestinations.Any.Allows("localhost", IPAddress.Loopback));
        Assert.True(WebhookDestinations.Any.Allows("hooks.example.com", IPAddress.Parse("10.1.2.3")));
        Assert.True(WebhookDestinations.Any.Allows("hooks.example.com", IPAddress.Parse("100.100.100.201"))); // only the metadata address of 100.64.0.0/10
        Assert.True(WebhookDestinations.Any.Allows("hooks.example.com", IPAddress.Parse("fd00:ec3::254")));
    }

    private static WebhookDestinations Parse(params string[] entries)
    {
        var errors = new List<string>();
        var destinations = WebhookDestinations.Parse(entries, errors);
        Assert.Empty(errors);
        return destinations;
    }
}
