using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Testing;

/// <summary>
/// A loopback port where every connect hangs, as on a network that drops the connection attempt (a laptop on a network
/// without internet, a firewall dropping SYNs): a listener that never accepts, listening with a backlog of 0, whose accept
/// queue one connection fills (Linux keeps backlog + 1); Linux then drops each further SYN (with
/// <c>tcp_abort_on_overflow</c> 0, its default, and syncookies or not), so a connect gets no answer until its own timeout.
/// A real fault of the kernel, nothing mocked; checked here with Python's and .NET's sockets. Were the queue not full,
/// a client's connect would complete and its request sit unanswered: a test that relies on the hang then fails, it
/// cannot pass by it.
/// </summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
internal sealed class SynDroppingPort : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _filler = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public SynDroppingPort()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        _filler.Connect(_listener.LocalEndPoint!); // completes: the queue's one place, never accepted
    }

    /// <summary>Gets the port's <c>host:port</c>, as a handler's <c>Host</c>.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Dispose();
    }
}
