using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A desktop app with <c>BufferDirectory</c> that quits while its send's connection stalls past the TCP connect: the TLS
/// handshake never answered (the ClientHello acknowledged, no ServerHello), or a proxy that took the connection and never
/// answers its <c>CONNECT</c>, or a tunnel through a real proxy (tinyproxy) to a server that never answers the handshake.
/// No byte of the request has gone out, as with a dropped SYN (<see cref="SpoolConnectStallDisposeTests"/>): the disposal
/// returns once everything is on disk, without waiting for the connect's timeout (10 s) or the whole
/// <c>ShutdownTimeout</c> (10 min, the test's timeout its bound: no duration is measured); the next start sends every
/// event once. The faults are real sockets (<see cref="SilentPort"/>), no mock.
/// </summary>
public sealed class SpoolHandshakeStallDisposeTests
{
    public enum Stall
    {
        /// <summary>https to a server that accepts and never answers the ClientHello.</summary>
        TlsHandshake,

        /// <summary>https through a proxy that accepts and never answers the CONNECT.</summary>
        ProxyConnect,

        /// <summary>https through tinyproxy, whose tunnel (CONNECT answered 200) leads to a server that never answers the ClientHello.</summary>
        TlsThroughTunnel,
    }

    /// <summary>
    /// Before, the disposal ended only when the connection attempt failed at the connect's timeout (10 s, which covers the
    /// TLS handshake and the proxy's tunnel): <c>Failed</c> was 1 and the self-log said the send failed; now no send failed.
    /// </summary>
    [Theory(Timeout = 120_000)]
    [InlineData(Stall.TlsHandshake, false)]
    [InlineData(Stall.TlsHandshake, true)]
    [InlineData(Stall.ProxyConnect, false)]
    [InlineData(Stall.TlsThroughTunnel, false)]
    public async Task Dispose_HandshakeStallsWithASpool_ReturnsWithoutWaitingForTheConnect_NextStartSendsEachEventOnce(Stall stall, bool flushFirst)
    {
        await using var quit = await SpooledQuit.StartAsync();
        await using var proxy = stall == Stall.TlsThroughTunnel ? await TinyProxy.StartAsync() : null;
        ThreadedHttpHandler offline;
        using (var silent = new SilentPort())
        {
            offline = quit.Handler(stall == Stall.ProxyConnect ? quit.Server.Host : silent.Host, o =>
            {
                o.Secure = true;
                o.Proxy = stall switch
                {
                    Stall.ProxyConnect => $"http://{silent.Host}",
                    Stall.TlsThroughTunnel => $"http://127.0.0.1:{proxy!.Port}",
                    _ => null,
                };
                o.LevelPollInterval = TimeSpan.Zero;
                o.RequestTimeout = TimeSpan.FromMinutes(10); // the connect's own timeout (10 s) is the only one before the budget
            });
            SpooledQuit.LogEvents(offline);
            if (flushFirst)
            {
                _ = offline.FlushAsync(); // the worker spools and sends now; never completes while the handshake hangs
            }

            await offline.DisposeAsync();
            Assert.True(silent.Accepted > 0, "the silent port was never connected to");
        }

        var statistics = offline.Statistics;
        Assert.Equal(0, statistics.Failed); // before: 1, the connect's timeout (10 s), after which the retry's wait ended the shutdown
        Assert.Null(statistics.LastError);
        Assert.Equal(0, statistics.Sent);
        Assert.Equal(0, statistics.Dropped); // nothing lost: all of it on disk
        Assert.DoesNotContain(quit.SelfLog, line => line.Contains("failed", StringComparison.Ordinal) || line.Contains("not delivered before the shutdown deadline", StringComparison.Ordinal));
        await quit.AssertNextStartSendsEachEventOnceAsync();
    }
}
