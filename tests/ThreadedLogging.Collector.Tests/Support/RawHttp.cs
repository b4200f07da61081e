using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// HTTP/1.1 over a plain <see cref="Socket"/>, for what HttpClient will not send: a body that trickles,
/// stops, or is shorter than its Content-Length, and any Host or Origin header.
/// </summary>
internal sealed class RawHttp : IDisposable
{
    private readonly Socket _socket;

    private RawHttp(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>A connection to the collector on 127.0.0.1, from <paramref name="from"/> (127.0.0.2: another remote address) when given.</summary>
    public static async Task<RawHttp> ConnectAsync(Uri baseAddress, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(IPAddress.Loopback, baseAddress.Port);
        return new RawHttp(socket);
    }

    /// <summary>Request line and headers; <c>Host</c> is the collector's unless given.</summary>
    public static string Head(string method, string target, Uri baseAddress, params string[] headers)
    {
        var text = new StringBuilder($"{method} {target} HTTP/1.1\r\n");
        if (!headers.Any(h => h.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)))
        {
            text.Append("Host: ").Append(baseAddress.Authority).Append("\r\n");
        }

        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }

        return text.Append("\r\n").ToString();
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Half-closes the connection: the server sees the end of the stream.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads one response: status and body (Content-Length framed, or until the server closes).</summary>
    public async Task<(int Status, string Headers, string Body)> ReadResponseAsync()
    {
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                throw new IOException($"connection closed after {received.Count} bytes of response");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. received.Take(headerEnd)]);
        var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        if (status < 200)
        {
            // "100 Continue" (the app has started to read the body): no body; the final response follows.
            return (status, head, string.Empty);
        }

        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => (int?)int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var bodyStart = headerEnd + 4;
        var chunked = head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        while (chunked ? IndexOf(received, "\r\n0\r\n\r\n"u8) < 0 : length is null || received.Count - bodyStart < length)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var body = received.Skip(bodyStart).Take(length ?? int.MaxValue).ToArray();
        return (status, head, chunked ? Dechunk(body) : Encoding.UTF8.GetString(body));
    }

    /// <summary>Waits until the server closes the connection (reads and discards until the end).</summary>
    public async Task WaitForCloseAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed as well.
        }
    }

    public void Dispose() => _socket.Dispose();

    private static string Dechunk(byte[] body)
    {
        var text = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\r', at);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, lineEnd - at), 16);
            if (size == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.UTF8.GetString(body, lineEnd + 2, size));
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Count; i++)
        {
            var match = true;
            for (var k = 0; k < pattern.Length && match; k++)
            {
                match = data[i + k] == pattern[k];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
