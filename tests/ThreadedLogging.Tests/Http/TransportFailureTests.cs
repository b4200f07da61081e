using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// What the self-log and <c>LastError</c> say of a request that failed, against a real server on loopback that fails it
/// in one exact way: a raw socket (what Kestrel cannot be made to send), TLS by <see cref="SslStream"/> with a
/// certificate made here. Without an answer .NET's own message is only the kind of failure; why is in its inner
/// exceptions. With one, what the receiver wrote in it is cut short.
/// </summary>
public sealed class TransportFailureTests
{
    public static TheoryData<string, string> Faults() => new()
    {
        // Before: "The SSL connection could not be established, see inner exception." for all three certificates.
        { "a certificate for another name", "RemoteCertificateNameMismatch" },
        { "a certificate no one trusts", "UntrustedRoot" },
        { "a certificate that expired", "NotTimeValid" },

        // Before: "An error occurred while sending the request."
        { "an answer cut off in its headers", "The response ended prematurely" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Faults))]
    public async Task Send_ServerFailsTheRequest_ErrorSaysWhy(string fault, string why)
    {
        using var server = new RawServer(fault);
        var said = new ConcurrentQueue<string>();
        var error = await FirstFailureAsync(server, said);

        Assert.Contains(why, error, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", error, StringComparison.Ordinal);
        Assert.Contains(said, line => line.Contains($"Sending 1 event failed: {error}; it is kept", StringComparison.Ordinal));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("a 503 with a reason phrase of 20,000 characters", "HTTP 503 zzz")]
    [InlineData("a 308 with a Location of 30,000 characters", "HTTP 308 Permanent Redirect to http://x.example/aaa")]
    [InlineData("a header line of 30,000 characters that is not one", "")] // no answer: .NET's message quotes the line
    public async Task Send_AnswerWithALongReasonPhraseOrLocation_ErrorCutShort(string fault, string begins)
    {
        // Both went whole into the error: a self-log line of 20 or 30 KB, three of them for a redirect (the refusal, its
        // end), where the body's reason is cut at 512 bytes.
        using var server = new RawServer(fault);
        var said = new ConcurrentQueue<string>();
        var error = await FirstFailureAsync(server, said);

        Assert.StartsWith(begins, error, StringComparison.Ordinal);
        Assert.InRange(error.Length, 1, 700);
        Assert.Contains("…", error, StringComparison.Ordinal);
        Assert.NotEmpty(said);
        Assert.All(said, line => Assert.InRange(line.Length, 1, 1500));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("a 503 whose body is gzip", "HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers")]
    [InlineData("a 503 whose body is br", "HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers")]
    [InlineData("a 503 whose body is deflate", "HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers")]
    [InlineData("a 503 whose body claims gzip and is not", "HTTP 503 Service Unavailable")]
    public async Task Send_AnswerWithACompressedBody_ReasonIsItsText(string fault, string error)
    {
        // The handler asks for no encoding, but a proxy may send its error page compressed all the same: its bytes were read
        // as text, a reason of '\uFFFD' and stray letters in the self-log.
        using var server = new RawServer(fault);
        var said = new ConcurrentQueue<string>();

        Assert.Equal(error, await FirstFailureAsync(server, said));
    }

    /// <summary>
    /// A handler sending to <paramref name="server"/> (https when it speaks TLS), no level poll, a backoff of minutes,
    /// logs one event and flushes: its <c>LastError</c> once the self-log said the send failed (after the error is kept;
    /// the EventSource's SendFailed comes before the self-log's line, which the tests read too), then disposed.
    /// </summary>
    private static async Task<string> FirstFailureAsync(RawServer server, ConcurrentQueue<string> said)
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var loopback = await LoopbackServer.StartAsync();
        var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(loopback, o =>
        {
            o.Host = server.Host;
            o.Secure = server.Tls;
            o.LevelPollInterval = TimeSpan.Zero;
            o.MinRetryDelay = TimeSpan.FromMinutes(10);
            o.MaxRetryDelay = TimeSpan.FromMinutes(20);
            o.ShutdownTimeout = TimeSpan.Zero;
            o.SelfLog = line =>
            {
                said.Enqueue(line);
                if (line.Contains(" failed: ", StringComparison.Ordinal) || line.Contains(" refused by the receiver ", StringComparison.Ordinal))
                {
                    failed.TrySetResult();
                }
            };
        }));
        await using (handler)
        {
            handler.CreateLogger("App").LogInformation("one");
            _ = handler.FlushAsync();
            await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return handler.Statistics.LastError!;
        }
    }

    /// <summary>A raw server on 127.0.0.1 that fails each connection as <c>fault</c> says.</summary>
    private sealed class RawServer : IDisposable
    {
        private readonly RawTcpServer _server;
        private readonly X509Certificate2? _certificate;
        private readonly byte[] _answer;

        public RawServer(string fault)
        {
            _certificate = fault switch
            {
                "a certificate for another name" => TestCertificate.SelfSigned("other.example"),
                "a certificate no one trusts" => TestCertificate.SelfSigned(),
                "a certificate that expired" => TestCertificate.SelfSigned(expired: true),
                _ => null,
            };
            _answer = fault switch
            {
                "a 503 with a reason phrase of 20,000 characters" => Encoding.ASCII.GetBytes($"HTTP/1.1 503 {new string('z', 20_000)}\r\nContent-Length: 0\r\n\r\n"),
                "a header line of 30,000 characters that is not one" => Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\n{new string('h', 30_000)}\r\n\r\n"),
                "a 308 with a Location of 30,000 characters" => Encoding.ASCII.GetBytes($"HTTP/1.1 308 Permanent Redirect\r\nLocation: http://x.example/{new string('a', 30_000)}\r\nContent-Length: 0\r\n\r\n"),
                "a 503 whose body is gzip" => Compressed(503, "gzip", "upstream connect error or disconnect/reset before headers"),
                "a 503 whose body is br" => Compressed(503, "br", "upstream connect error or disconnect/reset before headers"),
                "a 503 whose body is deflate" => Compressed(503, "deflate", "upstream connect error or disconnect/reset before headers"),
                "a 503 whose body claims gzip and is not" => [.. Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\n"), 0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x01, 0x02],
                _ => "HTTP/1.1 200 OK\r\nContent-Le"u8.ToArray(), // an answer cut off in its headers: then the connection ends
            };
            _server = new RawTcpServer(ServeAsync);
        }

        public string Host => _server.Host;

        public bool Tls => _certificate is not null;

        public void Dispose()
        {
            _server.Dispose();
            _certificate?.Dispose();
        }

        /// <summary>An answer of <paramref name="status"/> whose body is <paramref name="text"/> in <paramref name="encoding"/>.</summary>
        private static byte[] Compressed(int status, string encoding, string text)
        {
            using var body = new MemoryStream();
            using (Stream compressor = encoding switch
            {
                "gzip" => new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
                "br" => new System.IO.Compression.BrotliStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
                _ => new System.IO.Compression.ZLibStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
            })
            {
                compressor.Write(Encoding.UTF8.GetBytes(text));
            }

            return [.. Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Service Unavailable\r\nContent-Encoding: {encoding}\r\nContent-Length: {body.Length}\r\n\r\n"), .. body.ToArray()];
        }

        private async Task ServeAsync(NetworkStream stream)
        {
            if (_certificate is not null)
            {
                await using var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(_certificate); // the client refuses the certificate
                return;
            }

            var head = await RawTcpServer.ReadHeadAsync(stream);
            await stream.ReadExactlyAsync(new byte[RawTcpServer.ContentLength(head)]);
            await stream.WriteAsync(_answer);
        }
    }
}
