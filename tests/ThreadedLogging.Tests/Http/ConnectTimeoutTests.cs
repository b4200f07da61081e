using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// A network that drops the connection attempt (<see cref="SynDroppingPort"/>: the kernel drops each SYN to a listener
/// whose accept queue is full): the send fails at the connect's own timeout (10 s), before the request's, and its error
/// says that no connection was made, not that an answer was late.
/// </summary>
public sealed class ConnectTimeoutTests
{
    /// <summary>Before, the connect's timeout was reported as the request's: "No answer within 600 s" after 10 s.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Send_ConnectNeverAnswered_FailsAtTheConnectTimeout_ErrorSaysNoConnection()
    {
        using var dropping = new SynDroppingPort();
        var error = await FirstFailureAsync(dropping.Host, secure: false, "unreachable");

        Assert.DoesNotContain("No answer within", error, StringComparison.Ordinal);
        Assert.Equal($"No connection to {dropping.Host} within 10 s (the network did not answer the connection attempt or its DNS lookup)", error);
    }

    /// <summary>
    /// https to a server that accepts and never answers the ClientHello (<see cref="SilentPort"/>): the connect's timeout
    /// covers the TLS handshake. Before, its error blamed the connection attempt or its DNS lookup, which had worked.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task Send_TlsHandshakeNeverAnswered_FailsAtTheConnectTimeout_ErrorSaysTheHandshake()
    {
        using var silent = new SilentPort();
        var error = await FirstFailureAsync(silent.Host, secure: true, "unanswered");

        Assert.Equal($"No connection to {silent.Host} within 10 s (the server did not answer the TLS handshake)", error);
    }

    /// <summary>
    /// https through a proxy whose first connection never answers the CONNECT (a stall, said), then answers the next one's
    /// only in part ("HTTP/1.1 200" and nothing more: no stall, its first byte came): the second send, ended by the connect's
    /// timeout, named the first attempt's stall, kept by the sink, "the proxy did not answer the CONNECT", when it had.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task Send_ProxyStalledAConnectBefore_ALaterTimeoutDoesNotNameThatStall()
    {
        using var proxy = new HalfAnsweringProxy();
        await using var server = await LoopbackServer.StartAsync();
        ThreadedHttpHandler? handler = null;
        var failedTwice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<string?>();
        DateTimeOffset? seen = null;
        using var failures = new SendFailures(() =>
        {
            // Other tests' handlers report their failures here too: this handler's failures are its new last errors.
            if (Volatile.Read(ref handler) is { } h && h.Statistics is { LastErrorTime: { } at } statistics)
            {
                lock (errors)
                {
                    if (at != seen)
                    {
                        seen = at;
                        errors.Add(statistics.LastError);
                    }

                    if (errors.Count == 2)
                    {
                        failedTwice.TrySetResult();
                    }
                }
            }
        });
        handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.Host = "127.0.0.1:9"; // never reached: the tunnel is never set up
            o.Secure = true;
            o.Proxy = $"http://{proxy.Host}";
            o.LevelPollInterval = TimeSpan.Zero;
            o.RequestTimeout = TimeSpan.FromMinutes(10);
            o.MinRetryDelay = TimeSpan.FromMilliseconds(1);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(1);
            o.ShutdownTimeout = TimeSpan.Zero;
        }));
        await using (handler)
        {
            handler.CreateLogger("App").LogInformation("through the proxy");
            _ = handler.FlushAsync();
            await failedTwice.Task;
        }

        Assert.Equal($"No connection to {proxy.Host} within 10 s (the proxy did not answer the CONNECT)", errors[0]);
        Assert.Equal("No connection to 127.0.0.1:9 within 10 s (the connection through the proxy was not set up)", errors[1]);
    }

    /// <summary>
    /// A proxy on loopback that takes every connection: the first it never answers; each later one gets the first line of a
    /// CONNECT's answer, cut short, and nothing more. The connections stay open until it is disposed.
    /// </summary>
    private sealed class HalfAnsweringProxy : IDisposable
    {
        private readonly RawTcpServer _server;
        private int _accepted;

        public HalfAnsweringProxy()
        {
            _server = new RawTcpServer(ServeAsync);
        }

        public string Host => _server.Host;

        public void Dispose() => _server.Dispose();

        private async Task ServeAsync(System.Net.Sockets.NetworkStream stream)
        {
            if (Interlocked.Increment(ref _accepted) > 1)
            {
                await stream.WriteAsync("HTTP/1.1 200"u8.ToArray()); // the rest never comes
            }

            await Task.Delay(Timeout.Infinite, _server.Stopped); // held open until the proxy is disposed
        }
    }

    /// <summary>
    /// A handler sending to <paramref name="host"/> (over https when <paramref name="secure"/>), no level poll, a request
    /// timeout and a backoff of minutes (the connect's own timeout, 10 s, ends the send first), logs
    /// <paramref name="message"/> and flushes: its <c>LastError</c> once the send failed (said on the worker, SendFailed).
    /// </summary>
    private static async Task<string?> FirstFailureAsync(string host, bool secure, string message)
    {
        await using var server = await LoopbackServer.StartAsync();
        ThreadedHttpHandler? handler = null;
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var failures = new SendFailures(() =>
        {
            if (Volatile.Read(ref handler) is { Statistics.Failed: > 0 })
            {
                failed.TrySetResult();
            }
        });
        handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.Host = host;
            o.Secure = secure;
            o.LevelPollInterval = TimeSpan.Zero;
            o.RequestTimeout = TimeSpan.FromMinutes(10); // the connect's timeout (10 s) ends the send first
            o.MinRetryDelay = TimeSpan.FromMinutes(10);
            o.MaxRetryDelay = TimeSpan.FromMinutes(20);
            o.ShutdownTimeout = TimeSpan.Zero;
        }));
        await using (handler)
        {
            handler.CreateLogger("App").LogInformation(message);
            _ = handler.FlushAsync();
            await failed.Task;
            return handler.Statistics.LastError;
        }
    }
}
