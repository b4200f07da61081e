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
        await using var server = await LoopbackServer.StartAsync();
        using var dropping = new SynDroppingPort();
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
            o.Host = dropping.Host;
            o.LevelPollInterval = TimeSpan.Zero;
            o.RequestTimeout = TimeSpan.FromMinutes(10); // the connect's timeout (10 s) ends the send first
            o.MinRetryDelay = TimeSpan.FromMinutes(10);
            o.MaxRetryDelay = TimeSpan.FromMinutes(20);
            o.ShutdownTimeout = TimeSpan.Zero;
        }));
        await using (handler)
        {
            handler.CreateLogger("App").LogInformation("unreachable");
            _ = handler.FlushAsync();
            await failed.Task;

            var error = handler.Statistics.LastError;
            Assert.DoesNotContain("No answer within", error, StringComparison.Ordinal);
            Assert.Equal($"No connection to {dropping.Host} within 10 s (the network did not answer the connection attempt or its DNS lookup)", error);
        }
    }

    /// <summary>
    /// https to a server that accepts and never answers the ClientHello (<see cref="SilentPort"/>): the connect's timeout
    /// covers the TLS handshake. Before, its error blamed the connection attempt or its DNS lookup, which had worked.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task Send_TlsHandshakeNeverAnswered_FailsAtTheConnectTimeout_ErrorSaysTheHandshake()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var silent = new SilentPort();
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
            o.Host = silent.Host;
            o.Secure = true;
            o.LevelPollInterval = TimeSpan.Zero;
            o.RequestTimeout = TimeSpan.FromMinutes(10); // the connect's timeout (10 s) ends the send first
            o.MinRetryDelay = TimeSpan.FromMinutes(10);
            o.MaxRetryDelay = TimeSpan.FromMinutes(20);
            o.ShutdownTimeout = TimeSpan.Zero;
        }));
        await using (handler)
        {
            handler.CreateLogger("App").LogInformation("unanswered");
            _ = handler.FlushAsync();
            await failed.Task;

            Assert.Equal($"No connection to {silent.Host} within 10 s (the server did not answer the TLS handshake)", handler.Statistics.LastError);
        }
    }
}
