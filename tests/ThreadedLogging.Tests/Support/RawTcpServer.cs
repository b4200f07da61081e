using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace ThreadedLogging.Tests.Support;

/// <summary>
/// A TCP listener on 127.0.0.1:0 that serves each connection it accepts with <c>serve</c>, byte by byte: what Kestrel
/// cannot be made to send (an answer before the body is read, a header cut off, a reset, a proxy that half answers).
/// What the client does to a connection meanwhile (a reset, a refused certificate) ends its serve quietly; disposing the
/// server stops the listener, cancels <see cref="Stopped"/> and so ends the serves that wait on it.
/// </summary>
public sealed class RawTcpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<NetworkStream, Task> _serve;
    private readonly CancellationTokenSource _stopped = new();

    /// <param name="serve">Serves one accepted connection; the connection is closed when it returns.</param>
    /// <param name="receiveBufferSize">The accepted connections' receive buffer, 0 for the system's: a small one keeps a body's bytes waiting in the client.</param>
    public RawTcpServer(Func<NetworkStream, Task> serve, int receiveBufferSize = 0)
    {
        _serve = serve;
        if (receiveBufferSize > 0)
        {
            _listener.Server.ReceiveBufferSize = receiveBufferSize; // inherited by each connection
        }

        _listener.Start();
        _ = AcceptAsync();
    }

    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Gets a token cancelled when the server is disposed: a serve that holds its connection open waits on it.</summary>
    public CancellationToken Stopped => _stopped.Token;

    public void Dispose()
    {
        _stopped.Cancel();
        _listener.Stop();
        _stopped.Dispose(); // a serve that reads Stopped after this meets ObjectDisposedException, which ends it quietly
    }

    /// <summary>Reads a request's or an answer's head, up to and with its blank line (all that came when the connection ends first).</summary>
    public static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    /// <summary>The <c>Content-Length</c> of <paramref name="head"/>, 0 when it has none.</summary>
    public static int ContentLength(string head) =>
        head.Split("\r\n").FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } header
            ? int.Parse(header["Content-Length:".Length..], CultureInfo.InvariantCulture)
            : 0;

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // stopped
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            await _serve(stream);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // What the client does to the connection then is its business; a serve waiting on Stopped ends with the server.
        }
    }
}
