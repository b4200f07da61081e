using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// What the HTTP sink says of a stalled connect (<see cref="IReportsStalledConnects"/>) while a batch's request is out on
/// another connection: a real listener, whose accept queue is full once the level poll's connection is accepted, so the
/// batch's own connect loses its SYN (as <see cref="SynDroppingPort"/>), and the poll's kept-alive connection, freed when
/// its answer is read, takes the waiting batch request.
/// </summary>
public sealed class StalledConnectTests
{
    /// <summary>
    /// Before, the batch's own connect, still running after its request went out on the poll's connection, said the send
    /// stalled: a disposal or an exit with a spool ended while the request was out, its line saying "connecting to … has
    /// not completed within 1 s". So it still did for the Python form's GET, whose request has no body to say it went out.
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData(HttpLogFormat.JsonBatch, "POST")]
    [InlineData(HttpLogFormat.PythonForm, "POST")]
    [InlineData(HttpLogFormat.PythonForm, "GET")]
    public async Task StalledConnect_RequestWentOutOnTheLevelPollsConnection_SaysNone(HttpLogFormat format, string method)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0); // Linux keeps backlog + 1: one connection not accepted fills the queue
        var host = $"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}";
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = host,
            Url = "/log/{user}",
            Format = format,
            Method = method,
            User = "alice",
            App = "Payroll",
            RequestTimeout = TimeSpan.FromMinutes(1),
        };
        var identity = LogIdentity.From(options);
        using var sink = new HttpBatchSink(options);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.ConnectStalled = () => stalled.TrySetResult();

        // The level poll's request, on a connection of its own: accepted, its answer held.
        var poll = sink.PollLevelsAsync(identity, CancellationToken.None);
        using var connection = await listener.AcceptAsync();
        await using var stream = new NetworkStream(connection);
        var reader = new RequestReader(stream);
        Assert.StartsWith("GET /api/levels/effective", await reader.ReadAsync(), StringComparison.Ordinal);
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(listener.LocalEndPoint!); // the queue's one place, never accepted: each further SYN dropped

        // The batch's send finds no free connection: its own connect starts, and stalls.
        var envelope = "{\"events\":[]}"u8.ToArray();
        var send = format == HttpLogFormat.JsonBatch
            ? sink.SendEnvelopeAsync(envelope, ReadOnlyMemory<byte>.Empty, "0123456789abcdef0123456789abcdef", identity, CancellationToken.None).AsTask()
            : sink.SendAsync(new LogBatch("0123456789abcdef0123456789abcdef", [LogEvent.Create(DateTimeOffset.UnixEpoch, Microsoft.Extensions.Logging.LogLevel.Information, "App", "paid")], identity), CancellationToken.None).AsTask();
        await stalled.Task;
        Assert.Equal($"connecting to {host}", sink.StalledConnect);

        // The poll's answer read, its connection takes the batch's request, whose own connect still runs.
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        await poll;
        var request = await reader.ReadAsync();
        Assert.StartsWith($"{method} /log/alice", request, StringComparison.Ordinal);
        if (format == HttpLogFormat.JsonBatch)
        {
            Assert.EndsWith("{\"events\":[]}", request, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("msg=paid", request, StringComparison.Ordinal); // in the query (GET) or the body (POST): read whole
        }

        Assert.Null(sink.StalledConnect);

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        Assert.Equal(SendOutcome.Sent, (await send).Outcome);
    }

    /// <summary>
    /// https through a proxy that takes the connection and never answers its CONNECT (<see cref="SilentPort"/>): the level
    /// poll's CONNECT, which SocketsHttpHandler makes itself, unmarked, counts only while a batch send waits for a
    /// connection. Before, it counted whenever it stalled, and a disposal or an exit with a spool ended while the batch's
    /// request was out on another connection.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task StalledConnect_LevelPollsConnectThroughAProxyStalls_SaysItOnlyWhileABatchSendWaits()
    {
        using var silent = new SilentPort();
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = "127.0.0.1:9",
            Secure = true,
            Proxy = $"http://{silent.Host}",
            Url = "/log/{user}",
            Format = HttpLogFormat.JsonBatch,
            User = "alice",
            App = "Payroll",
            RequestTimeout = TimeSpan.FromMinutes(1),
        };
        var identity = LogIdentity.From(options);
        using var sink = new HttpBatchSink(options);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.ConnectStalled = () => stalled.TrySetResult();
        using var stop = new CancellationTokenSource();

        var poll = sink.PollLevelsAsync(identity, stop.Token);
        await stalled.Task;
        Assert.Null(sink.StalledConnect); // no batch send in flight: the poll's CONNECT says nothing of one

        var envelope = "{\"events\":[]}"u8.ToArray();
        var send = sink.SendEnvelopeAsync(envelope, ReadOnlyMemory<byte>.Empty, "0123456789abcdef0123456789abcdef", identity, stop.Token).AsTask();
        Assert.Equal($"the CONNECT to 127.0.0.1:9 through the proxy {silent.Host}", sink.StalledConnect); // the send waits for a connection through it

        await stop.CancelAsync(); // as a disposal's end cancels the send
        await poll;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }

    /// <summary>
    /// Through a SOCKS proxy, or an https one, the proxy's own exchange comes first (the SOCKS greeting, TLS with the
    /// proxy), and a proxy that takes the connection and never answers it (<see cref="SilentPort"/>) stalls there. Before,
    /// that exchange was watched as the host's TLS handshake, or as the CONNECT ("the TLS handshake with" the proxy's
    /// address), and through SOCKS over plain http not at all.
    /// </summary>
    [Theory(Timeout = 60_000)]
    [InlineData("socks5", true, "the SOCKS handshake with the proxy {0}")]
    [InlineData("socks5", false, "the SOCKS handshake with the proxy {0}")]
    [InlineData("socks4", true, "the SOCKS handshake with the proxy {0}")]
    [InlineData("https", true, "the TLS handshake with the proxy {0}")]
    [InlineData("https", false, "the TLS handshake with the proxy {0}")] // no CONNECT: the request goes to the proxy over TLS
    public async Task StalledConnect_SilentSocksOrHttpsProxy_NamesTheProxysOwnHandshake(string scheme, bool secure, string expected)
    {
        using var silent = new SilentPort();
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = "127.0.0.1:9",
            Secure = secure,
            Proxy = $"{scheme}://{silent.Host}",
            Url = "/log/{user}",
            Format = HttpLogFormat.JsonBatch,
            User = "alice",
            App = "Payroll",
            RequestTimeout = TimeSpan.FromMinutes(1),
        };
        var identity = LogIdentity.From(options);
        using var sink = new HttpBatchSink(options);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.ConnectStalled = () => stalled.TrySetResult();
        using var stop = new CancellationTokenSource();

        var envelope = "{\"events\":[]}"u8.ToArray();
        var send = sink.SendEnvelopeAsync(envelope, ReadOnlyMemory<byte>.Empty, "0123456789abcdef0123456789abcdef", identity, stop.Token).AsTask();
        await stalled.Task; // before, with plain http through SOCKS: never
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, silent.Host), sink.StalledConnect);

        await stop.CancelAsync(); // as a disposal's end cancels the send
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }

    /// <summary>Reads HTTP/1.1 requests off one connection: the head, then a body of its Content-Length.</summary>
    private sealed class RequestReader(Stream stream)
    {
        private readonly List<byte> _buffered = [];

        public async Task<string> ReadAsync()
        {
            var headEnd = -1;
            while ((headEnd = IndexOfHeadEnd()) < 0)
            {
                await FillAsync();
            }

            var head = Encoding.ASCII.GetString(_buffered.GetRange(0, headEnd).ToArray());
            var lengthLine = head.Split("\r\n").FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            while (_buffered.Count < headEnd + length)
            {
                await FillAsync();
            }

            var request = Encoding.ASCII.GetString(_buffered.GetRange(0, headEnd + length).ToArray());
            _buffered.RemoveRange(0, headEnd + length);
            return request;
        }

        private int IndexOfHeadEnd()
        {
            for (var i = 3; i < _buffered.Count; i++)
            {
                if (_buffered[i - 3] == '\r' && _buffered[i - 2] == '\n' && _buffered[i - 1] == '\r' && _buffered[i] == '\n')
                {
                    return i + 1;
                }
            }

            return -1;
        }

        private async Task FillAsync()
        {
            var chunk = new byte[4096];
            var read = await stream.ReadAsync(chunk);
            Assert.True(read > 0, "the connection closed before a whole request came");
            _buffered.AddRange(chunk.AsSpan(0, read));
        }
    }
}
