using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>Two batches in flight (issue 14): the next is sent while the previous is still answered, each event once.</summary>
public sealed class ConcurrentSendTests
{
    private static ThreadedHandlerOptions Options(Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Interval = TimeSpan.FromHours(1), // only full batches and Flush send
            BatchSize = 10,
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task Worker_FirstBatchUnanswered_SendsTheNextMeanwhileAndDeliversEachEventOnceInOrder()
    {
        var sink = new HeldFirstSink();
        await using var handler = new ThreadedHandler(sink, Options());
        await SendSecondWhileFirstHeldAsync(handler, sink);
        Assert.False(sink.FirstAnswer.Task.IsCompleted); // the second went out while the first was still unanswered
        sink.FirstAnswer.SetResult(SendResult.Success);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var batches = sink.Delivered.ToArray();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"n {i}"), batches.SelectMany(b => b.Events).OrderBy(e => e.Sequence).Select(e => e.Message));
        Assert.Equal(batches.Length, batches.Select(b => b.Id).Distinct().Count());
        Assert.All(batches, b => Assert.Equal(b.Events.Select(e => e.Sequence).Order(), b.Events.Select(e => e.Sequence)));
        Assert.Equal(30, handler.Statistics.Sent);
    }

    [Fact]
    public async Task Worker_FirstBatchFailsWhileTheNextIsInFlight_RetriedUnderItsIdAndEachEventDeliveredOnce()
    {
        var sink = new HeldFirstSink();
        await using var handler = new ThreadedHandler(sink, Options());
        await SendSecondWhileFirstHeldAsync(handler, sink);
        sink.FirstAnswer.SetResult(new SendResult(SendOutcome.Transient, Error: "HTTP 503"));

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var delivered = sink.Delivered.SelectMany(b => b.Events).Select(e => e.Message).ToArray();
        Assert.Equal(30, delivered.Length);
        Assert.Equal(30, delivered.Distinct().Count());
        Assert.Equal(sink.FirstBatchId, Assert.Single(sink.Delivered, b => b.Events.Any(e => e.Message == "n 0")).Id);
        Assert.Equal(30, handler.Statistics.Sent);
        Assert.Equal(1, handler.Statistics.Retried);
    }

    [Fact]
    public async Task Dispose_TwoBatchesInFlightNeverAnswered_ReturnsAndCountsEveryEventDroppedOnce()
    {
        var sink = new HeldFirstSink { HoldSecond = true };
        var handler = new ThreadedHandler(sink, Options(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300)));
        await SendSecondWhileFirstHeldAsync(handler, sink);

        await handler.DisposeAsync(); // both sends see the deadline; the worker waits for both before it stops
        Assert.Equal(30, handler.Statistics.Dropped);
        Assert.Equal(0, handler.Statistics.Sent);
        Assert.Empty(sink.Delivered);
    }

    [Fact]
    public async Task JsonBatch_ManyBatchesSomeRefusedOnce_EveryEventStoredOnceEachBodyIntact()
    {
        const int events = 5_000;
        await using var server = await LoopbackServer.StartAsync();
        var seen = new ConcurrentDictionary<string, int>();
        server.Respond = request => Task.FromResult(
            seen.AddOrUpdate(request.Headers["Idempotency-Key"], 1, (_, n) => n + 1) == 1 && seen.Count % 4 == 0
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Ok());
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Url = "/log",
            Format = HttpLogFormat.JsonBatch,
            BatchSize = 50,
            Interval = TimeSpan.FromHours(1),
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        };
        await using (var handler = new ThreadedHttpHandler(options))
        {
            Log(handler.CreateLogger("App"), 0, events);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));
            Assert.Equal(events, handler.Statistics.Sent);
        }

        // What a receiver that dedups by batch id stores: each id once (its bodies must be the same), then each event once.
        var stored = new Dictionary<string, string>();
        foreach (var request in server.Requests)
        {
            var id = request.Headers["Idempotency-Key"];
            Assert.True(!stored.TryGetValue(id, out var earlier) || earlier == request.BodyText, "a resend carries the same events");
            stored[id] = request.BodyText;
        }

        var messages = new List<string>();
        foreach (var (id, body) in stored)
        {
            using var json = JsonDocument.Parse(body);
            Assert.Equal(id, json.RootElement.GetProperty("batchId").GetString());
            var batch = json.RootElement.GetProperty("events").EnumerateArray().ToArray();
            var sequences = batch.Select(e => e.GetProperty("sequence").GetInt64()).ToArray();
            Assert.Equal(sequences.Order(), sequences);
            messages.AddRange(batch.Select(e => e.GetProperty("message").GetString()!));
        }

        Assert.Equal(Enumerable.Range(0, events).Select(i => $"n {i}").Order(StringComparer.Ordinal), messages.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Worker_GoodEventAnsweredBeforeThePoisonOneSentBeforeIt_LoneRefusalsCountedInSendingOrderAndNoBatchWaits()
    {
        // Lone refusals add up across batches until the receiver takes an event, and after 3 the next batch waits the
        // backoff. Sent: poison 0, good 1, poison 2, poison 3: two refused alone since the receiver last took one. With two
        // in flight the answers came back 1, then 0: the take ended the streak before 0 was counted into it, so 0, 2 and
        // 3 made 3 and event 3's batch waited the backoff (a poison event between good ones, in a full parallel test run).
        var poison = new SendResult(SendOutcome.Rejected, Error: "HTTP 400 Bad Request: poison");
        var sink = new HeldFirstSink { Answer = batch => batch.Events[0].Message == "n 1" ? SendResult.Success : poison };
        var selfLog = new ConcurrentQueue<string>();
        await using var handler = new ThreadedHandler(sink, Options(o =>
        {
            o.BatchSize = 1;
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // a wait would outlast the flush
            o.SelfLog = selfLog.Enqueue;
        }));
        var logger = handler.CreateLogger("App");
        Log(logger, 0, 1);
        await sink.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Log(logger, 1, 2);
        sink.Queued.Set();
        Assert.True(await handler.Ledger.WaitUntilSettledAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))); // a bound on a hang, not a timing
        Assert.Equal(1, handler.Statistics.Sent); // event 1 taken while 0 is unanswered
        sink.FirstAnswer.SetResult(poison);
        Log(logger, 2, 4);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal((1L, 3L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.Equal(["n 1"], sink.Delivered.SelectMany(b => b.Events).Select(e => e.Message));
        Assert.Equal(3, selfLog.Count(line => line.Contains("1 event refused by the receiver (Rejected) and dropped", StringComparison.Ordinal)));
        Assert.DoesNotContain(selfLog, line => line.Contains("waits the backoff", StringComparison.Ordinal));
    }

    /// <summary>Logs 10 events (a full batch: the first send, held), then 20 more while it is held; waits for the second send.</summary>
    private static async Task SendSecondWhileFirstHeldAsync(ThreadedHandler handler, HeldFirstSink sink)
    {
        var logger = handler.CreateLogger("App");
        Log(logger, 0, 10);
        await sink.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Log(logger, 10, 30);
        sink.Queued.Set();
        await sink.SecondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static void Log(ILogger logger, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            logger.LogInformation("n {N}", i);
        }
    }

    /// <summary>
    /// Holds its first send: the call waits (on the worker) until the test queued more events, then returns an
    /// answer the test gives later. Every later send is answered at once (<see cref="Answer"/>). Records what was accepted.
    /// </summary>
    private sealed class HeldFirstSink : ILogBatchSink, ISendsConcurrently
    {
        private readonly ConcurrentQueue<LogBatch> _delivered = new();
        private int _sends;

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<SendResult> FirstAnswer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Queued { get; } = new();

        public string? FirstBatchId { get; private set; }

        /// <summary>Gets or sets whether the second send is held too, until its cancellation (a receiver that never answers).</summary>
        public bool HoldSecond { get; init; }

        /// <summary>Gets how every send after the first is answered; each is taken unless told otherwise.</summary>
        public Func<LogBatch, SendResult> Answer { get; init; } = _ => SendResult.Success;

        public bool CanSendConcurrently => true;

        public IReadOnlyList<LogBatch> Delivered => [.. _delivered];

        public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            var copy = new LogBatch(batch.Id, [.. batch.Events], batch.Identity);
            SendResult result;
            switch (Interlocked.Increment(ref _sends))
            {
                case 1:
                    FirstBatchId = batch.Id;
                    FirstStarted.SetResult();
                    Assert.True(Queued.Wait(TimeSpan.FromSeconds(30), cancellationToken));
                    result = await FirstAnswer.Task.WaitAsync(cancellationToken);
                    break;
                case 2:
                    SecondStarted.SetResult();
                    if (HoldSecond)
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }

                    result = Answer(batch);
                    break;
                default:
                    result = Answer(batch);
                    break;
            }

            if (result.Outcome == SendOutcome.Sent)
            {
                _delivered.Enqueue(copy);
            }

            return result;
        }
    }
}
