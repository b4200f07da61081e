using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The queue keeps events as byte records in segments (issue 14): records wrap around segments, are padded at
/// segment ends, and calls a record cannot hold travel as objects in the same order.
/// </summary>
public sealed class RecordQueueTests
{
    [Fact]
    public void Log_TwoCallersThroughAQueueOfFourSmallSegments_NothingLostEachCallerInOrder()
    {
        // 1 KiB of records in 256-byte segments: thousands of wraps, paddings and recycled segments while both
        // callers log; every fifth call carries text too long for a segment, so it travels as an object.
        const int PerCaller = 20_000;
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            MaxQueueBytes = 1024,
            BatchSize = 16,
            FullMode = QueueFullMode.Wait,
            IncludeScopes = false,
        });
        var logger = handler.CreateLogger("Wrap");
        var longText = new string('x', 300);
        var callers = Enumerable.Range(0, 2).Select(caller => new Thread(() =>
        {
            for (var n = 0; n < PerCaller; n++)
            {
                logger.LogInformation("Caller {Caller} event {N} {Text}", caller, n, n % 5 == 0 ? longText : "short");
            }
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));

        var delivered = sink.Delivered;
        for (var caller = 0; caller < 2; caller++)
        {
            var mine = delivered.Where(e => Convert.ToInt32(e.Properties[0].Value) == caller).ToList();
            Assert.Equal(Enumerable.Range(0, PerCaller), mine.Select(e => Convert.ToInt32(e.Properties[1].Value)));
            Assert.All(mine, e => Assert.Equal(Convert.ToInt32(e.Properties[1].Value) % 5 == 0 ? longText : "short", e.Properties[2].Value));
        }

        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public void Log_ValuesARecordCannotHold_ArriveAsLoggedAndInOrder()
    {
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false });
        var logger = handler.CreateLogger("Mixed");
        var failure = new InvalidOperationException("boom");
        var when = new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.FromHours(2));
        var id = Guid.NewGuid();
        logger.LogInformation("Kinds {I} {L} {D} {M} {B} {T} {G} {S} {Null}", 1, 2L, 3.5, 4.25m, true, when, id, TimeSpan.FromSeconds(5), null);
        logger.LogError(failure, "With exception {N}", 2);
        logger.LogInformation("Enum {Level} and array {Items}", LogLevel.Warning, new[] { 1, 2 });
        logger.LogInformation("Long {Text}", new string('y', 20_000));
        using (logger.BeginScope(new Dictionary<string, object?> { ["Request"] = "r-1", ["Try"] = 3 }))
        {
            logger.LogInformation("Scoped {N}", 5);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var events = sink.Delivered;
        Assert.Equal(["Kinds", "With", "Enum", "Long", "Scoped"], events.Select(e => e.Template!.Split(' ')[0]));
        Assert.Equal([1, 2L, 3.5, 4.25m, true, when, id, TimeSpan.FromSeconds(5), null], events[0].Properties.Select(p => p.Value));
        Assert.Equal("Kinds 1 2 3.5 4.25 True " + when.ToString(System.Globalization.CultureInfo.InvariantCulture) + $" {id} 00:00:05 (null)", events[0].Message);
        Assert.Same(failure, events[1].Exception);
        Assert.Equal(LogLevel.Warning, events[2].Properties[0].Value);
        Assert.Equal(20_000, ((string)events[3].Properties[0].Value!).Length);
        var scope = Assert.IsType<KeyValuePair<string, object?>[]>(Assert.Single(events[4].Scopes));
        Assert.Equal([new("Request", "r-1"), new("Try", 3)], scope);
    }

    [Fact]
    public void Dequeue_AShortTextThatRepeats_OneStringForEveryEventThatHasIt()
    {
        // Each call's value is a string of its own (as a request's data would be); read off the queue, the same
        // text is the same string: a new one per event was most of what the worker allocated (issue 14).
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) });
        var logger = handler.CreateLogger("Repeats");
        for (var n = 0; n < 3; n++)
        {
            logger.LogInformation("User {User} did {Action}", new string('a', 5), string.Concat("sa", "ved"));
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var events = sink.Delivered;
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal([new("User", "aaaaa"), new("Action", "saved")], e.Properties));
        Assert.Single(events.Select(e => e.Properties[0].Value).Distinct(ReferenceEqualityComparer.Instance));
        Assert.Single(events.Select(e => e.Properties[1].Value).Distinct(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void Get_ManyTextsSharingSlots_EachReadAsItsOwnTextLongOnesNeverKept()
    {
        // 5,000 texts over 512 slots: most share a slot with others; whatever is kept, each reads back as itself.
        var texts = new RepeatedTexts();
        var values = Enumerable.Range(0, 5000).Select(n => $"value {n}").ToArray();
        for (var round = 0; round < 2; round++)
        {
            foreach (var value in values)
            {
                Assert.Equal(value, texts.Get(value.AsSpan()));
            }
        }

        var kept = texts.Get("value 4999".AsSpan());
        Assert.Same(kept, texts.Get("value 4999".AsSpan()));
        var longText = new string('z', RepeatedTexts.MaxLength + 1);
        Assert.NotSame(texts.Get(longText.AsSpan()), texts.Get(longText.AsSpan()));
        Assert.Equal(longText, texts.Get(longText.AsSpan()));
    }

    [Fact]
    public void Log_RecordsOutgrowingTheirReservationInSmallSegments_AllReadBackAsLoggedAndInOrder()
    {
        // A call is encoded in place into a reservation of the thread's last record's size. Texts growing by a char
        // a call outgrow it every time: the reservation grows in place, or, near a 512-byte segment's end, the
        // record moves to the thread's buffer and is copied into the next segment; then a shrinking text, trimmed.
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            MaxQueueBytes = 4096,
            FullMode = QueueFullMode.Wait,
            IncludeScopes = false,
        });
        var logger = handler.CreateLogger("Grow");
        var texts = Enumerable.Range(1, 200).Concat(Enumerable.Range(1, 200).Reverse()).Select(n => new string((char)('a' + (n % 26)), n)).ToList();
        foreach (var text in texts)
        {
            logger.LogInformation("Text {Text} of {Length}", text, text.Length);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(texts, sink.Delivered.Select(e => (string)e.Properties[0].Value!));
        Assert.Equal(texts.Select(t => t.Length), sink.Delivered.Select(e => (int)e.Properties[1].Value!));
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(0, handler.Queue.Bytes);
    }

    [Fact]
    public void Log_StateThrowsWhileEncodedInPlace_ReservationGivenUpLaterCallsDelivered()
    {
        // MEL's state of a template with more holes than arguments throws when its missing value is read: the record
        // was being written in place, so its reservation must be given up, or the worker would wait at it for good.
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false });
        var logger = handler.CreateLogger("Throws");
        logger.LogInformation("Before {N}", 1);
#pragma warning disable CA2017 // the missing argument is the point
        logger.LogInformation("Missing {A} {B}", 2);
#pragma warning restore CA2017
        logger.LogInformation("After {N}", 3);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["Before {N}", "Missing {A} {B}", "After {N}"], sink.Delivered.Select(e => e.Template));
        Assert.Equal(0, handler.Queue.Bytes);
    }

    [Fact]
    public void Log_ALargeRecordToOneHandlerThenAHandlerOfSmallSegments_BothReadBackAsLogged()
    {
        // One thread, two handlers: its writer reserves its last record's size, 600 bytes from the first handler's
        // queue, which is more than a segment of the second's (256 bytes): that call goes through the thread's buffer.
        var largeSink = new CollectingSink().Open();
        var smallSink = new CollectingSink().Open();
        using var large = new ThreadedHandler(largeSink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false });
        using var small = new ThreadedHandler(smallSink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, MaxQueueBytes = 2048, FullMode = QueueFullMode.Wait });
        var text = new string('t', 280);

        large.CreateLogger("Large").LogInformation("Large {Text}", text);
        small.CreateLogger("Small").LogInformation("Small {N}", 1);
        small.CreateLogger("Small").LogInformation("Small {N}", 2);

        Assert.True(large.Flush(TimeSpan.FromSeconds(30)));
        Assert.True(small.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(text, Assert.Single(largeSink.Delivered).Properties[0].Value);
        Assert.Equal([1, 2], smallSink.Delivered.Select(e => (int)e.Properties[0].Value!));
    }
}
