using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// A remote address as the collector counts senders (wrong keys in <see cref="FailedSignIns"/>, the bodies one sender holds in
/// <see cref="Ingest.BodyBudget"/>): IPv4 (a mapped one too), or an IPv6 address's /64, which one machine usually holds whole
/// (counted one by one, a single host could be any number of senders). Behind a listed proxy it is the client it forwards.
/// </summary>
internal static class RemoteAddressKey
{
    /// <summary>The key of <paramref name="address"/>; <c>unknown</c> when there is none (not a TCP connection).</summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
