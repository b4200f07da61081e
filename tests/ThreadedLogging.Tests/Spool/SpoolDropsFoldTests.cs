using System.Buffers;
using Microsoft.Extensions.Time.Testing;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A drop notice a spool cap drops with its record is taken back into the pending notice (<see cref="SpoolDrops.Fold"/>)
/// by the reason its wording gives: each notice as the handler writes it (the spool's, for every reason, and the memory
/// queue's, <see cref="QueueDrops"/>, with and without its calls kept as objects), through the envelope as the spool
/// stores it, comes back with its reason, its count and its times; a wording this version does not know keeps its count.
/// </summary>
public sealed class SpoolDropsFoldTests
{
    private static readonly LogIdentity Identity = new() { App = "App", Version = "1.0", User = "ann", Machine = "m", ProcessId = 7, InstanceId = "dead" };

    [Theory]
    [InlineData("Full")]
    [InlineData("TooLarge")]
    [InlineData("Aged")]
    [InlineData("Torn")]
    [InlineData("Unreadable")]
    public void Fold_SpoolsOwnNotice_SameReasonCountAndTimes(string why)
    {
        var reason = Enum.Parse<SpoolDropReason>(why); // internal: named in the row
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var written = new SpoolDrops(time);
        written.Add(250, reason);
        time.Advance(TimeSpan.FromMinutes(3));
        written.Add(50, reason);
        var spooled = new List<LogEvent>();
        Assert.Equal(1, written.TakeNotices(spooled));

        var taken = FoldAndTake(spooled, time);

        var notice = Assert.Single(taken);
        Assert.Equal(spooled[0].Message, notice.Message); // same count, times and reason: "…dropped 300 events between 10:00 and 10:03: …"
    }

    [Fact]
    public void SizeCap_CutsTheSegmentBeingSent_NoticeAfterTheSentRecordIsHandedOn()
    {
        // d1d19a0 folded the notices of a segment the size cap cuts after the record being sent, but read them from the
        // cut's end once the file was cut: nothing was left to read there, and the notice went uncounted.
        using var directory = new TempDirectory();
        using var spool = new DurableSpool(directory.Path, "cut", 64 * 1024, TimeSpan.FromDays(7), TimeProvider.System);
        var handedOn = new List<string>();
        spool.NoticesDropped = (json, _, _) => handedOn.Add(System.Text.Encoding.UTF8.GetString(json.Span));
        spool.Open();
        spool.Append(new LogBatch(BatchDelivery.NewBatchId(), [Event("App", "being sent")], Identity), 1);
        Assert.True(spool.TryReadNext(out _)); // its delivery under way: the cap cuts the segment after it, not whole
        var notice = Event("ThreadedLogging", "ThreadedLogging dropped 5 events between 2026-12-06T10:00:00.0000000+00:00 and 2026-12-06T10:00:01.0000000+00:00: the spool was full (MaxBufferBytes)");
        notice.IsExtra = true;
        spool.Append(new LogBatch(BatchDelivery.NewBatchId(), [Event("App", "beside the notice"), notice], Identity), 1);
        var first = spool.Segments[0];
        var cut = 0;
        spool.Dropped = (_, reason) => cut += reason == SpoolDropReason.Full ? 1 : 0;
        for (var n = 0; cut == 0; n++)
        {
            spool.Append(new LogBatch(BatchDelivery.NewBatchId(), [Event("App", $"filler {n} {Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300))}")], Identity), 1);
        }

        Assert.Same(first, spool.Segments[0]); // cut, not removed: the record being sent stays
        var json = Assert.Single(handedOn); // was empty
        Assert.Contains("the spool was full (MaxBufferBytes)", json, StringComparison.Ordinal);

        static LogEvent Event(string category, string message) => LogEvent.Create(DateTimeOffset.UtcNow, Microsoft.Extensions.Logging.LogLevel.Information, category, message);
    }

    [Fact]
    public void SizeCap_DropsARecordWhereTheAppLoggedAsANotice_OnlyTheSpoolsNoticeFolded()
    {
        // An app's event under category ThreadedLogging with DroppedCount, FirstDrop and LastDrop (logged on purpose, or an
        // app's own drop report), in a batch that also carries the spool's notice: a cap dropping that record took the app's
        // event for a notice too (by its category and property names, its reason by its wording) and added its count to the
        // drops the next notice tells. The record's header says how many of its events are the app's: the notices follow.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        using var directory = new TempDirectory();
        var writer = new SpoolDrops(time); // the process that wrote the record
        writer.Add(5, SpoolDropReason.Aged);
        var spooled = new List<LogEvent>();
        Assert.Equal(1, writer.TakeNotices(spooled));
        var at = time.GetUtcNow();
        var apps = LogEvent.Create(at, Microsoft.Extensions.Logging.LogLevel.Warning, QueueDrops.OwnCategory, $"ThreadedLogging dropped 1000 events between {at:O} and {at:O}: they were older than MaxBufferAge in the spool", new("DroppedCount", 1000L), new("FirstDrop", at), new("LastDrop", at));

        var drops = new SpoolDrops(time);
        using var spool = new DurableSpool(directory.Path, "app", 64 * 1024, TimeSpan.FromDays(7), time) { NoticesDropped = drops.Fold };
        var full = 0;
        spool.Dropped = (count, reason) =>
        {
            drops.Add(count, reason);
            full += reason == SpoolDropReason.Full ? 1 : 0;
        };
        spool.Open();
        spool.Append(new LogBatch(BatchDelivery.NewBatchId(), [apps, .. spooled], Identity), countedEvents: 1);
        for (var n = 0; full == 0; n++)
        {
            spool.Append(new LogBatch(BatchDelivery.NewBatchId(), [LogEvent.Create(at, Microsoft.Extensions.Logging.LogLevel.Information, "App", $"filler {n} {Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300))}")], Identity), 1);
        }

        var taken = new List<LogEvent>();
        drops.TakeNotices(taken);
        var aged = Assert.Single(taken, n => n.Message.EndsWith("older than MaxBufferAge in the spool", StringComparison.Ordinal));
        Assert.Equal(5L, aged.Properties.Single(p => p.Key == "DroppedCount").Value); // was 1005
        Assert.Equal("Aged", aged.Properties.Single(p => p.Key == QueueDrops.ReasonProperty).Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fold_MemoryQueuesNotice_TheQueueWasFullWithItsCount(bool objectTableFull)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var queue = new QueueDrops(time, new SelfLog(null, time));
        for (var i = 0; i < 12; i++)
        {
            queue.Add();
        }

        if (objectTableFull)
        {
            queue.AddObjectTableFull();
        }

        var spooled = new List<LogEvent> { queue.TakeNotice()! };

        var notice = Assert.Single(FoldAndTake(spooled, time));

        var count = objectTableFull ? 13 : 12;
        Assert.Equal((long)count, notice.Properties.Single(p => p.Key == "DroppedCount").Value);
        Assert.Matches($"^ThreadedLogging dropped {count} events between .+ and .+: the queue was full$", notice.Message);
    }

    [Fact]
    public void Fold_NoticeOfAnotherWording_ItsCountKept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var first = time.GetUtcNow();
        var foreign = LogEvent.Create(first, Microsoft.Extensions.Logging.LogLevel.Warning, QueueDrops.OwnCategory, $"ThreadedLogging dropped 7 events between {first:O} and {first:O}: a reason of a later version", new("DroppedCount", 7L), new("FirstDrop", first), new("LastDrop", first));

        var notice = Assert.Single(FoldAndTake([foreign], time));

        Assert.Equal(7L, notice.Properties.Single(p => p.Key == "DroppedCount").Value);
        Assert.EndsWith("(its reason unknown to this version)", notice.Message, StringComparison.Ordinal);
    }

    /// <summary>The notices as the spool stores them (a JsonBatch envelope, after an app event), folded into a new process's pending notice, then taken.</summary>
    private static List<LogEvent> FoldAndTake(List<LogEvent> notices, TimeProvider time)
    {
        var app = LogEvent.Create(time.GetUtcNow(), Microsoft.Extensions.Logging.LogLevel.Information, "App", "\"ThreadedLogging\" in an app's text");
        var json = new ArrayBufferWriter<byte>();
        JsonBatchWriter.WriteEnvelope(json, new LogBatch(BatchDelivery.NewBatchId(), [app, .. notices], Identity));
        var folded = new SpoolDrops(time);
        folded.Fold(json.WrittenMemory, skip: 0);
        var taken = new List<LogEvent>();
        folded.TakeNotices(taken);
        return taken;
    }
}
