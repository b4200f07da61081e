using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>A loopback port nothing listens on right now (for a listener that cannot take port 0, such as OTLP/gRPC's).</summary>
internal static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
