using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Testing;

/// <summary>
/// A loopback port nothing listens on right now, for a server that cannot be told port 0 and say which it took (OTLP/gRPC's,
/// PostgreSQL's, tinyproxy's, a collector process restarted on the same port).
/// </summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
internal static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
