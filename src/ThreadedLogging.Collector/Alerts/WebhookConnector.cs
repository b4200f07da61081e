using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Connects a notification's request (<see cref="SocketsHttpHandler.ConnectCallback"/>): resolves the webhook's host,
/// keeps the addresses <see cref="WebhookDestinations"/> allows and connects to the first that answers, by address. The
/// address checked is the address connected to: a name that resolves to 169.254.169.254, or is made to (DNS rebinding)
/// between the rule's check and the send, is refused before any connection (<see cref="WebhookAddressRefusedException"/>).
/// Through a proxy, the connection is the proxy's: its addresses are not held to the list (the operator named it, and
/// the list is about webhooks); the webhook's host is checked as written before the request (<see cref="AlertWebhook"/>).
/// </summary>
internal sealed class WebhookConnector(WebhookDestinations destinations, WebhookProxySetting? proxy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host.TrimStart('[').TrimEnd(']');
        var resolved = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = proxy?.IsProxy(context.DnsEndPoint) == true ? [.. resolved] : resolved.Where(address => destinations.Allows(host, address)).ToList();
        if (allowed.Count == 0)
        {
            throw new WebhookAddressRefusedException(host, resolved, destinations);
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e; // the next address (a name with an IPv6 and an IPv4 one, a server on one of them)
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
