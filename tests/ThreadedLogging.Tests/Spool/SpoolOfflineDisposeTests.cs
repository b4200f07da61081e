using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A desktop app with <c>BufferDirectory</c> that quits offline: its disposal returns once everything logged is on disk
/// and a send has just failed, not after the whole <c>ShutdownTimeout</c> of retries (5 s by default, 10 min here: a
/// disposal that waits it out is failed by the test's own timeout, no duration is measured), and the next start sends
/// every event once. Against a real Kestrel on loopback answering 503, and a closed port (connection refused); the
/// disposal beginning as the first send fails, or with sending failing already (the worker waiting out a backoff: an app
/// offline for a while that quits).
/// </summary>
public sealed class SpoolOfflineDisposeTests
{
    private const int Events = 25;
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Theory(Timeout = 120_000)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Dispose_CollectorDownWithASpool_ReturnsWithoutWaitingOutTheBudget_NextStartSendsEachEventOnce(bool closedPort, bool failingAlready)
    {
        var received = new int[Events];
        var others = 0;
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        server.Respond = request =>
        {
            using var document = JsonDocument.Parse(request.Body);
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (item.GetProperty("properties").TryGetProperty("N", out var n))
                {
                    Interlocked.Increment(ref received[n.GetInt32()]);
                }
                else
                {
                    Interlocked.Increment(ref others);
                }
            }

            return Task.FromResult(Results.Ok());
        };

        // Down: every ingest request answered 503 (the first handler's only), or nothing listening on its port at all.
        server.Refuse = closedPort ? null : LoopbackServer.Everything;
        using var directory = new TempDirectory();
        var selfLog = new ConcurrentQueue<string>();
        ThreadedHttpHandler? offline = null;
        var failedWithAllOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send, just before it waits the backoff: checked there, its own handler only.
            if (Volatile.Read(ref offline) is { Statistics: { Failed: > 0 } s } && s.Spooled == Events)
            {
                failedWithAllOnDisk.TrySetResult();
            }
        });
        offline = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.Host = closedPort ? $"127.0.0.1:{FreeTcpPort.Next()}" : server.Host;
            o.BufferDirectory = directory.Path;
            o.BatchSize = 10;
            o.ShutdownTimeout = TimeSpan.FromMinutes(10); // before: the disposal retried until then, and the test's timeout failed it
            o.MinRetryDelay = TimeSpan.FromMinutes(5); // the first backoff 2.5 to 5 min: longer than the test's timeout
            o.MaxRetryDelay = TimeSpan.FromMinutes(10);
            o.SelfLog = selfLog.Enqueue;
        }));
        var logger = offline.CreateLogger("App");
        for (var i = 0; i < Events; i++)
        {
            logger.LogInformation("quitting {N}", i);
        }

        if (failingAlready)
        {
            // Before: the disposal waited out that backoff (minutes here, MaxRetryDelay's 2 min at the defaults) or the budget.
            _ = offline.FlushAsync(); // sends now; never completes while the collector is down
            await failedWithAllOnDisk.Task.WaitAsync(Safety);
        }

        await offline.DisposeAsync();

        var statistics = offline.Statistics;
        Assert.Equal(0, statistics.Sent);
        Assert.Equal(0, statistics.Dropped); // nothing lost: all of it on disk
        Assert.Contains(selfLog, line => line.Contains($" {Events} events remain in the spool at ", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, line => line.Contains("not delivered before the shutdown deadline", StringComparison.Ordinal));

        server.Refuse = null;
        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.BufferDirectory = directory.Path)))
        {
            Assert.True(next.Flush(Safety));
            Assert.Equal(Events, next.Statistics.Adopted);
        }

        Assert.All(received, count => Assert.Equal(1, count));
        Assert.Equal(0, Volatile.Read(ref others));
    }
}
