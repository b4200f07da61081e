using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Answers that are not the collector's, on the way to the real collector process (review15's findings): a captive
/// portal's 200 text/html page counted as delivered (100 events: Sent 100, nothing stored, nothing said), and a proxy's
/// 500 ("Unable to connect", text/html) while the collector was down was taken as the collector failing on an event,
/// split and dropped one event per 5 attempts, even with <c>BufferDirectory</c>. Both are an outage now: kept, retried,
/// stored once when the collector answers.
/// </summary>
public sealed class ForeignAnswerTests
{
    private static void LogNumbered(ThreadedHandler handler, int count)
    {
        var logger = handler.CreateLogger("Delivery");
        for (var i = 0; i < count; i++)
        {
            logger.LogInformation("event {N}", i);
        }
    }

    [Fact]
    public async Task CaptivePortalAnswers200Html_BatchesKept_EachEventStoredOnceWhenItLetsThrough()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        await using var portal = await FaultProxy.StartAsync(collector.Host);
        portal.Decide = n => n < 3 ? Fault.Portal : Fault.None; // the portal answers, then lets the requests through
        var selfLog = new List<string>();
        await using var handler = DeliveryFaultTests.Client(portal.Host, "portal", o => o.SelfLog = line =>
        {
            lock (selfLog)
            {
                selfLog.Add(line);
            }
        });

        LogNumbered(handler, 100);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)), handler.Statistics.LastError);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), await collector.EventNumbersAsync("portal"));
        Assert.Equal((100L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.Equal(3, portal.Applied.Count(f => f == Fault.Portal));
        lock (selfLog)
        {
            Assert.Contains(selfLog, line => line.Contains("the answer is not the collector's (200 text/html): a captive portal or proxy?", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ProxyAnswers500WhileTheCollectorIsDown_SpooledEventsNeverDropped_StoredOnceWhenItIsBack()
    {
        using var directory = new TempDirectory();
        await using var collector = new CollectorProcess("--Collector:IngestApiKeys:0=through-the-proxy"); // keyed: it refuses a keyless request through a proxy
        await collector.StartAsync();
        await collector.KillAsync(); // down: its port held, a connection to it refused
        await using var proxy = await TinyProxy.StartAsync(); // answers "500 Unable to connect" (text/html) for it
        await using var handler = DeliveryFaultTests.Client(collector.Host, "proxy-500", o =>
        {
            o.Proxy = $"http://127.0.0.1:{proxy.Port}";
            o.ApiKey = "through-the-proxy";
            o.BufferDirectory = directory.Path;
        });

        LogNumbered(handler, 20);

        // 25 attempts through the proxy: before, the 500s split the batch and dropped its first event by about the 14th.
        await proxy.LineAsync("/log/proxy-500", 25).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Contains("HTTP 500", handler.Statistics.LastError, StringComparison.Ordinal);

        await collector.StartAsync(); // same port, same data directory
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)), $"{handler.Statistics.LastError} | {handler.Statistics.Sent} sent, {handler.Statistics.Pending} pending");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), await collector.EventNumbersAsync("proxy-500"));
        Assert.Equal((20L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
    }
}
