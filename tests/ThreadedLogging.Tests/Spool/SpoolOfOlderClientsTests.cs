using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// Spools that released clients left on disk (<c>Spool/Fixtures/spool-{commit}</c>: 50 events each, written by the build of
/// that commit through a JsonBatch HTTP handler whose collector could not be reached; README there), adopted by this
/// client at its start: every event sent once, in order, with its text, and the spool emptied only then. 7cc7c39
/// (2026-12-01) wrote plain JSON payloads, bcb5ce4 (2026-12-05) gzip; both a checksum over the payload alone.
/// </summary>
public sealed class SpoolOfOlderClientsTests
{
    [Theory]
    [InlineData("spool-7cc7c39")]
    [InlineData("spool-bcb5ce4")]
    public async Task Start_OnASpoolAnOlderClientLeft_SendsEveryEventOnce(string fixture)
    {
        using var directory = new TempDirectory();
        var source = Path.Combine(AppContext.BaseDirectory, "Spool", "Fixtures", fixture);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(directory.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var tag = "old-" + fixture["spool-".Length..];
        var sink = new CollectingSink().Open();
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => o.MaxBufferAge = TimeSpan.FromDays(3650))))
        {
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30))); // waits for what it adopted, too
            Assert.Equal((50L, 50L, 0L), (handler.Statistics.Adopted, handler.Statistics.Sent, handler.Statistics.Dropped));
        }

        var events = sink.Batches.SelectMany(b => b.Events).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"spooled by {tag} number {i}"), events.Select(e => e.Message));
        Assert.Equal(tag, sink.Batches[0].Identity.User);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Adopt_SegmentsOfThisVersionSayWhetherTheyHoldNotices_AnOlderClientsMayAlways()
    {
        // A cap that drops an adopted segment reads its records first for drop notices (d1d19a0). Every adopted segment was
        // read and unzipped whole, its records' headers not saying: an aged-out spool of 60,000 events took ~250 ms more at
        // its first flush. A record's gzip header now says whether it holds notices; an older client's does not, and its
        // segments are still read.
        using var directory = new TempDirectory();
        var identity = LogIdentity.From(new ThreadedHandlerOptions());
        using (var dead = new DurableSpool(directory.Path, "dead-of-this-version", 64 * 1024, TimeSpan.FromDays(7), TimeProvider.System))
        {
            dead.Open();
            for (var n = 0; dead.Segments.Count < 2; n++)
            {
                dead.Append(new LogBatch(BatchDelivery.NewBatchId(), [Event("App", $"event {n} {Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300))}")], identity), 1);
            }

            var notice = Event("ThreadedLogging", "ThreadedLogging dropped 5 events between 2026-12-06T10:00:00.0000000+00:00 and 2026-12-06T10:00:01.0000000+00:00: the spool was full (MaxBufferBytes)");
            notice.IsExtra = true;
            dead.Append(new LogBatch(BatchDelivery.NewBatchId(), [Event("App", "last"), notice], identity), 1);
            dead.Sync();
        }

        var older = Path.Combine(AppContext.BaseDirectory, "Spool", "Fixtures", "spool-bcb5ce4");
        foreach (var file in Directory.GetFiles(older, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(directory.Path, Path.GetRelativePath(older, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        using var adopter = new DurableSpool(directory.Path, "adopter", 64 * 1024, TimeSpan.FromDays(7), TimeProvider.System);
        adopter.Open();
        var adopted = adopter.Segments.Where(s => s.Adopted).ToList();
        Assert.Equal([false, true], adopted.Where(s => s.Path.Contains("dead-of-this-version", StringComparison.Ordinal)).Select(s => s.MayHoldNotices)); // was [true, true]
        Assert.All(adopted.Where(s => !s.Path.Contains("dead-of-this-version", StringComparison.Ordinal)), s => Assert.True(s.MayHoldNotices)); // bcb5ce4's: unmarked
        Assert.Equal(3, adopted.Count);

        static LogEvent Event(string category, string message) => LogEvent.Create(DateTimeOffset.UtcNow, LogLevel.Information, category, message);
    }
}
