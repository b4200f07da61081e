using System.Net;
using System.Net.Sockets;

namespace ThreadedLogging.Testing;

/// <summary>
/// A loopback port that accepts every connection and never writes a byte: a TLS server whose handshake never completes
/// (the ClientHello read, no ServerHello), or a proxy that takes the connection and never answers its <c>CONNECT</c> (a
/// middlebox that swallows the traffic, a server hung before its first write). Real sockets, nothing mocked: the client's
/// TCP connect completes, what it writes is acknowledged by the kernel, and no answer comes.
/// </summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
internal sealed class SilentPort : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SilentPort()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the port's <c>host:port</c>, as a handler's <c>Host</c> or a proxy's address.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";

    /// <summary>Gets how many connections it accepted.</summary>
    public int Accepted
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.Count;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_accepted)
        {
            _accepted.ForEach(socket => socket.Dispose());
        }

        _ = _accepting.ContinueWith(static _ => { }, TaskScheduler.Default); // ends with the listener
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stop.Token);
            lock (_accepted)
            {
                _accepted.Add(socket); // held open, never written to
            }
        }
    }
}
