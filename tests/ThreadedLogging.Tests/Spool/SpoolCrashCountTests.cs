using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// What a handler stopped in the middle of a spooled delivery leaves for the next one on the same
/// <see cref="ThreadedHandlerOptions.BufferDirectory"/>: events it settled are not counted again, against a real Kestrel on loopback.
/// </summary>
public sealed class SpoolCrashCountTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private const string BookmarkLine = "Ignored the spool's bookmark";

    private static ThreadedHttpHandler Handler(LoopbackServer server, string directory, Action<ThreadedHttpHandlerOptions>? configure = null) =>
        new(Http.ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory;
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        }));

    [Theory]
    [InlineData(400, 3, "the next batch waits the backoff")]
    public async Task SpooledRecordAllDropped_StoppedDuringTheBackoffAfterIt_NextHandlerDoesNotCountThemAgain(int status, int events, string said)
    {
        // Every event of the record dropped (400: each refused alone, 3 of them), then the backoff (an hour) before the record
        // was acknowledged: the disposal's deadline ended that wait, the record stayed on disk, and the next handler adopted
        // it and counted its events dropped a second time. Now the record is acknowledged before the wait. (A 401 no longer
        // drops a spooled record: it is held, SpoolRefusalHoldTests.)
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.Text("refused", statusCode: status));
        using var directory = new TempDirectory();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Handler(server, directory.Path, o =>
        {
            o.BatchSize = events;
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // the backoff outlasts the test
            o.SelfLog = line =>
            {
                if (line.Contains(said, StringComparison.Ordinal))
                {
                    waiting.TrySetResult();
                }
            };
        });
        LogNumbered(first, 0, events);
        await waiting.Task.WaitAsync(Safety); // every event dropped: the backoff begins
        await first.DisposeAsync(); // its deadline ends the wait
        var requests = server.Requests.Count;
        Assert.Equal((0L, (long)events, 0L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));

        await using var second = Handler(server, directory.Path);
        Assert.True(second.Flush(Safety));

        Assert.Equal((0L, 0L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(requests, server.Requests.Count); // nothing sent again
    }

    [Fact]
    public async Task SpoolStoppedAfterTwoOfFiveBatchesDelivered_NextHandlerSendsAndCountsOnlyTheOtherThree()
    {
        // The bookmark says where the delivery stood: without it the next handler read the segment from its start,
        // sent the 20 delivered events again (the receiver got them twice) and counted them adopted and sent again.
        await using var receiver = await Receiver.StartAsync();
        using var directory = new TempDirectory();
        var first = await StopAfterTwoOfFiveAsync(receiver, directory.Path);
        Assert.Equal((20L, 0L, 30L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));

        var selfLog = new List<string>();
        await using var second = Handler(receiver.Server, directory.Path, o => o.SelfLog = Collect(selfLog));
        Assert.True(second.Flush(Safety));

        Assert.Equal((30L, 30L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(Enumerable.Range(0, 50), receiver.Taken); // each once, in order
        Assert.DoesNotContain(selfLog, line => line.Contains(BookmarkLine, StringComparison.Ordinal));
        await second.DisposeAsync();
        Assert.False(Directory.Exists(Path.Combine(directory.Path, first.Identity.InstanceId))); // gone once delivered, its bookmark too
    }

    [Fact]
    public async Task SpooledRecordHeldForContentRefusals_StoppedDuringTheBackoff_NextHandlerSendsOnlyTheHeldEvents()
    {
        // The round dropped the record's first 3 events, each refused alone, and held the other 7 for the backoff (an hour):
        // the next handler read the whole record again, had the 3 refused again and counted them dropped a second time.
        await using var receiver = await Receiver.StartAsync(refuse: n => n < 3);
        using var directory = new TempDirectory();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Handler(receiver.Server, directory.Path, o =>
        {
            o.BatchSize = 10;
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // the backoff outlasts the test
            o.SelfLog = line =>
            {
                if (line.Contains("are kept and sent again after the backoff", StringComparison.Ordinal))
                {
                    held.TrySetResult();
                }
            };
        });
        LogNumbered(first, 0, 10);
        await held.Task.WaitAsync(Safety);
        await first.DisposeAsync(); // its deadline ends the wait
        Assert.Equal((0L, 3L, 7L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));
        var refusals = receiver.Server.Requests.Count;

        await using var second = Handler(receiver.Server, directory.Path);
        Assert.True(second.Flush(Safety));

        Assert.Equal((7L, 7L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(Enumerable.Range(3, 7), receiver.Taken);
        Assert.Equal(refusals + 1, receiver.Server.Requests.Count); // the 7 in one request, none of the 3 refused again
    }

    [Fact]
    public async Task SpooledRecordSplitFor413_AHalfRefused401_HeldWholeAndSentOnceByTheNextHandlerWhenTheKeyIsFixed()
    {
        // The receiver finds the batch of 10 too large (413) and refuses the first half's key (401, Retry-After 30 min): the
        // half is held on disk through the backoff, not dropped (it was, and the next handler, the key fixed, could not
        // send it); a stop during the wait leaves the whole record for the next handler, which sends it once.
        var retryAfter = TimeSpan.FromMinutes(30);
        var accepting = false;
        var taken = new List<int>();
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request => Task.FromResult(Numbers(request) switch
        {
            { Count: > 5 } => Results.Text("too large", statusCode: 413),
            var numbers when Volatile.Read(ref accepting) => Take(taken, numbers),
            _ => Unauthorized(retryAfter),
        });
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var first = Handler(server, directory.Path, o =>
        {
            o.BatchSize = 10;
            o.TimeProvider = time; // Interval 1 h: the backoff's wait is one timer of Retry-After
        });
        var backoff = time.Armed(retryAfter);
        LogNumbered(first, 0, 10);
        await backoff.WaitAsync(Safety); // the first half refused: the delivery waits the backoff, holding it

        Assert.Equal((0L, 0L, 10L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));
        await first.DisposeAsync(); // its deadline ends the wait

        Volatile.Write(ref accepting, true); // the key fixed
        await using var second = Handler(server, directory.Path);
        Assert.True(second.Flush(Safety));

        Assert.Equal((10L, 10L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(Enumerable.Range(0, 10), Taken(taken));
    }

    [Fact]
    public async Task SpooledRecordSplitFor413_StoppedWhileItsSecondHalfIsSent_NextHandlerSendsAndCountsOnlyThatHalf()
    {
        // The receiver finds the batch of 10 too large (413), takes the first half and does not answer the second before
        // the disposal's deadline cancels it: the first half was counted sent, but the record stayed on disk whole, and the
        // next handler sent the first half again (stored once by a collector) and counted it adopted and sent again.
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var taken = new List<int>();
        var halves = 0;
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = async request =>
        {
            var numbers = Numbers(request);
            if (numbers.Count > 5)
            {
                return Results.Text("too large", statusCode: 413);
            }

            if (Interlocked.Increment(ref halves) == 2)
            {
                hanging.TrySetResult();
                await release.Task.WaitAsync(Safety);
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            return Take(taken, numbers);
        };
        using var directory = new TempDirectory();
        var first = Handler(server, directory.Path, o => o.BatchSize = 10);
        LogNumbered(first, 0, 10);
        await hanging.Task.WaitAsync(Safety);
        await first.DisposeAsync(); // its deadline cancels the second half's send
        release.TrySetResult();
        Assert.Equal((5L, 0L, 5L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));

        await using var second = Handler(server, directory.Path);
        Assert.True(second.Flush(Safety));

        Assert.Equal((5L, 5L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(Enumerable.Range(0, 10), Taken(taken)); // each once, in order
    }

    [Fact]
    public async Task SpooledRecordPartlyTakenOneEventARequest_StoppedDuringTheRetryWait_NextHandlerSendsAndCountsOnlyTheRest()
    {
        // PythonForm sends a request per event: the receiver takes the first of 3 and answers the second 503 (Retry-After
        // 30 min). The first was counted sent, but the record stayed on disk whole through the wait, and the next handler
        // sent the first again and counted it adopted and sent again.
        var retryAfter = TimeSpan.FromMinutes(30);
        var accepting = false;
        var taken = new List<string>();
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = request =>
        {
            var message = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.BodyText)["msg"].ToString();
            lock (taken)
            {
                if (taken.Count > 0 && !Volatile.Read(ref accepting))
                {
                    return Task.FromResult<IResult>(new RetryAfterResult(Results.StatusCode(503), retryAfter));
                }

                taken.Add(message);
                return Task.FromResult(Results.Ok());
            }
        };
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var first = Handler(server, directory.Path, o =>
        {
            o.Format = HttpLogFormat.PythonForm;
            o.Method = "POST";
            o.BatchSize = 3;
            o.TimeProvider = time;
        });
        var retryWait = time.Armed(retryAfter);
        LogNumbered(first, 0, 3);
        await retryWait.WaitAsync(Safety); // the first taken, the others wait to be retried

        Assert.True(SpoolBookmark.TryRead(Path.Combine(directory.Path, first.Identity.InstanceId), SpoolSegmentName.Version, out var mark, out _));
        Assert.Equal((1, 1), (mark.Settled, mark.SettledCounted));
        await first.DisposeAsync(); // its deadline ends the wait
        Assert.Equal((1L, 0L, 2L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));

        Volatile.Write(ref accepting, true);
        await using var second = Handler(server, directory.Path, o => (o.Format, o.Method) = (HttpLogFormat.PythonForm, "POST"));
        Assert.True(second.Flush(Safety));

        Assert.Equal((2L, 2L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        lock (taken)
        {
            Assert.Equal(["event 0", "event 1", "event 2"], taken); // each once, in order
        }
    }

    [Fact]
    public async Task SpoolStoppedAfterTwoOfFive_AClientOfBeforeTheFormatMarkStartedInBetween_NextHandlerSendsOnlyTheOtherThree()
    {
        // An app rolled back to a build of 2026-12-04 or 12-05 and upgraded again. That build lists *.seg, finds none in a
        // directory of .seg.v2 segments, takes it for empty and deletes its bookmark and lock file: before, the bookmark
        // was the file "bookmark", so the upgraded client read the segment from its start, sent the 20 delivered events
        // again (a receiver that does not dedupe by batch id stores them twice) and counted them adopted and sent again.
        await using var receiver = await Receiver.StartAsync();
        using var directory = new TempDirectory();
        var first = await StopAfterTwoOfFiveAsync(receiver, directory.Path);
        var spool = Path.Combine(directory.Path, first.Identity.InstanceId);
        var segment = Assert.Single(Directory.GetFiles(spool, "*.seg*"));

        StartAsAClientOfBeforeTheFormatMark(directory.Path);
        Assert.True(File.Exists(segment)); // it left the segment, as it cannot see it

        var selfLog = new List<string>();
        await using var second = Handler(receiver.Server, directory.Path, o => o.SelfLog = Collect(selfLog));
        Assert.True(second.Flush(Safety));

        Assert.Equal((30L, 30L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(Enumerable.Range(0, 50), receiver.Taken); // each once, in order
        Assert.DoesNotContain(selfLog, line => line.Contains(BookmarkLine, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("corrupt", "checksum wrong")]
    [InlineData("past the end", "is not where one of its 5 records starts")]
    public async Task SpoolBookmarkUnusable_EverythingSentAgainFromTheStartAndSaidOnce(string fault, string said)
    {
        await using var receiver = await Receiver.StartAsync();
        using var directory = new TempDirectory();
        await StopAfterTwoOfFiveAsync(receiver, directory.Path);
        var bookmark = Directory.EnumerateFiles(directory.Path, SpoolBookmark.FileNameOf(SpoolSegmentName.Version), SearchOption.AllDirectories).Single();
        var segment = Directory.EnumerateFiles(directory.Path, "*.seg*", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(bookmark);
        if (fault == "corrupt")
        {
            bytes[5] ^= 0x40; // a bit of the offset flipped
        }
        else
        {
            SpoolBookmark.Encode(bytes, new SpoolBookmark.Mark(Path.GetFileName(segment), new FileInfo(segment).Length + 100, 0, 0));
        }

        await File.WriteAllBytesAsync(bookmark, bytes);

        var selfLog = new List<string>();
        await using var second = Handler(receiver.Server, directory.Path, o => o.SelfLog = Collect(selfLog));
        Assert.True(second.Flush(Safety));

        Assert.Equal((50L, 50L), (second.Statistics.Adopted, second.Statistics.Sent)); // replayed whole: nothing lost
        Assert.Equal([.. Enumerable.Range(0, 20), .. Enumerable.Range(0, 50)], receiver.Taken);
        var line = Assert.Single(selfLog, line => line.Contains(BookmarkLine, StringComparison.Ordinal));
        Assert.Contains(said, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpoolBookmarkOfADeletedSegment_IgnoredWithoutALine()
    {
        // Normal after a segment was delivered and deleted: the bookmark names it still, and the segments left are all undelivered.
        await using var receiver = await Receiver.StartAsync();
        using var directory = new TempDirectory();
        await StopAfterTwoOfFiveAsync(receiver, directory.Path);
        var segment = Directory.EnumerateFiles(directory.Path, "*.seg*", SearchOption.AllDirectories).Single();
        File.Move(segment, Path.Combine(Path.GetDirectoryName(segment)!, "0000000001.seg.v2")); // the bookmark's 0000000000.seg.v2 is gone

        var selfLog = new List<string>();
        await using var second = Handler(receiver.Server, directory.Path, o => o.SelfLog = Collect(selfLog));
        Assert.True(second.Flush(Safety));

        Assert.Equal((50L, 50L), (second.Statistics.Adopted, second.Statistics.Sent));
        Assert.DoesNotContain(selfLog, line => line.Contains(BookmarkLine, StringComparison.Ordinal));
    }

    [Fact]
    public void SpoolBookmark_WrittenThenRead_SameMarkAndATornOneRefused()
    {
        using var directory = new TempDirectory();
        using (var bookmark = new SpoolBookmark(directory.Path, 1))
        {
            bookmark.Write("0000000003.seg", 123_456, 7, 5);
            bookmark.Write("0000000004.seg", 42, 0, 0); // overwritten in place
        }

        var file = Path.Combine(directory.Path, "bookmark"); // beside .seg segments, as the earlier clients named it
        Assert.True(SpoolBookmark.TryRead(directory.Path, 1, out var mark, out _));
        Assert.Equal(new SpoolBookmark.Mark("0000000004.seg", 42, 0, 0), mark);
        Assert.Equal(SpoolBookmark.Size, new FileInfo(file).Length);

        File.WriteAllBytes(file, File.ReadAllBytes(file)[..40]);
        Assert.False(SpoolBookmark.TryRead(directory.Path, 1, out _, out var unusable));
        Assert.Equal($"40 bytes, not {SpoolBookmark.Size}", unusable);
    }

    /// <summary>
    /// Logs 50 events in batches of 10 into a spooling handler; the receiver takes the first 2 batches and never answers the
    /// third, and the handler is disposed then (its deadline cancels that send): 20 sent, 30 left in the spool.
    /// </summary>
    private static async Task<ThreadedHttpHandler> StopAfterTwoOfFiveAsync(Receiver receiver, string directory)
    {
        var handler = Handler(receiver.Server, directory, o => o.BatchSize = 10);
        receiver.HoldFirst = new(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hang = 3;
        LogNumbered(handler, 0, 50);
        receiver.HoldFirst.TrySetResult(); // every batch is full and queued: moved to disk when the first is answered
        await receiver.Hanging.Task.WaitAsync(Safety);
        await handler.DisposeAsync();
        receiver.Release.TrySetResult();
        return handler;
    }

    /// <summary>
    /// What the start of a client of 2026-12-04 or 12-05 (bookmarks, no format mark: 746b2c0 to 50879d9) does to each dead
    /// process's directory under <paramref name="root"/>, as its <c>DurableSpool.TryAdopt</c> did: takes the lock file,
    /// lists <c>*.seg</c> (a .seg.v2 segment is not one), and a directory without any loses its lock and bookmark (by
    /// those names) and goes if it is then empty.
    /// </summary>
    private static void StartAsAClientOfBeforeTheFormatMark(string root)
    {
        foreach (var directory in Directory.GetDirectories(root))
        {
            new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None).Dispose();
            if (Directory.GetFiles(directory, "*.seg").Length == 0)
            {
                File.Delete(Path.Combine(directory, "bookmark"));
                File.Delete(Path.Combine(directory, "lock"));
                if (!Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    Directory.Delete(directory);
                }
            }
        }
    }

    /// <summary>The numbers (property N) of the events of a JsonBatch request.</summary>
    private static List<int> Numbers(RecordedRequest request) =>
        [.. JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("properties").GetProperty("N").GetInt32())];

    private static IResult Take(List<int> taken, List<int> numbers)
    {
        lock (taken)
        {
            taken.AddRange(numbers);
        }

        return Results.Ok();
    }

    private static List<int> Taken(List<int> taken)
    {
        lock (taken)
        {
            return [.. taken];
        }
    }

    /// <summary>A 401 that asks for a retry after <paramref name="retryAfter"/>: the client's backoff waits exactly that.</summary>
    private static IResult Unauthorized(TimeSpan retryAfter) => new RetryAfterResult(Results.Text("invalid API key", statusCode: 401), retryAfter);

    private static void LogNumbered(ThreadedHandler handler, int from, int count)
    {
        var logger = handler.CreateLogger("Payroll");
        for (var i = from; i < from + count; i++)
        {
            logger.LogInformation("event {N}", i);
        }
    }

    private static Action<string> Collect(List<string> selfLog) => line =>
    {
        lock (selfLog)
        {
            selfLog.Add(line);
        }
    };

    /// <summary>An answer with a <c>Retry-After</c> header of whole seconds.</summary>
    private sealed class RetryAfterResult(IResult answer, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((long)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return answer.ExecuteAsync(httpContext);
        }
    }

    /// <summary>
    /// A real Kestrel receiver of JsonBatch requests that records the numbers it took (answered 200), refuses those
    /// <c>refuse</c> says (400), can hold its first answer until <see cref="HoldFirst"/> completes, and never answers
    /// request number <see cref="Hang"/> (1-based) until <see cref="Release"/>.
    /// </summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly List<int> _taken = [];
        private int _requests;

        private Receiver(LoopbackServer server) => Server = server;

        public LoopbackServer Server { get; }

        public TaskCompletionSource? HoldFirst { get; set; }

        public int Hang { get; set; }

        public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Taken
        {
            get
            {
                lock (_taken)
                {
                    return [.. _taken];
                }
            }
        }

        public static async Task<Receiver> StartAsync(Func<int, bool>? refuse = null)
        {
            var receiver = new Receiver(await LoopbackServer.StartAsync());
            receiver.Server.Respond = async request =>
            {
                var number = Interlocked.Increment(ref receiver._requests);
                if (number == 1 && receiver.HoldFirst is { } hold)
                {
                    await hold.Task.WaitAsync(Safety);
                }

                if (number == receiver.Hang)
                {
                    receiver.Hanging.TrySetResult();
                    await receiver.Release.Task.WaitAsync(Safety);
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                var numbers = JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray()
                    .Select(e => e.GetProperty("properties").GetProperty("N").GetInt32()).ToList();
                if (refuse is not null && numbers.Any(refuse))
                {
                    return Results.Text("refused", statusCode: 400);
                }

                lock (receiver._taken)
                {
                    receiver._taken.AddRange(numbers);
                }

                return Results.Ok();
            };
            return receiver;
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
