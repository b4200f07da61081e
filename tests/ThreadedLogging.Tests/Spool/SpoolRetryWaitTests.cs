using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A send that fails with a spool (the collector down: a real Kestrel on loopback answering 503) while the app goes on
/// logging: as the retry's wait begins, what was logged is on disk already, so a crash during the backoff loses none of
/// it (issue 14; review15's <c>SIGKILL</c> with the collector down lost 1,176 of 1,409 accepted events). Before, the
/// memory queue moved to disk only at the next tick (an hour here), and what was logged while the send failed stayed in
/// memory all through the wait. The delivery test kills a real app there (<c>DeliveryFaultTests</c>); this one also takes
/// the wait of a batch sent from memory while the spool works (its writer threw on that batch: a bug of ours, through the
/// spool's seam, as nothing real makes it).
/// </summary>
public sealed class SpoolRetryWaitTests
{
    private const int Logged = 5; // fewer than a batch: no full batch wakes the worker
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Theory(Timeout = 120_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendFailsWhileTheAppLogs_TheRetrysWaitBegins_WhatWasLoggedIsOnDiskAlready(bool writerThrew)
    {
        using var directory = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Respond = async _ =>
        {
            held.TrySetResult(); // the first send is under way: the app logs meanwhile
            await answer.Task;
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        };

        ThreadedHttpHandler? watched = null;
        var waitBegun = new TaskCompletionSource<ThreadedHandlerStatistics>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Armed(TimeSpan due)
        {
            // The retry's wait has begun once the timer of its backoff (2.5 to 5 min; no other timer of the handler is due
            // within that) is armed: its books are read there, on the thread that arms it.
            if (due >= RetryDelay / 2 && due <= RetryDelay && Volatile.Read(ref watched) is { Statistics: { Failed: > 0 } s })
            {
                waitBegun.TrySetResult(s);
            }
        }

        var writes = 0;
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.BatchSize = 10;
            o.MinRetryDelay = RetryDelay;
            o.MaxRetryDelay = 2 * RetryDelay;
            o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            o.TimeProvider = new ArmingClock(Armed); // the system's clock, watched
            o.SpoolBeforeWrite = _ =>
            {
                if (writerThrew && Interlocked.Increment(ref writes) == 1)
                {
                    throw new InvalidOperationException("the spool's writer failed on this batch"); // it goes from memory
                }
            };
        }));
        Volatile.Write(ref watched, handler);
        var logger = handler.CreateLogger("Retry");
        for (var i = 0; i < Logged; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        _ = handler.FlushAsync(); // the worker sends now; never completes while the collector is down
        await held.Task.WaitAsync(Safety);
        for (var i = Logged; i < 2 * Logged; i++)
        {
            logger.LogInformation("event {N}", i); // accepted while the send is under way
        }

        answer.TrySetResult();
        var atWait = await waitBegun.Task.WaitAsync(Safety);

        // On disk: all 10 (the first 5 from disk), or the 5 logged during the send (the first 5 went from memory).
        Assert.Equal(writerThrew ? Logged : 2 * Logged, atWait.Spooled);
        Assert.Equal(2 * Logged, atWait.Enqueued);
    }
}
