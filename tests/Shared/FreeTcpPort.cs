using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Testing;

/// <summary>
/// A loopback port nothing listens on right now, for a server that cannot be told port 0 and say which it took (OTLP/gRPC's,
/// PostgreSQL's, tinyproxy's, a collector process restarted on the same port). The port is released before the server binds
/// it, so on a shared machine another process may take it in between: each user starts again on another port when the
/// start fails with "address in use" (<see cref="IsAddressInUse"/>). A server that can bind port 0 and say which it took
/// does that instead (Kestrel's addresses, a process's "Now listening on" line).
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

    /// <summary>How many times a start on a taken port is tried (each on another port).</summary>
    public const int Attempts = 5;

    /// <summary>Whether <paramref name="error"/>, or an exception inside it, says that the address was in use.</summary>
    public static bool IsAddressInUse(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
