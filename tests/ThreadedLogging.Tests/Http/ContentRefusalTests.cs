using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// Content refusals (HTTP 400) against a real Kestrel on loopback, one batch of 1,000 events: a poison event is found
/// and dropped alone, the others delivered once and in order; a receiver that refuses everything costs a bounded number
/// of requests and one self-log line per round, not a request and a line per event.
/// </summary>
public sealed class ContentRefusalTests
{
    private const int Events = 1000;
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    private static ThreadedHttpHandler Handler(LoopbackServer server, List<string> selfLog, Action<ThreadedHttpHandlerOptions>? configure = null) =>
        new(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BatchSize = Events;
            o.SelfLog = line =>
            {
                lock (selfLog)
                {
                    selfLog.Add(line);
                }
            };
            configure?.Invoke(o);
        }));

    private static void LogAll(ThreadedHttpHandler handler)
    {
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < Events; i++)
        {
            logger.LogInformation("event {N}", i);
        }
    }

    private static IEnumerable<int> Numbers(RecordedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("properties").GetProperty("N").GetInt32());

    /// <summary>Answers 400 with <paramref name="reason"/> to a batch holding a poison event, 200 to the others; records the numbers it took.</summary>
    private static Func<RecordedRequest, Task<IResult>> RefuseWhen(Func<int, bool> poison, string reason, List<int> taken) => request =>
    {
        var numbers = Numbers(request).ToList();
        if (numbers.Any(poison))
        {
            return Task.FromResult(Results.Text(reason, statusCode: 400));
        }

        lock (taken)
        {
            taken.AddRange(numbers);
        }

        return Task.FromResult(Results.Ok());
    };

    private static List<string> Lines(List<string> selfLog, string containing)
    {
        lock (selfLog)
        {
            return [.. selfLog.Where(line => line.Contains(containing, StringComparison.Ordinal))];
        }
    }

    private static async Task<(List<int> Taken, ThreadedHandlerStatistics Statistics, List<string> Lines, int Requests)> DeliverWithPoisonAsync(Func<int, bool> poison)
    {
        var reason = "refused " + Guid.NewGuid().ToString("N");
        await using var server = await LoopbackServer.StartAsync();
        var taken = new List<int>();
        server.Respond = RefuseWhen(poison, reason, taken);
        var selfLog = new List<string>();
        await using var handler = Handler(server, selfLog);
        LogAll(handler);

        Assert.True(handler.Flush(Safety));

        lock (taken)
        {
            return ([.. taken], handler.Statistics, Lines(selfLog, reason), server.Requests.Count);
        }
    }

    [Theory]
    [InlineData(400, "Rejected")]
    [InlineData(413, "TooLarge")]
    public async Task Answer400Or413ToEverything_ThreeRefusedAloneThenTheRestHeldAsInAnOutage(int status, string outcome)
    {
        // Split down to every event, a batch of 1,000 cost 1,999 requests and 2,999 self-log lines (a "Sending … failed"
        // per request, a drop per event), every interval, for as long as the receiver refused everything; a 413 to
        // everything was never held (each lone event was cut, then dropped with a line of its own).
        var reason = "refused " + Guid.NewGuid().ToString("N");
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.Text(reason, statusCode: status));
        var selfLog = new List<string>();
        var handler = Handler(server, selfLog, o =>
        {
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // one round: the backoff outlasts the test
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
        });
        LogAll(handler);

        await server.WaitForRequestsAsync(13);
        Assert.False(handler.Flush(TimeSpan.FromMilliseconds(100))); // held as in an outage, not dropped
        await handler.DisposeAsync();

        // Halves down to the first event (10 requests), its neighbour, then the pair after: ⌈log₂ 1000⌉ + 3.
        Assert.Equal([1000, 500, 250, 125, 62, 31, 15, 7, 3, 1, 2, 1, 1], server.Requests.Select(r => Numbers(r).Count()));
        Assert.Equal((0L, 1000L), (handler.Statistics.Sent, handler.Statistics.Dropped)); // 3 refused alone, 997 at the disposal
        // Not a "Sending … failed" per request: the round's line, and for a 413 the batch's first split (too large as a whole).
        var lines = Lines(selfLog, reason).ToList();
        var line = lines[^1];
        Assert.Equal(status == 413 ? 2 : 1, lines.Count);
        if (status == 413)
        {
            Assert.Contains("Sending 1000 events failed", lines[0], StringComparison.Ordinal);
        }

        Assert.Contains($"3 events refused by the receiver ({outcome}) and dropped, the first for: HTTP {status}", line, StringComparison.Ordinal);
        Assert.Contains("the other 997 events are kept and sent again after the backoff", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer400ToEverythingThenTaken_HeldEventsDeliveredOnceInOrder()
    {
        // The receiver is fixed (the proxy, the collector's version) while the events are held: they are delivered.
        var reason = "refused " + Guid.NewGuid().ToString("N");
        await using var server = await LoopbackServer.StartAsync();
        var taken = new List<int>();
        var answered = 0;
        var takeFromNowOn = RefuseWhen(_ => false, reason, taken);
        server.Respond = request => Interlocked.Increment(ref answered) <= 13 ? Task.FromResult(Results.Text(reason, statusCode: 400)) : takeFromNowOn(request);
        var selfLog = new List<string>();
        await using var handler = Handler(server, selfLog);
        LogAll(handler);

        Assert.True(handler.Flush(Safety));

        Assert.Equal(14, server.Requests.Count);
        Assert.Equal(Enumerable.Range(3, Events - 3), taken);
        Assert.Equal((997L, 3L, 1L), (handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Retried));
        Assert.Single(Lines(selfLog, reason));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(999)]
    public async Task Answer400ToOnePoisonEvent_ItAloneDroppedTheOthersDeliveredOnceInOrder(int poison)
    {
        var (taken, statistics, lines, requests) = await DeliverWithPoisonAsync(n => n == poison);

        Assert.Equal(Enumerable.Range(0, Events).Where(n => n != poison), taken);
        Assert.Equal((999L, 1L), (statistics.Sent, statistics.Dropped));
        var line = Assert.Single(lines);
        Assert.Contains("1 event refused by the receiver (Rejected) and dropped: HTTP 400", line, StringComparison.Ordinal);
        Assert.Contains("999 of the batch's 1000 were delivered", line, StringComparison.Ordinal);
        Assert.InRange(requests, 11, 21); // a path of halves down to the event, and a sibling at each level: 2⌈log₂ 1000⌉ + 1 at most
    }

    [Fact]
    public async Task Answer400ToEvery100thEvent_AllTheOthersDeliveredOnceInOrder()
    {
        var (taken, statistics, lines, _) = await DeliverWithPoisonAsync(n => n % 100 == 0);

        Assert.Equal(Enumerable.Range(0, Events).Where(n => n % 100 != 0), taken);
        Assert.Equal((990L, 10L), (statistics.Sent, statistics.Dropped));
        Assert.Contains("10 events refused by the receiver (Rejected) and dropped, the first for: HTTP 400", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer400ToARunOfPoisonAtTheStart_RestHeldNotDroppedThenTheNextPoisonFoundAlone()
    {
        // Three poison events first look like a receiver that refuses everything: the rest is held, not dropped, and the
        // next round finds the fourth alone; a good event is never dropped behind a poison one.
        var (taken, statistics, lines, _) = await DeliverWithPoisonAsync(n => n is 0 or 1 or 2 or 600);

        Assert.Equal(Enumerable.Range(3, Events - 3).Where(n => n != 600), taken);
        Assert.Equal((996L, 4L, 1L), (statistics.Sent, statistics.Dropped, statistics.Retried));
        Assert.Equal(2, lines.Count); // one per round
        Assert.Contains("the other 997 events are kept", lines[0], StringComparison.Ordinal);
        Assert.Contains("1 event refused by the receiver (Rejected) and dropped", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer400ToALongRunOfPoisonAtTheStart_EachHeldRoundFindsTwiceAsManySoTheGoodOnesWaitFewBackoffs()
    {
        // 30 poison events first: each round dropped 3 and held the rest for a backoff, 10 rounds (with the default delays,
        // about 6 minutes; 300 poison events, about 2 hours) before the first good event was taken. Now 3, 6, 12 held, the
        // fourth round finds the last 9 and takes the rest.
        var (taken, statistics, lines, _) = await DeliverWithPoisonAsync(n => n < 30);

        Assert.Equal(Enumerable.Range(30, Events - 30), taken);
        Assert.Equal((970L, 30L, 3L), (statistics.Sent, statistics.Dropped, statistics.Retried));
        Assert.Equal(4, lines.Count); // one per round
        Assert.Contains("9 events refused by the receiver (Rejected) and dropped", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer400ToEverythingOneEventABatch_ThreeBatchesRefusedThenTheNextWaitsTheBackoff()
    {
        // A batch of one event never reached the hold (3 refused alone in one round): a receiver that refuses everything
        // cost a request and a self-log line per event, every interval, for as long as the app ran. Lone refusals now
        // add up across batches until the receiver takes one, and after 3 the next batch waits the backoff.
        var reason = "refused " + Guid.NewGuid().ToString("N");
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.Text(reason, statusCode: 400));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var selfLog = new List<string>();
        var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BatchSize = 1;
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // the backoff outlasts the test
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            o.SelfLog = line =>
            {
                lock (selfLog)
                {
                    selfLog.Add(line);
                }

                if (line.Contains("the next batch waits the backoff", StringComparison.Ordinal))
                {
                    waiting.TrySetResult();
                }
            };
        }));
        var logger = handler.CreateLogger("Payroll");

        // One event an interval: each is sent alone and refused.
        for (var i = 0; i < 3; i++)
        {
            logger.LogInformation("event {N}", i);
            await server.WaitForRequestsAsync(i + 1);
        }

        await waiting.Task.WaitAsync(Safety);
        for (var i = 3; i < 10; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.False(handler.Flush(TimeSpan.FromMilliseconds(100))); // waiting, as in an outage
        await handler.DisposeAsync();

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal((0L, 10L), (handler.Statistics.Sent, handler.Statistics.Dropped)); // 3 refused alone, 7 at the disposal
        var lines = Lines(selfLog, reason);
        Assert.Equal(3, lines.Count); // one per round, none per request
        Assert.All(lines, line => Assert.Contains("1 event refused by the receiver (Rejected) and dropped: HTTP 400", line, StringComparison.Ordinal));
        Assert.Contains("The receiver took none of the last 3 events sent alone", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("waits the backoff", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer400ToEverythingOneEventABatchThenTaken_TheStreakEndsAndAPoisonEventDoesNotWait()
    {
        // The streak counts lone refusals since the receiver last took an event: taken once, it starts again, so one poison
        // event between good ones never makes a batch wait.
        var reason = "refused " + Guid.NewGuid().ToString("N");
        await using var server = await LoopbackServer.StartAsync();
        var taken = new List<int>();
        server.Respond = RefuseWhen(n => n % 2 == 0, reason, taken);
        var selfLog = new List<string>();
        await using var handler = Handler(server, selfLog, o =>
        {
            o.BatchSize = 1;
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // a wait would outlast the flush
        });
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < 20; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(Safety));

        Assert.Equal(Enumerable.Range(0, 10).Select(n => (2 * n) + 1), taken.Order());
        Assert.Equal((10L, 10L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        Assert.DoesNotContain(Lines(selfLog, reason), line => line.Contains("waits the backoff", StringComparison.Ordinal));
    }
}
