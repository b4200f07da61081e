using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// What the self-log says of an outage: a real Kestrel on loopback answers 503 (and once 429) with a Retry-After, so the
/// backoff is exactly that, on a fake clock (<see cref="WatchedTime"/>) advanced once the handler waits on it.
/// </summary>
public sealed class OutageSelfLogTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(50); // each refusal's Retry-After
    private static readonly DateTimeOffset Began = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task JsonBatch_SixteenFailedAttemptsThenTaken_FirstSaidRepeatsSummedUpChangesSaid_OneLineWhenItWorksAgain()
    {
        // The collector stopped for an hour gave a "Sending … failed" line at every retry, and none when it took the events
        // again. Here: 503 at 0, 50 … 600 s (13), 429 at 650 s, 503 at 700 and 750 s, 200 at 800 s.
        var answers = new Queue<int>();
        foreach (var _ in Enumerable.Range(0, 13))
        {
            answers.Enqueue(503);
        }

        answers.Enqueue(429);
        answers.Enqueue(503);
        answers.Enqueue(503);
        var failures = answers.Count;
        var (statistics, requests, said) = await FlushThroughAsync(answers, spooled: false, "one", "two");

        Assert.Equal(2, statistics.Sent);
        Assert.Equal(failures + 1, requests);
        var lines = said.Where(line => line.Contains("Sending", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "Sending 2 events failed: HTTP 503 Service Unavailable; they are kept and sent again after the backoff",
                "Sending still fails: HTTP 503 Service Unavailable (12 more failed attempts since the line at 2026-12-06T10:00:00.0000000+00:00; at most one such line every 10 minutes while the reason stays the same); the events are kept and sent again after the backoff",
                "Sending 2 events failed: HTTP 429 Too Many Requests; they are kept and sent again after the backoff",
                "Sending 2 events failed: HTTP 503 Service Unavailable; they are kept and sent again after the backoff",
                "Sending works again after 16 failed attempts since 2026-12-06T10:00:00.0000000+00:00 (the last: HTTP 503 Service Unavailable); the events kept meanwhile are sent now",
            ],
            lines.Select(line => line[(line.IndexOf("Sending", StringComparison.Ordinal))..]));
    }

    [Fact]
    public async Task JsonBatchFromTheSpool_StoredEnvelopeFailsFirst_CountedInTheLineWhenItWorksAgain()
    {
        // From BufferDirectory the stored envelope is tried first; its failure is not said (its events go the ordinary way
        // next, which says what it meets), and the line that ends the outage left it out: "after 2 failed attempts since
        // 10:00:50" where Statistics.Failed was 3 and the first failed at 10:00:00.
        var answers = new Queue<int>([503, 503, 503]);
        var failures = answers.Count;
        var (statistics, requests, said) = await FlushThroughAsync(answers, spooled: true, "one", "two");

        Assert.Equal((2L, (long)failures), (statistics.Sent, statistics.Failed));
        Assert.Equal(failures + 1, requests);
        var lines = said.Where(line => line.Contains("Sending", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "Sending 2 events failed: HTTP 503 Service Unavailable; they are kept and sent again after the backoff",
                "Sending works again after 3 failed attempts since 2026-12-06T10:00:00.0000000+00:00 (the last: HTTP 503 Service Unavailable); the events kept meanwhile are sent now",
            ],
            lines.Select(line => line[(line.IndexOf("Sending", StringComparison.Ordinal))..]));
    }

    [Fact]
    public async Task JsonBatchFromTheSpool_OnlyTheStoredEnvelopeFails_NothingSaidOfAnOutage()
    {
        // The envelope's failure is not said, and its events taken the ordinary way at once: no outage to say the end of.
        var answers = new Queue<int>([503]);
        var (statistics, requests, said) = await FlushThroughAsync(answers, spooled: true, "one");

        Assert.Equal((1L, 1L, 2), (statistics.Sent, statistics.Failed, requests));
        Assert.DoesNotContain(said, line => line.Contains("Sending", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonBatch_EverySecondSendRefused429_OneLinePerRefusal_NoWorksAgainAfterASingleFailure()
    {
        // A collector answering some sends 429 (Retry-After) gave two lines per refusal: "Sending … failed" and "Sending
        // works again after 1 failed attempt", the second saying nothing the first had not (the events are sent again).
        var sends = 0;
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult<IResult>(Interlocked.Increment(ref sends) % 2 == 1 ? new RetryAfterResult(429, Wait) : Results.Ok());
        var time = new WatchedTime(Began);
        var said = new ConcurrentQueue<string>();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => (o.TimeProvider, o.SelfLog) = (time, said.Enqueue)));
        var logger = handler.CreateLogger("App");
        using var safety = new CancellationTokenSource(Safety);
        for (var batch = 0; batch < 3; batch++)
        {
            logger.LogInformation("batch {Batch}", batch);
            var armed = time.Armed(Wait);
            var flushed = handler.FlushAsync(safety.Token);
            await armed.WaitAsync(safety.Token); // the handler waits out the Retry-After
            time.Advance(Wait);
            Assert.True(await flushed);
        }

        Assert.Equal((3L, 6), (handler.Statistics.Sent, server.Requests.Count));
        var lines = said.Where(line => line.Contains("Sending", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            Enumerable.Repeat("Sending 1 event failed: HTTP 429 Too Many Requests; it is kept and sent again after the backoff", 3),
            lines.Select(line => line[(line.IndexOf("Sending", StringComparison.Ordinal))..]));
    }

    [Fact]
    public async Task JsonBatch_RefusalsWhoseReasonDiffersEachTime_OneLineForTheFirst_NotOnePerAttempt()
    {
        // The collector's 429 says how many requests are in progress ("collector overloaded (37 requests in progress)"), a
        // proxy's 502 page a request id: each answer's reason differed from the last, so each was said as a new reason, a
        // line per attempt for as long as the overload lasted. The status is what failed; the reason read with it is shown.
        var answers = new Queue<int>([429, 429, 429, 429, 429]);
        var failures = answers.Count;
        var (statistics, requests, said) = await FlushThroughAsync(answers, spooled: false, attempt => $"collector overloaded ({attempt + 30} requests in progress); retry after 50 s", "one", "two");

        Assert.Equal(2, statistics.Sent);
        Assert.Equal(failures + 1, requests);
        var lines = said.Where(line => line.Contains("Sending", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "Sending 2 events failed: HTTP 429 Too Many Requests: collector overloaded (30 requests in progress); retry after 50 s; they are kept and sent again after the backoff",
                "Sending works again after 5 failed attempts since 2026-12-06T10:00:00.0000000+00:00 (the last: HTTP 429 Too Many Requests: collector overloaded (34 requests in progress); retry after 50 s); the events kept meanwhile are sent now",
            ],
            lines.Select(line => line[(line.IndexOf("Sending", StringComparison.Ordinal))..]));
    }

    /// <summary>
    /// A real Kestrel answers each send with the next of <paramref name="answers"/> (a Retry-After of <see cref="Wait"/>),
    /// 200 once they ran out; the handler, on a fake clock from <see cref="Began"/> (with a spool when
    /// <paramref name="spooled"/>), logs <paramref name="messages"/> and flushes through every refusal, the clock advanced
    /// once it waits. Returns its statistics after the flush, the requests the server took, and the self-log.
    /// </summary>
    private static Task<(ThreadedHandlerStatistics Statistics, int Requests, ConcurrentQueue<string> Said)> FlushThroughAsync(Queue<int> answers, bool spooled, params string[] messages) =>
        FlushThroughAsync(answers, spooled, reason: null, messages);

    /// <summary>As above, each refusal with a body: the text <paramref name="reason"/> gives for the attempt (0 the first).</summary>
    private static async Task<(ThreadedHandlerStatistics Statistics, int Requests, ConcurrentQueue<string> Said)> FlushThroughAsync(Queue<int> answers, bool spooled, Func<int, string>? reason, params string[] messages)
    {
        var failures = answers.Count;
        var attempt = 0;
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult<IResult>(answers.TryDequeue(out var answer) ? new RetryAfterResult(answer, Wait, reason?.Invoke(attempt++)) : Results.Ok());
        using var spool = new TempDirectory();
        var time = new WatchedTime(Began);
        var said = new ConcurrentQueue<string>();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            (o.TimeProvider, o.SelfLog) = (time, said.Enqueue);
            o.BufferDirectory = spooled ? spool.Path : null;
        }));
        var logger = handler.CreateLogger("App");
        foreach (var message in messages)
        {
            logger.LogInformation(message);
        }

        using var safety = new CancellationTokenSource(Safety);
        var armed = time.Armed(Wait);
        var flushed = handler.FlushAsync(safety.Token);
        for (var i = 0; i < failures; i++)
        {
            await armed.WaitAsync(safety.Token); // the handler waits out the Retry-After
            armed = time.Armed(Wait);
            time.Advance(Wait);
        }

        Assert.True(await flushed);
        return (handler.Statistics, server.Requests.Count, said);
    }

    private sealed class RetryAfterResult(int status, TimeSpan retryAfter, string? reason = null) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return reason is null ? Task.CompletedTask : httpContext.Response.WriteAsync(reason);
        }
    }
}
