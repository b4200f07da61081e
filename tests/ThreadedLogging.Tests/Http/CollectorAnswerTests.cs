using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// What the HTTP handler does with each answer a collector or a proxy gives (README, "What each answer does"), against a
/// real Kestrel on loopback: 4 events in one batch, the answer given to the first request or to every one.
/// </summary>
public sealed class CollectorAnswerTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    private static async Task<(ThreadedHandlerStatistics Statistics, List<string> SelfLog)> SendFourAsync(LoopbackServer server)
    {
        var selfLog = new List<string>();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.SelfLog = line =>
        {
            lock (selfLog)
            {
                selfLog.Add(line);
            }
        }));
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < 4; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(Safety));
        lock (selfLog)
        {
            return (handler.Statistics, [.. selfLog]);
        }
    }

    private static int EventsIn(RecordedRequest request) => request.Method == "POST" && request.Body.Length > 0
        ? JsonDocument.Parse(request.Body).RootElement.GetProperty("events").GetArrayLength()
        : 0;

    [Theory]
    [InlineData(404)]
    [InlineData(405)]
    [InlineData(410)]
    public async Task Answer_NoEventCausesIt_BatchDroppedWholeInOneRequestAndSaidWithTheReason(int status)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.Text("no such log path here", statusCode: status));

        var (statistics, selfLog) = await SendFourAsync(server);

        Assert.Single(server.Requests); // not split: halves would get the same answer (7 requests for 4 events)
        Assert.Equal((0L, 4L), (statistics.Sent, statistics.Dropped));
        Assert.Contains(selfLog, line => line.Contains($"HTTP {status}", StringComparison.Ordinal) && line.Contains("no such log path here", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(401, "Unauthorized", "before it took a batch again")]
    [InlineData(403, "Unauthorized", "until the handler's disposal")]
    [InlineData(404, "Refused", "before it took a batch again")]
    [InlineData(302, "Refused", "until the handler's disposal")]
    public async Task Answer_RefusedBatchAfterBatch_SaidOnceThenTheTotalOnceWhenItEnds(int status, string outcome, string end)
    {
        // A wrong key wrote two self-log lines per dropped batch (the failed send, the drop), for as long as the app ran.
        using var listener = new Diagnostics.EventSourceTests.Listener();
        var reason = "refused " + Guid.NewGuid().ToString("N");
        await using var server = await LoopbackServer.StartAsync();
        var refusing = 1;
        server.Respond = _ => Task.FromResult<IResult>(Volatile.Read(ref refusing) == 1 ? new Answer(status, reason) : Results.Ok());
        var selfLog = new List<string>();
        var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BatchSize = 2;
            o.SelfLog = line =>
            {
                lock (selfLog)
                {
                    selfLog.Add(line);
                }
            };
        }));
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(Safety));
        Assert.Equal(5, server.Requests.Count); // five batches of two, each refused
        if (end.StartsWith("before", StringComparison.Ordinal))
        {
            Volatile.Write(ref refusing, 0);
            logger.LogInformation("event {N}", 10);
            Assert.True(handler.Flush(Safety));
        }

        await handler.DisposeAsync();

        Assert.Equal(end.StartsWith("before", StringComparison.Ordinal) ? 1L : 0L, handler.Statistics.Sent);
        Assert.Equal(10L, handler.Statistics.Dropped);
        List<string> lines;
        lock (selfLog)
        {
            lines = [.. selfLog.Where(line => line.Contains(reason, StringComparison.Ordinal)).Select(line => line[(line.IndexOf("ThreadedLogging: ", StringComparison.Ordinal) + "ThreadedLogging: ".Length)..])];
        }

        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"2 events refused by the receiver ({outcome}) and dropped: HTTP {status}", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"The receiver refused 10 events in all ({outcome}: HTTP {status}", lines[1], StringComparison.Ordinal);
        Assert.EndsWith($"{end}; they were dropped.", lines[1], StringComparison.Ordinal);

        // The EventSource still reports each batch.
        var rejected = listener.Events.Where(e => e.EventId == ThreadedLoggingEventSource.EventsRejectedId && ((string)e.Payload![1]!).Contains(reason, StringComparison.Ordinal)).ToList();
        Assert.Equal([2, 2, 2, 2, 2], rejected.Select(e => (int)e.Payload![0]!));
    }

    [Fact]
    public async Task Answer400WithAReason_PoisonEventDroppedAloneAndTheReasonSaid()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request => Task.FromResult(request.BodyText.Contains("event 2", StringComparison.Ordinal)
            ? Results.Json(new { error = "'timestamp' is not a date (was 'x')" }, statusCode: 400)
            : Results.Ok());

        var (statistics, selfLog) = await SendFourAsync(server);

        Assert.Equal((3L, 1L), (statistics.Sent, statistics.Dropped));
        Assert.Contains(selfLog, line => line.Contains("HTTP 400", StringComparison.Ordinal) && line.Contains("'timestamp' is not a date (was 'x')", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Answer_Redirect_NotFollowedBatchDroppedAndTheTargetSaid(int status)
    {
        // HttpClient followed 301/302/303 as a GET without the body: the target's 200 counted the events sent, and they were gone.
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request => Task.FromResult<IResult>(request.Path.StartsWith("/moved", StringComparison.Ordinal) ? Results.Ok() : new RedirectTo(status, "/moved/alice"));

        var (statistics, selfLog) = await SendFourAsync(server);

        Assert.Equal((0L, 4L), (statistics.Sent, statistics.Dropped));
        Assert.Single(server.Requests);
        Assert.Contains(selfLog, line => line.Contains($"HTTP {status}", StringComparison.Ordinal) && line.Contains("/moved/alice", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Answer_Transient_RetriedUntilTakenEachEventOnce(int status)
    {
        await using var server = await LoopbackServer.StartAsync();
        var answered = 0;
        server.Respond = _ => Task.FromResult(Interlocked.Increment(ref answered) <= 2 ? Results.StatusCode(status) : Results.Ok());

        var (statistics, _) = await SendFourAsync(server);

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, request => Assert.Equal(4, EventsIn(request)));
        Assert.Equal((4L, 0L, 2L), (statistics.Sent, statistics.Dropped, statistics.Retried));
    }

    [Fact]
    public async Task Answer500ToOneEventForever_ThatEventDroppedAloneAndTheOthersDeliveredInOrder()
    {
        // A collector bug on one event: retried as it is, it held back every event logged after it until the disposal.
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request => Task.FromResult(request.BodyText.Contains("poison", StringComparison.Ordinal)
            ? Results.Json(new { error = "NullReferenceException in the store" }, statusCode: 500)
            : Results.Ok());
        var selfLog = new List<string>();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.SelfLog = line =>
        {
            lock (selfLog)
            {
                selfLog.Add(line);
            }
        }));
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < 20; i++)
        {
            logger.LogInformation("event {N} {Kind}", i, i == 7 ? "poison" : "fine");
        }

        Assert.True(handler.Flush(Safety));

        var delivered = server.Requests.Where(r => !r.BodyText.Contains("poison", StringComparison.Ordinal)).SelectMany(Numbers);
        Assert.Equal(Enumerable.Range(0, 20).Where(n => n != 7), delivered);
        Assert.Equal((19L, 1L), (handler.Statistics.Sent, handler.Statistics.Dropped));

        // 5 answers to the batch of 20, then halves split at once down to the event (10, 5, 5, 2, 3), which gets its 5
        // answers alone, then the rest (2, 10): bounded by the attempts and the depth of the split, not by time.
        Assert.Equal([20, 20, 20, 20, 20, 10, 5, 5, 2, 3, 1, 1, 1, 1, 1, 2, 10], server.Requests.Select(EventsIn));
        lock (selfLog)
        {
            var dropped = Assert.Single(selfLog, line => line.Contains("dropped", StringComparison.Ordinal));
            Assert.Contains("HTTP 500", dropped, StringComparison.Ordinal);
            Assert.Contains("NullReferenceException in the store", dropped, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answer500ToOneEventForever_FromMemoryOrTheSpool_SplitAfterTheSameNumberOfAnswers(bool spool)
    {
        // From the spool the stored envelope's 500 came first, then the events' own 5: split after 6 answers, not 5.
        using var directory = new ThreadedLogging.Testing.TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request => Task.FromResult(request.BodyText.Contains("poison", StringComparison.Ordinal)
            ? Results.Json(new { error = "NullReferenceException in the store" }, statusCode: 500)
            : Results.Ok());
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.BufferDirectory = spool ? directory.Path : null));
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < 20; i++)
        {
            logger.LogInformation("event {N} {Kind}", i, i == 7 ? "poison" : "fine");
        }

        Assert.True(handler.Flush(Safety));

        Assert.Equal((19L, 1L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        var poisoned = server.Requests.Where(r => r.BodyText.Contains("poison", StringComparison.Ordinal)).Select(EventsIn).ToList();
        Assert.Equal(BatchDelivery.ServerFaultsBeforeIsolating, poisoned.TakeWhile(n => n == poisoned[0]).Count()); // then split
        Assert.Equal(BatchDelivery.ServerFaultsBeforeIsolating, poisoned.Count(n => n == 1)); // and as many alone before its drop
    }

    [Fact]
    public async Task Answer500FourTimesThenStored_RetriedWholeNothingDropped()
    {
        await using var server = await LoopbackServer.StartAsync();
        var answered = 0;
        server.Respond = _ => Task.FromResult(Interlocked.Increment(ref answered) <= 4 ? Results.StatusCode(500) : Results.Ok());

        var (statistics, _) = await SendFourAsync(server);

        Assert.Equal([4, 4, 4, 4, 4], server.Requests.Select(EventsIn));
        Assert.Equal((4L, 0L, 4L), (statistics.Sent, statistics.Dropped, statistics.Retried));
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Answer_OverloadedManyTimes_RetriedWholeNeverSplit(int status)
    {
        // Down or overloaded, not failing on the content: retried as it is until taken, however long.
        await using var server = await LoopbackServer.StartAsync();
        var answered = 0;
        server.Respond = _ => Task.FromResult(Interlocked.Increment(ref answered) <= 8 ? Results.StatusCode(status) : Results.Ok());

        var (statistics, _) = await SendFourAsync(server);

        Assert.Equal(9, server.Requests.Count);
        Assert.All(server.Requests, request => Assert.Equal(4, EventsIn(request)));
        Assert.Equal((4L, 0L), (statistics.Sent, statistics.Dropped));
    }

    private static IEnumerable<int> Numbers(RecordedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("properties").GetProperty("N").GetInt32()).ToList();

    [Fact]
    public async Task Answer413_SplitDownToOneEvent()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request => Task.FromResult(EventsIn(request) > 1 ? Results.StatusCode(413) : Results.Ok());

        var (statistics, _) = await SendFourAsync(server);

        Assert.Equal([4, 2, 1, 1, 2, 1, 1], server.Requests.Select(EventsIn));
        Assert.Equal((4L, 0L), (statistics.Sent, statistics.Dropped));
    }

    [Fact]
    public async Task Answer_ConnectionResetBeforeTheAnswer_RetriedEachEventOnce()
    {
        await using var server = await LoopbackServer.StartAsync();
        var answered = 0;
        server.Respond = _ => Task.FromResult<IResult>(Interlocked.Increment(ref answered) == 1 ? new ResetMidBody() : Results.Ok());

        var (statistics, _) = await SendFourAsync(server);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal((4L, 0L, 1L), (statistics.Sent, statistics.Dropped, statistics.Retried));
    }

    [Theory]
    [InlineData(200, 4L, 0L)]
    [InlineData(503, 4L, 1L)]
    public async Task Answer_BodyNeverEnds_StatusDecidesAndTheSendDoesNotHang(int status, long sent, long retried)
    {
        // Headers sent, then the body stalls: a 200 says the batch is stored (its level rules are best effort, never a
        // resend); a 503's reason is waited for a moment only, then the batch is retried.
        await using var server = await LoopbackServer.StartAsync();
        var answered = 0;
        server.Respond = _ => Task.FromResult<IResult>(Interlocked.Increment(ref answered) == 1 ? new StallAfterHeaders(status) : Results.Ok());

        var (statistics, _) = await SendFourAsync(server);

        Assert.Equal((sent, 0L, retried), (statistics.Sent, statistics.Dropped, statistics.Retried));
    }

    /// <summary>The request's body read, then the connection reset before any answer (a proxy or a collector that died mid-request).</summary>
    private sealed class ResetMidBody : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Abort();
            return Task.CompletedTask;
        }
    }

    /// <summary>The status and headers, then a body that never ends (until the server stops).</summary>
    private sealed class StallAfterHeaders(int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            await httpContext.Response.StartAsync();
            await httpContext.Response.WriteAsync("{");
            await httpContext.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, httpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>A status with a reason in the body (and a Location for a redirect).</summary>
    private sealed class Answer(int status, string reason) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (status is >= 300 and < 400)
            {
                httpContext.Response.Headers.Location = "/moved/alice";
            }

            return httpContext.Response.WriteAsync(reason);
        }
    }

    /// <summary>A redirect with a relative Location, as a proxy or a moved collector answers.</summary>
    private sealed class RedirectTo(int status, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
