using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// A receiver that answers before it has read the body and closes the connection (a proxy's or a server's body limit,
/// judged from <c>Content-Length</c>), against a raw TCP server on loopback, which Kestrel cannot be made to be: the
/// client is still writing the body when the connection is reset, and .NET reports the write's failure, not the answer.
/// </summary>
public sealed class EarlyAnswerTests
{
    /// <summary>Bodies over this are refused from their headers: 413, the connection closed unread.</summary>
    private const int Limit = 1024 * 1024;

    [Fact(Timeout = 120_000)]
    public async Task JsonBatch_413BeforeTheBodyIsRead_SplitAsForA413_NotRetriedWhole()
    {
        // Before: 'Error while copying content to a stream: … Broken pipe', a transient failure: the batch of 8 MiB was
        // retried whole after the backoff, refused the same way each time, for as long as the app ran.
        using var server = new EarlyRefusalServer("413 Payload Too Large");
        var said = new ConcurrentQueue<string>();
        var (handler, flush, kept) = LogSixteen(server, said);
        await using var disposeHandler = handler;
        var first = await Task.WhenAny(flush, kept).WaitAsync(TimeSpan.FromSeconds(100));

        Assert.True(first == flush, (first == kept ? await kept : "neither") + "\n" + string.Join("\n", said) + "\n" + string.Join("\n", server.Log));
        Assert.True(await flush);
        Assert.Equal((16L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.Equal(Enumerable.Range(0, 16), server.Stored.OrderBy(n => n));
        Assert.True(server.RefusedUnread > 0); // the 8 MiB body was refused from its headers, not read and then refused
        Assert.Contains(said, line => line.Contains("HTTP 413", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task JsonBatch_200BeforeTheBodyIsRead_TheWriteFailureStands_NotCountedSent()
    {
        // Only a refusal is taken in place of the failed write: a 2xx for a body the receiver never had whole is no
        // delivery, and its events are kept and sent again.
        using var server = new EarlyRefusalServer("200 OK");
        var said = new ConcurrentQueue<string>();
        var (handler, flush, kept) = LogSixteen(server, said);
        await using var disposeHandler = handler;
        var line = await kept.WaitAsync(TimeSpan.FromSeconds(100));

        Assert.Contains("Sending 16 events failed: Error while copying content to a stream", line, StringComparison.Ordinal);
        Assert.Equal(0L, handler.Statistics.Sent);
        Assert.False(flush.IsCompleted);
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_TlsReceiverResetsWhileTheBodyIsWrittenWithoutAnswering_TheWriteFailureIsSaid()
    {
        // Before: 'The response ended prematurely': the TLS handshake's bytes, which came after the request's first write (the
        // ClientHello), were taken for an answer waiting when the body's write met the reset, and the answer read in place
        // of the write's failure was none. Still retried; the self-log and LastError named the wrong failure.
        using var certificate = TestCertificate.SelfSigned();
        var read = 0L;
        using var server = new RawTcpServer(
            async stream =>
            {
                await using var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(certificate);
                var head = await RawTcpServer.ReadHeadAsync(tls);
                await tls.ReadExactlyAsync(new byte[64 * 1024]); // a part of the 8 MiB body
                Volatile.Write(ref read, RawTcpServer.ContentLength(head));
                stream.Socket.LingerState = new LingerOption(true, 0); // closed, unanswered: a reset while the client writes
            },
            receiveBufferSize: 4096);
        var options = new ThreadedHttpHandlerOptions { CaptureUnhandledExceptions = false, Host = server.Host, Secure = true, Format = HttpLogFormat.JsonBatch, Compress = false };
        using var sink = new HttpBatchSink(options);
        sink.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
        var body = new byte[8 * 1024 * 1024];
        Array.Fill(body, (byte)' ');

        var result = await sink.SendEnvelopeAsync(body, ReadOnlyMemory<byte>.Empty, "0123456789abcdef0123456789abcdef", LogIdentity.From(options), CancellationToken.None);

        Assert.Equal(body.Length, Volatile.Read(ref read)); // the request reached the server over TLS
        Assert.Equal(SendOutcome.Transient, result.Outcome);
        Assert.True(result.Error?.StartsWith("Error while copying content to a stream: ", StringComparison.Ordinal), result.Error);
        Assert.Matches("Connection reset by peer|Broken pipe", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_ItsOwnConnectResetInItsHandshakeAfterItWentOutOnAnother_ItsAnswerStands()
    {
        // Before: 'Error while copying content to a stream: … Connection reset by peer' for a batch its receiver answered 200.
        // A connect .NET opens for a waiting request runs in that request's flow, and the request goes out on whichever
        // connection frees first (here the level poll's, through a SOCKS5 proxy): the connect's handshake, reset once the
        // proxy had answered its greeting, failed a write of that flow after the request's headers were out elsewhere, was
        // taken for an early answer, and marked the request's body cut.
        var accepted = 0;
        var pollArrived = Signal();
        var answerPoll = Signal();
        var ownConnectGreeted = Signal();
        var resetOwnConnect = Signal();
        var sendArrived = Signal();
        var answerSend = Signal();
        var laterConnect = Signal();
        using var proxy = new RawTcpServer(async stream =>
        {
            var n = Interlocked.Increment(ref accepted);
            await ReadSocksGreetingAsync(stream);
            if (n == 2)
            {
                // The batch send's own connect: its greeting held until the send went out on the poll's connection, then
                // answered, and the connection reset before the SOCKS request it brings.
                ownConnectGreeted.TrySetResult();
                await resetOwnConnect.Task;
                stream.Socket.Send([5, 0]);
                stream.Socket.Close(0); // the reset right behind the answer, so that the client's next write meets it
                return;
            }

            if (n > 2)
            {
                laterConnect.TrySetResult();
            }

            await stream.WriteAsync(new byte[] { 5, 0 });
            await ReadSocksRequestAsync(stream);
            await stream.WriteAsync(new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 9 });
            for (var request = 0; await RawTcpServer.ReadHeadAsync(stream) is { Length: > 0 } head; request++)
            {
                await stream.ReadExactlyAsync(new byte[RawTcpServer.ContentLength(head)]);
                if (n == 1)
                {
                    (request == 0 ? pollArrived : sendArrived).TrySetResult();
                    await (request == 0 ? answerPoll : answerSend).Task;
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            }
        });
        var options = new ThreadedHttpHandlerOptions { CaptureUnhandledExceptions = false, Host = "127.0.0.1:9", Proxy = $"socks5://{proxy.Host}", Format = HttpLogFormat.JsonBatch };
        var identity = LogIdentity.From(options);
        using var sink = new HttpBatchSink(options);
        var body = "{\"events\":[]}"u8.ToArray();

        var poll = sink.PollLevelsAsync(identity, CancellationToken.None);
        await pollArrived.Task; // the poll's connection is busy: the send's request waits, and .NET opens one for it
        var send = sink.SendEnvelopeAsync(body, ReadOnlyMemory<byte>.Empty, "0123456789abcdef0123456789abcdef", identity, CancellationToken.None).AsTask();
        await ownConnectGreeted.Task;
        answerPoll.TrySetResult(); // the poll's connection, free, takes the waiting request
        await poll;
        await sendArrived.Task;
        var second = sink.SendEnvelopeAsync(body, ReadOnlyMemory<byte>.Empty, "fedcba9876543210fedcba9876543210", identity, CancellationToken.None).AsTask();
        resetOwnConnect.TrySetResult(); // the greeting answered, then a reset: the connect's next write fails
        await Task.WhenAny(second, laterConnect.Task); // that connect failed: its failure went to the second send, or a new connect began for it
        answerSend.TrySetResult();
        var result = await send;

        Assert.True(result.Outcome == SendOutcome.Sent, result.Error);
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Reads a SOCKS5 greeting: the version, the number of methods, the methods.</summary>
    private static async Task ReadSocksGreetingAsync(Stream stream)
    {
        var head = new byte[2];
        await stream.ReadExactlyAsync(head);
        await stream.ReadExactlyAsync(new byte[head[1]]);
    }

    /// <summary>Reads a SOCKS5 request: version, command, reserved, the address (IPv4, a name, IPv6) and the port.</summary>
    private static async Task ReadSocksRequestAsync(Stream stream)
    {
        var head = new byte[4];
        await stream.ReadExactlyAsync(head);
        var length = head[3] switch
        {
            1 => 4,
            4 => 16,
            _ => stream.ReadByte(),
        };
        await stream.ReadExactlyAsync(new byte[length + 2]);
    }

    /// <summary>
    /// A handler sending to <paramref name="server"/>, no level poll, a backoff of minutes, 16 events of 512 KiB logged in
    /// one batch and flushed: the handler, the flush, and the first self-log line saying a send failed and is retried.
    /// </summary>
    private static (ThreadedHttpHandler Handler, Task<bool> Flush, Task<string> Kept) LogSixteen(EarlyRefusalServer server, ConcurrentQueue<string> said)
    {
        var kept = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Url = "/log/{user}",
            Format = HttpLogFormat.JsonBatch,
            Compress = false,
            Interval = TimeSpan.FromHours(1),
            BatchSize = 16,
            MaxBatchBytes = 32 * 1024 * 1024,
            LevelPollInterval = TimeSpan.Zero,
            MinRetryDelay = TimeSpan.FromMinutes(10),
            MaxRetryDelay = TimeSpan.FromMinutes(20),
            ShutdownTimeout = TimeSpan.Zero,
            SelfLog = line =>
            {
                said.Enqueue(line);
                if (line.Contains("kept and sent again after the backoff", StringComparison.Ordinal))
                {
                    kept.TrySetResult(line);
                }
            },
        };
        var handler = new ThreadedHttpHandler(options);
        var logger = handler.CreateLogger("App");
        var text = new string('x', 256 * 1024);
        for (var i = 0; i < 16; i++)
        {
            logger.LogInformation("{N} {Text}", i, text); // 16 events of 512 KiB (the text twice: message and property): a body of 8 MiB, over what loopback's buffers hold
        }

        return (handler, handler.FlushAsync(), kept.Task);
    }

    /// <summary>
    /// A raw server on 127.0.0.1 with a small receive buffer: a body over <see cref="Limit"/> gets <c>early</c> (a status
    /// and its reason) after its headers and the connection closed with the body unread (a reset); a smaller one is read
    /// and its events' N stored, 200.
    /// </summary>
    private sealed class EarlyRefusalServer : IDisposable
    {
        private readonly RawTcpServer _server;
        private readonly byte[] _early;
        private int _refusedUnread;

        public EarlyRefusalServer(string early)
        {
            _early = Encoding.ASCII.GetBytes($"HTTP/1.1 {early}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            _server = new RawTcpServer(ServeAsync, receiveBufferSize: 4096); // the body's bytes wait in the client
        }

        public string Host => _server.Host;

        public ConcurrentBag<int> Stored { get; } = [];

        public ConcurrentQueue<string> Log { get; } = [];

        public int RefusedUnread => Volatile.Read(ref _refusedUnread);

        public void Dispose() => _server.Dispose();

        private async Task ServeAsync(NetworkStream stream)
        {
            while (await RawTcpServer.ReadHeadAsync(stream) is { Length: > 0 } head)
            {
                var length = RawTcpServer.ContentLength(head);
                Log.Enqueue($"conn {stream.Socket.RemoteEndPoint} length {length}");
                if (length > Limit)
                {
                    await stream.WriteAsync(_early);
                    Interlocked.Increment(ref _refusedUnread);
                    return; // closed with the body unread: the client's writes meet a reset
                }

                var body = new byte[length];
                await stream.ReadExactlyAsync(body);
                foreach (var logEvent in JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray())
                {
                    Stored.Add(logEvent.GetProperty("properties").GetProperty("N").GetInt32());
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            }
        }
    }
}
