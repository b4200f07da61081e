using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 (also): a client that went away mid-body was logged at fail level with a stack trace
/// ("Storing a batch failed"), so anyone could flood the error log. Now it is a Debug line.
/// </summary>
public sealed class ClientDisconnectTests
{
    [Theory]
    [InlineData("close")]
    [InlineData("half-close")]
    public async Task Ingest_ClientGoneMidBody_NothingStoredNothingLoggedAtWarningOrAbove(string how)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = CollectingLoggerProvider.AttachTo(collector);

        for (var i = 0; i < 20; i++)
        {
            using var raw = await RawHttp.ConnectAsync(collector.BaseAddress);
            await raw.SendAsync(RawHttp.Head("POST", "/log/gone", collector.BaseAddress,
                "Content-Type: application/x-ndjson", "Content-Length: 100000", "Expect: 100-continue"));
            Assert.Equal(100, (await raw.ReadResponseAsync()).Status);
            await raw.SendAsync(Http.Utf8("{\"message\":\"cut\"}\n{\"message\":\"cu"));
            if (how == "half-close")
            {
                // The server sees the end of the stream before Content-Length: a 400, or the connection closed.
                raw.ShutdownSend();
                await raw.WaitForCloseAsync();
            }
        }

        // The server has seen every connection end once a later request on a new connection is answered
        // after it; the normal client's own round trip gives that.
        Assert.Empty(await collector.EventsAsync("path=gone"));
        await StillServing.AssertAsync(collector);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("ThreadedLogging", StringComparison.Ordinal));
    }
}
