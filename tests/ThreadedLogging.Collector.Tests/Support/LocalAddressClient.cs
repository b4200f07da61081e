using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>An HTTP client whose connections come from a chosen local address (127.0.0.2: another remote address to the collector, still loopback).</summary>
internal static class LocalAddressClient
{
    public static HttpClient From(IPAddress local, Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
