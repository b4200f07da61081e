using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A spool whose backlog is being sent to a receiver that accepts and never answers (real Kestrel, the answer gated
/// forever): what is logged meanwhile goes to disk, not to the memory queue that the shutdown deadline loses.
/// </summary>
public sealed class SpoolHungReceiverTests
{
    private static ThreadedHttpHandlerOptions Options(LoopbackServer server, string directory, List<string>? selfLog = null, Action<ThreadedHttpHandlerOptions>? configure = null) =>
        ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory;
            o.ShutdownTimeout = TimeSpan.FromSeconds(10); // spent waiting for the hung send; what is in memory moves to disk at once (a budget no loaded machine misses)
            o.SelfLog = m =>
            {
                if (selfLog is not null)
                {
                    lock (selfLog)
                    {
                        selfLog.Add(m);
                    }
                }
            };
            configure?.Invoke(o); // last: it may wrap the self-log
        });

    private static void Log(ThreadedHandler handler, string run, int count)
    {
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < count; i++)
        {
            logger.LogInformation("{Run} {N}", run, i);
        }
    }

    /// <summary>Run A: its 10 events are spooled, their send hangs, the disposal leaves them on disk.</summary>
    private static async Task LeaveTenInSpoolAsync(LoopbackServer hung, string directory)
    {
        var first = new ThreadedHttpHandler(Options(hung, directory));
        Log(first, "a", 10);
        _ = first.FlushAsync();
        await hung.WaitForRequestsAsync(1);
        await first.DisposeAsync();
        Assert.Equal((10L, 0L), (first.Statistics.Spooled, first.Statistics.Dropped));
    }

    [Fact]
    public async Task Spool_BacklogInFlightToAReceiverThatNeverAnswers_EventsLoggedMeanwhileReachDiskAtTheNextInterval()
    {
        using var directory = new TempDirectory();
        var answer = new TaskCompletionSource<IResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hung = await LoopbackServer.StartAsync();
        hung.Respond = _ => answer.Task;
        try
        {
            await LeaveTenInSpoolAsync(hung, directory.Path);

            // Fewer than a batch, logged while A's backlog is in flight for as long as the request timeout (10 min).
            await using var second = new ThreadedHttpHandler(Options(hung, directory.Path, configure: o => (o.Interval, o.RequestTimeout) = (TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(10))));
            await hung.WaitForRequestsAsync(2);
            var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            second.Ledger.MovedToSpool = spooled =>
            {
                if (spooled == 20)
                {
                    allOnDisk.TrySetResult();
                }
            };
            Log(second, "b", 10);
            await allOnDisk.Task.WaitAsync(TimeSpan.FromSeconds(60)); // a bound on a hang: before, the request timeout
            Assert.Equal(20, second.Statistics.Spooled);
            Assert.Equal(2, hung.Requests.Count); // still the one send in flight

            // The receiver answers at last: the backlog, then what was spooled meanwhile, each once.
            hung.Respond = _ => Task.FromResult(Results.Ok());
            answer.SetResult(Results.Ok());
            Assert.True(second.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal((20L, 0L), (second.Statistics.Sent, second.Statistics.Dropped));
            Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"a {i}"), .. Enumerable.Range(0, 10).Select(i => $"b {i}")], StartLevelHoldTests.Messages(hung).Skip(10)); // the first request was run A's, abandoned at its shutdown
        }
        finally
        {
            answer.TrySetResult(Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        }
    }

    [Fact]
    public async Task Spool_BacklogInFlightToAReceiverThatNeverAnswers_EventsLoggedMeanwhileAreSpooledNotLostAtShutdown()
    {
        using var directory = new TempDirectory();
        var never = new TaskCompletionSource<IResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hung = await LoopbackServer.StartAsync();
        hung.Respond = _ => never.Task;
        try
        {
            await LeaveTenInSpoolAsync(hung, directory.Path);

            // Run B: the same spool and receiver; A's backlog is in flight (its request arrived) while B logs 10.
            var selfLog = new List<string>();
            var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var second = new ThreadedHttpHandler(Options(hung, directory.Path, selfLog, o =>
            {
                var log = o.SelfLog!;
                o.SelfLog = m =>
                {
                    log(m);
                    if (m.Contains("in the spool", StringComparison.Ordinal))
                    {
                        closed.TrySetResult(m);
                    }
                };
            }));
            await hung.WaitForRequestsAsync(2);
            Log(second, "b", 10);
            await second.DisposeAsync();
            Assert.Equal((20L, 0L, 20L), (second.Statistics.Spooled, second.Statistics.Dropped, second.Statistics.Pending));

            // Said when the spool closes: at the disposal, or — a worker still in the hung send at the deadline, abandoned
            // on a loaded machine — when that send ends.
            Assert.Contains("20 events remain in the spool", await closed.Task.WaitAsync(TimeSpan.FromSeconds(60)), StringComparison.Ordinal);
            lock (selfLog)
            {
                Assert.DoesNotContain(selfLog, m => m.Contains("lost", StringComparison.Ordinal));
            }
        }
        finally
        {
            never.TrySetResult(Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        }

        // Run C: a receiver that answers gets each of the 20 once.
        await using var healthy = await LoopbackServer.StartAsync();
        await using (var third = new ThreadedHttpHandler(Options(healthy, directory.Path)))
        {
            Assert.True(third.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"a {i}"), .. Enumerable.Range(0, 10).Select(i => $"b {i}")], StartLevelHoldTests.Messages(healthy).Order(StringComparer.Ordinal));
    }
}
