using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A spool that fails while in use (a full disk: here its writes refused through the spool's seam before each write, as
/// <c>ENOSPC</c> is, which no test can make without root), with events on disk and the collector down: once the collector
/// (a real Kestrel on loopback) answers, what the failed spool holds is sent, in order and once, and deleted, and the
/// handler spools again once its disk takes writes. Before, it stayed memory-only until the next start, its events on
/// disk (and the disk full) until then (review13: a 1 MB tmpfs, 46,000 events).
/// </summary>
public sealed class SpoolFailsInUseTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task SpoolFailsInUse_CollectorComesBack_WhatItHeldSentOnceAndDeleted_ThenItSpoolsAgain()
    {
        using var directory = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        var received = new int[50];
        var others = 0;
        var down = true;
        var firstRefused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Refuse = request =>
        {
            if (!Volatile.Read(ref down))
            {
                return false;
            }

            firstRefused.TrySetResult(); // sent from the spool (it works): what it carries is on disk
            return true;
        };
        server.Respond = request =>
        {
            foreach (var n in NumbersIn(request))
            {
                if (n < 0)
                {
                    Interlocked.Increment(ref others);
                }
                else
                {
                    Interlocked.Increment(ref received[n]);
                }
            }

            return Task.FromResult(Results.Ok());
        };

        var full = false;
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worksAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var selfLog = new ConcurrentQueue<string>();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.BatchSize = 10;
            o.SpoolBeforeWrite = _ =>
            {
                if (Volatile.Read(ref full))
                {
                    throw new IOException("No space left on device");
                }
            };
            o.SelfLog = m =>
            {
                selfLog.Enqueue(m);
                if (m.Contains("failed while in use", StringComparison.Ordinal))
                {
                    failed.TrySetResult(m);
                }

                if (m.Contains("works again", StringComparison.Ordinal))
                {
                    worksAgain.TrySetResult();
                }
            };
        }));
        var own = Path.Combine(directory.Path, handler.Identity.InstanceId);
        var logger = handler.CreateLogger("App");
        Log(logger, 0, 20);
        _ = handler.FlushAsync(); // wakes the worker; never completes while the collector is down
        await firstRefused.Task.WaitAsync(Safety);

        // The disk fills: the next write fails, while the spool holds events (0-19, or the first of them when the worker took
        // the others later), not sent.
        Volatile.Write(ref full, true);
        Log(logger, 20, 20);
        _ = handler.FlushAsync();
        var line = await failed.Task.WaitAsync(Safety);
        Assert.Contains(" events it holds are still sent from disk", line, StringComparison.Ordinal);
        var failedSegments = Directory.GetFiles(own, "*.seg*");
        Assert.NotEmpty(failedSegments);

        // The disk has room again (the spool held what filled it) and the collector answers.
        Volatile.Write(ref full, false);
        Volatile.Write(ref down, false);
        Assert.True(handler.Flush(Safety)); // before: false, the events on disk left there until the next start
        Assert.Equal(40, handler.Statistics.Sent);
        Assert.All(failedSegments, segment => Assert.False(File.Exists(segment))); // sent and deleted

        // Tried again once what it held was sent: later events are spooled again.
        Log(logger, 40, 10);
        Assert.True(handler.Flush(Safety));
        await worksAgain.Task.WaitAsync(Safety);
        Assert.Equal((50L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.All(received, count => Assert.Equal(1, count));
        Assert.Equal(0, Volatile.Read(ref others));
        Assert.Single(selfLog, m => m.Contains("failed while in use", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(own, "*.seg*")); // the new segment (kept while it is the one written)
    }

    [Fact(Timeout = 120_000)]
    public async Task SpoolFailsInUse_DiskStaysFull_TriedAgainQuietly_EveryEventSentOnce()
    {
        // A disk that stays full: the spool is tried again once what it held was sent (its next batch written), fails the
        // same way, and is not said again; the batches it refuses go from memory, each event once.
        using var directory = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        var accepted = new ConcurrentQueue<int>();
        server.Respond = request =>
        {
            foreach (var n in NumbersIn(request))
            {
                accepted.Enqueue(n);
            }

            return Task.FromResult(Results.Ok());
        };
        var firstRefused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Refuse = _ =>
        {
            firstRefused.TrySetResult(); // sent from the spool (it works): what it carries is on disk
            return true;
        };
        var full = false;
        var refusedWrites = 0;
        var selfLog = new ConcurrentQueue<string>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.SpoolBeforeWrite = _ =>
            {
                if (Volatile.Read(ref full))
                {
                    Interlocked.Increment(ref refusedWrites);
                    throw new IOException("No space left on device");
                }
            };
            o.SelfLog = m =>
            {
                selfLog.Enqueue(m);
                if (m.Contains("failed while in use", StringComparison.Ordinal))
                {
                    failed.TrySetResult();
                }
            };
        }));
        var logger = handler.CreateLogger("App");
        Log(logger, 0, 5);
        _ = handler.FlushAsync();
        await firstRefused.Task.WaitAsync(Safety);
        Volatile.Write(ref full, true);
        Log(logger, 5, 5);
        _ = handler.FlushAsync();
        await failed.Task.WaitAsync(Safety);
        server.Refuse = null;
        Assert.True(handler.Flush(Safety)); // what it held sent: it is tried again
        for (var round = 0; round < 3; round++)
        {
            // The first flush's batch is written to the spool, tried again, which refuses it again: it goes from memory.
            Log(logger, 10 + (round * 5), 5);
            Assert.True(handler.Flush(Safety));
        }

        Assert.Equal((25L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.True(Volatile.Read(ref refusedWrites) >= 2, $"tried {refusedWrites} times"); // before: once, never again
        Assert.Single(selfLog, m => m.Contains("The spool at", StringComparison.Ordinal)); // not said again, nor "works again"
        Assert.Equal(Enumerable.Range(0, 25), accepted.Order()); // each once
    }

    private static void Log(ILogger logger, int from, int count)
    {
        for (var n = from; n < from + count; n++)
        {
            logger.LogInformation("event {N}", n);
        }
    }

    /// <summary>The property <c>N</c> of each event of a JsonBatch request; -1 for an event without it.</summary>
    private static List<int> NumbersIn(RecordedRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return [.. document.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("properties").TryGetProperty("N", out var n) ? n.GetInt32() : -1)];
    }
}
