using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A batch read back from disk goes to a JsonBatch receiver as the envelope stored (issue 14), and the ordinary
/// way (parsed into events: split, poison) when the receiver does not take it.
/// </summary>
public sealed class SpooledEnvelopeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Spool_ReceiverRefusesStoredBatchesAsTooLarge_SplitAndEachEventDeliveredOnce()
    {
        const int Events = 200;
        // The receiver is down for the first process by the key each request carries, not by when it arrives: a send the
        // first process's disposal gave up on at its deadline may still reach the server after the second one started.
        const string UpKey = "up-key";
        var received = new int[Events];
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        server.Respond = request =>
        {
            if (!request.Headers.TryGetValue("X-Api-Key", out var key) || key != UpKey)
            {
                return Task.FromResult(Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
            }

            using var document = JsonDocument.Parse(request.Body);
            var events = document.RootElement.GetProperty("events");
            if (events.GetArrayLength() > 8)
            {
                return Task.FromResult(Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
            }

            foreach (var item in events.EnumerateArray())
            {
                Interlocked.Increment(ref received[item.GetProperty("properties").GetProperty("N").GetInt32()]);
            }

            return Task.FromResult(Results.Ok());
        };

        using var spool = new TempDirectory();
        ThreadedHttpHandlerOptions Options(string apiKey, Action<string>? selfLog = null) => new()
        {
            SelfLog = selfLog,
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            ApiKey = apiKey,
            Url = "/spooled",
            Format = HttpLogFormat.JsonBatch,
            BufferDirectory = spool.Path,
            BatchSize = 50,
            MinRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            ShutdownTimeout = TimeSpan.FromSeconds(1),
        };

        // The first process's batches stay on disk (the receiver refuses them); the next start reads them from there. Its
        // disposal waits for the signals, not for a second: every event on disk (a loaded machine's worker may not have
        // spooled them all within a flush of 1 s and a shutdown of 1 s), then the spool closed with all of them in it.
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHttpHandler? first = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send, while the queue moves to disk.
            if (Volatile.Read(ref first) is { Statistics.Spooled: Events })
            {
                allOnDisk.TrySetResult();
            }
        });
        first = new ThreadedHttpHandler(Options("down-key", line =>
        {
            if (line.Contains($"{Events} events remain in the spool", StringComparison.Ordinal))
            {
                closed.TrySetResult();
            }
        }));
        await using (first)
        {
            var logger = first.CreateLogger("Spooled");
            for (var i = 0; i < Events; i++)
            {
                logger.LogInformation("Spooled event {N}", i);
            }

            _ = first.FlushAsync();
            await allOnDisk.Task.WaitAsync(Safety);
        }

        await closed.Task.WaitAsync(Safety); // said when the worker stops, which may be after a loaded machine's disposal returned
        await using var second = new ThreadedHttpHandler(Options(UpKey));
        Assert.True(second.Flush(TimeSpan.FromMinutes(2)));

        Assert.Equal(Events, second.Statistics.Adopted);
        Assert.Equal(Events, second.Statistics.Sent);
        Assert.Equal(0, second.Statistics.Dropped);
        Assert.All(received, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Spool_ReceiverAnswers503ToTheStoredEnvelopeOnce_CountedAsAFailedAttemptThenDelivered()
    {
        // The envelope's failed attempt went unseen: not in Failed, not the last error, not on the EventSource.
        await using var server = await LoopbackServer.StartAsync();
        var answered = 0;
        server.Respond = _ => Task.FromResult(Interlocked.Increment(ref answered) == 1 ? Results.Text("busy", statusCode: 503) : Results.Ok());
        using var spool = new TempDirectory();
        await using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Url = "/spooled",
            Format = HttpLogFormat.JsonBatch,
            BufferDirectory = spool.Path,
            Interval = TimeSpan.FromHours(1),
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        });
        var logger = handler.CreateLogger("Spooled");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("Spooled event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal(2, server.Requests.Count); // the stored envelope, then its events the ordinary way
        var statistics = handler.Statistics;
        Assert.Equal((10L, 0L, 1L), (statistics.Sent, statistics.Dropped, statistics.Failed));
        Assert.Contains("503", statistics.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spool_QueueMovedToDiskWhileAStoredBatchIsSent_EventsReadIntoThePooledOnes()
    {
        // Batches that reached the queue while a stored batch was being sent go to disk after its answer
        // (SpoolStage.MoveQueueToSpool); their events never went back to the worker's pool, so each record was read into
        // a new event: one spooled bench run in five allocated 445 B/event instead of 120, the backlog moved that way.
        const int BatchSize = 10;
        const int Waiting = 50 * BatchSize;
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answerFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        server.Respond = async _ =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                firstArrived.SetResult();
                await answerFirst.Task;
            }

            return Results.Ok();
        };
        using var spool = new TempDirectory();
        await using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Url = "/spooled",
            Format = HttpLogFormat.JsonBatch,
            BufferDirectory = spool.Path,
            BatchSize = BatchSize,
            Interval = TimeSpan.FromHours(1), // the worker wakes for full batches only
        });
        Assert.True(handler.PoolsEvents);
        var logger = handler.CreateLogger("Spooled");
        for (var i = 0; i < BatchSize; i++)
        {
            logger.LogInformation("Spooled event {N}", i);
        }

        // The first batch is spooled and sent from disk; its answer waits while fifty batches are queued behind it.
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = BatchSize; i < BatchSize + Waiting; i++)
        {
            logger.LogInformation("Spooled event {N}", i);
        }

        answerFirst.SetResult();
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));

        Assert.Equal((BatchSize + Waiting, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.InRange(handler.PooledEventsMade, BatchSize, 2 * BatchSize);
    }
}
