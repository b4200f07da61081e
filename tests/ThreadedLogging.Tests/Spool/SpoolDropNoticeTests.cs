using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// What the spool drops (its size cap while the receiver is down) reaches the collector as one Warning of category
/// <c>ThreadedLogging</c>, as a full queue's drops do, against a real Kestrel on loopback.
/// </summary>
public sealed class SpoolDropNoticeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SpoolFullWhileTheReceiverIsDown_OneNoticeWithTheExactCountArrivesWhenItIsUp()
    {
        // Before, the spool's drops were in Statistics, the self-log and the EventSource only: support saw a gap and no reason.
        const int logged = 300;
        await using var server = await LoopbackServer.StartAsync();
        server.Refusing = true; // 503: down
        var notice = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var notices = 0;
        var taken = 0;
        server.Respond = request =>
        {
            foreach (var e in JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray())
            {
                if (e.GetProperty("category").GetString() == "ThreadedLogging")
                {
                    Interlocked.Increment(ref notices);
                    notice.TrySetResult(e.Clone());
                }
                else
                {
                    Interlocked.Increment(ref taken);
                }
            }

            return Task.FromResult(Results.Ok());
        };
        using var directory = new TempDirectory();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHttpHandler? handler = null;
        handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.MaxBufferBytes = 64 * 1024; // segments of 8 KiB
            o.BatchSize = 10;
            o.Interval = TimeSpan.FromMilliseconds(50); // the queue moves to disk while the first record's retries go on
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            o.SelfLog = _ =>
            {
                // Written on the worker at each failed send: checked there, where the queue moves to disk.
                if (Volatile.Read(ref handler) is { Statistics: { } s } && s.Spooled + s.Dropped == logged)
                {
                    allOnDisk.TrySetResult();
                }
            };
        }));
        await using (handler)
        {
            var logger = handler.CreateLogger("App");
            for (var i = 0; i < logged; i++)
            {
                logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(750)));
            }

            _ = handler.FlushAsync();
            await allOnDisk.Task.WaitAsync(Safety); // every event on disk or dropped by the cap, the receiver still down
            Assert.Equal(0, Volatile.Read(ref notices)); // held while the spool drops: a notice spooled then was the next record dropped

            server.Refusing = false;
            Assert.True(handler.Flush(Safety));
            var warning = await notice.Task.WaitAsync(Safety);

            var dropped = handler.Statistics.Dropped;
            Assert.True(dropped > 0, "the cap dropped nothing");
            Assert.Equal(logged, handler.Statistics.Sent + dropped);
            Assert.Equal("Warning", warning.GetProperty("level").GetString());
            var properties = warning.GetProperty("properties");
            Assert.Equal(dropped, properties.GetProperty("DroppedCount").GetInt64());
            Assert.True(properties.GetProperty("FirstDrop").GetDateTimeOffset() <= properties.GetProperty("LastDrop").GetDateTimeOffset());
            Assert.Matches($"^ThreadedLogging dropped {dropped} events between .+ and .+: the spool was full", warning.GetProperty("message").GetString());
        }

        Assert.Equal(1, Volatile.Read(ref notices)); // one notice for the whole outage
        Assert.Equal(handler.Statistics.Sent, Volatile.Read(ref taken));
    }
}
