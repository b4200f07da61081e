using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>Issue 14: a burst at default settings is kept whole, not cut down to what a small queue holds.</summary>
public sealed class BurstTests
{
    private const int Events = 1_000_000;

    // A bound against a hang, not a speed check: a million events through one worker on a machine shared by several test
    // runs (2 cores, load 50) took longer than the 5 minutes these flushes had (Spool_MillionEvent… failed at 5 m 36 s).
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task Burst_MillionEventsAtDefaultSettings_EveryEventDeliveredOnceNoneDropped()
    {
        var received = new int[Events];
        var strays = 0;
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        server.Respond = request =>
        {
            using var document = JsonDocument.Parse(request.Body);
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (item.GetProperty("properties").TryGetProperty("N", out var n) && n.GetInt32() is var number and >= 0 and < Events)
                {
                    Interlocked.Increment(ref received[number]);
                }
                else
                {
                    Interlocked.Increment(ref strays);
                }
            }

            return Task.FromResult(Results.Ok());
        };

        // Defaults but for the place to send to and the collector's own format.
        using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions { CaptureUnhandledExceptions = false, Host = server.Host, Url = "/burst", Format = HttpLogFormat.JsonBatch });
        var logger = handler.CreateLogger("Burst");
        for (var i = 0; i < Events; i++)
        {
            logger.LogInformation("Burst event {N} of {Source}", i, "tight loop");
        }

        Assert.True(handler.Flush(Hang));
        var statistics = handler.Statistics;
        Assert.Equal(0, statistics.Dropped);
        Assert.Equal(Events, statistics.Sent);
        Assert.Equal(0, strays);
        Assert.Empty(Enumerable.Range(0, Events).Where(n => received[n] != 1).Take(10));
    }

    [Fact]
    public async Task Burst_OrderCallsPastTheOldObjectTableWhileTheReceiverIsHeld_NoneDroppedEachDeliveredOnceInOrder()
    {
        // Calls kept as objects ({@Order}) were refused past 65,536 queued at once whatever MaxQueueBytes: a burst of
        // 300,000 to a collector on the same machine lost 86,262 and 107,282 at the defaults (seen adopting the client).
        const int calls = 100_000;
        var received = new int[calls];
        var outOfOrder = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        server.Respond = async request =>
        {
            firstSend.TrySetResult();
            await gate.Task;
            using var document = JsonDocument.Parse(request.Body);
            var previous = -1;
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (item.TryGetProperty("properties", out var properties) && properties.TryGetProperty("N", out var n) && n.GetInt32() is var number and >= 0 and < calls)
                {
                    Interlocked.Increment(ref received[number]);
                    if (number <= previous)
                    {
                        Interlocked.Increment(ref outOfOrder);
                    }

                    previous = number;
                }
            }

            return Results.Ok();
        };

        // Defaults but for the place to send to, the collector's own format and the bytes: a {@Order} call is charged
        // about the heap it holds (~2.9 KiB), so 128 MiB holds some 45,000 of them; 512 MiB holds these 100,000.
        using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions { CaptureUnhandledExceptions = false, Host = server.Host, Url = "/burst", Format = HttpLogFormat.JsonBatch, MaxQueueBytes = 512L * 1024 * 1024 });
        var logger = handler.CreateLogger("Burst");
        logger.LogInformation("first");
        _ = handler.FlushAsync(); // the worker sends it and waits on the gate
        await firstSend.Task.WaitAsync(TimeSpan.FromSeconds(30));

        for (var i = 0; i < calls; i++)
        {
            logger.LogInformation("Placed {N} {@Order}", i, new BurstOrder(i, "alice", 12.5m));
        }

        Assert.Equal(0, handler.Statistics.Dropped); // every call queued while the receiver held the first send

        gate.SetResult();
        Assert.True(handler.Flush(Hang));
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(1 + calls, handler.Statistics.Sent);
        Assert.Empty(Enumerable.Range(0, calls).Where(n => received[n] != 1).Take(10));
        Assert.Equal(0, outOfOrder); // each batch in call order
    }

    [Fact]
    public async Task Spool_MillionEventBurstWhileServerRefuses_FitsDefaultMaxBufferBytesThenDeliveredOnce()
    {
        var received = new int[Events];
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        server.Refuse = LoopbackServer.Everything;
        server.Respond = request =>
        {
            using var document = JsonDocument.Parse(request.Body);
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (item.GetProperty("properties").TryGetProperty("N", out var n))
                {
                    Interlocked.Increment(ref received[n.GetInt32()]);
                }
            }

            return Task.FromResult(Results.Ok());
        };

        using var spool = new TempDirectory();
        using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Url = "/burst",
            Format = HttpLogFormat.JsonBatch,
            BufferDirectory = spool.Path,
            MaxRetryDelay = TimeSpan.FromSeconds(1), // MaxBufferBytes and the rest: defaults
        });
        var logger = handler.CreateLogger("Burst");
        for (var i = 0; i < Events; i++)
        {
            logger.LogInformation("Burst event {N} of {Source}", i, "tight loop");
        }

        Assert.False(handler.Flush(TimeSpan.FromSeconds(1))); // the server refuses everything so far
        server.Refuse = null;
        Assert.True(handler.Flush(Hang));
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(Events, handler.Statistics.Sent);
        Assert.Empty(Enumerable.Range(0, Events).Where(n => received[n] != 1).Take(10));
    }

    private sealed record BurstOrder(int Id, string Customer, decimal Total);
}
