using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A segment's name carries its format version (<c>.seg.v2</c>; <c>.seg</c> before the mark, version 1). A client adopts
/// a dead process's segments of its version or older ones, and leaves a newer version's on disk — unread, unsent,
/// uncounted, its directory untouched — with one self-log line naming the file and both versions, so that an app rolled
/// back to an older build neither drops nor misreads what a newer one spooled. Real spool files written by this client
/// (50 events its hung sink never sent), renamed to each mark; a real handler adopts them.
/// </summary>
public sealed class SpoolFormatVersionTests
{
    [Fact]
    public async Task Spool_SegmentsItWrites_NamedWithItsFormatVersion()
    {
        // Before, "0000000000.seg": a client released before the count's checksum (2026-12-05) enumerates *.seg and took
        // each of its records for torn (its checksum over the payload alone), dropping them unsent.
        using var directory = new TempDirectory();

        await SpoolTests.LeaveFiftyInSpoolAsync(directory.Path);

        var segments = Directory.GetFiles(directory.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Where(n => n!.Contains(".seg", StringComparison.Ordinal));
        Assert.Equal(["0000000000.seg.v2"], segments);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg", SearchOption.AllDirectories)); // what those clients enumerate
    }

    [Theory]
    [InlineData(".seg")] // every client before the mark
    [InlineData(".seg.v1")]
    [InlineData(".seg.v2")] // this client's
    public async Task Start_OnASpoolOfItsFormatOrAnOlderOne_SendsEveryEventOnce(string mark)
    {
        using var directory = new TempDirectory();
        await SpoolTests.LeaveFiftyInSpoolAsync(directory.Path);
        var segment = Rename(directory, mark);

        var (statistics, sink, selfLog) = await StartAsync(directory.Path);

        Assert.Equal((50L, 50L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"event {i}"), sink.Batches.SelectMany(b => b.Events).Select(e => e.Message));
        Assert.False(File.Exists(segment));
        Assert.DoesNotContain(selfLog, m => m.Contains("spool format", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(".seg.v3")]
    [InlineData(".seg.v10")]
    public async Task Start_OnASpoolOfANewerFormat_LeftOnDiskUnsentAndUncounted_SaidOnceNamingTheFileAndVersions(string mark)
    {
        // Its records are this version's, readable: a client that ignored the mark would send them. Before, the
        // directory's *.seg were none, its lock and bookmark deleted, and nothing said.
        using var directory = new TempDirectory();
        await SpoolTests.LeaveFiftyInSpoolAsync(directory.Path);
        var segment = Rename(directory, mark);
        var before = Snapshot(directory);

        var (statistics, sink, selfLog) = await StartAsync(directory.Path);

        Assert.Equal((0L, 0L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Empty(sink.Batches);
        Assert.Equal(before, Snapshot(directory)); // every file of that directory as it was, after this client's close too
        var version = mark[".seg.v".Length..];
        var line = Assert.Single(selfLog, m => m.Contains(segment, StringComparison.Ordinal));
        Assert.Contains($"spool format v{version}, newer than this client's v2", line, StringComparison.Ordinal);

        // The build that wrote it runs again (here: the mark this one reads): every event sent once.
        File.Move(segment, segment[..^mark.Length] + ".seg.v2");
        var (upgraded, resent, _) = await StartAsync(directory.Path);
        Assert.Equal((50L, 50L), (upgraded.Adopted, upgraded.Sent));
        Assert.Equal(50, resent.Batches.Sum(b => b.Events.Count));
    }

    [Fact]
    public async Task Start_OnTwoSpoolsOfThreeNewerSegmentsEach_OneLinePerSpool_NamingItsFirstSegmentHowManyAndBothVersions()
    {
        // Before, one line per segment on every start: 6 here, 64 for one full spool.
        using var directory = new TempDirectory();
        using var other = new TempDirectory(); // apart: a second handler on the same root would adopt the first one's spool
        await SpoolTests.LeaveFiftyInSpoolAsync(directory.Path);
        await SpoolTests.LeaveFiftyInSpoolAsync(other.Path);
        var otherSpool = Assert.Single(Directory.GetDirectories(other.Path));
        Directory.Move(otherSpool, Path.Combine(directory.Path, Path.GetFileName(otherSpool)));
        var firsts = new List<string>();
        foreach (var written in Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var spool = Path.GetDirectoryName(written)!;
            firsts.Add(Path.Combine(spool, "0000000000.seg.v3"));
            File.Move(written, firsts[^1]);
            File.Copy(firsts[^1], Path.Combine(spool, "0000000001.seg.v3"));
            File.Copy(firsts[^1], Path.Combine(spool, "0000000002.seg.v3"));
        }

        var (statistics, _, selfLog) = await StartAsync(directory.Path);

        Assert.Equal((0L, 0L), (statistics.Adopted, statistics.Pending));
        var lines = selfLog.Where(m => m.Contains("spool format", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        foreach (var first in firsts)
        {
            var line = Assert.Single(lines, m => m.Contains(Path.GetDirectoryName(first)!, StringComparison.Ordinal));
            Assert.Contains($"its 3 segments from {first} on are of spool format v3, newer than this client's v2", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Spool_BesideNewerSegmentsLeftOnDisk_TheyCountAgainstMaxBufferBytes_NeverDeleted()
    {
        // Before, the cap counted this client's segments only: beside 48 KiB of v3 segments a full 64 KiB spool of its own
        // held ~100 KiB on disk, past the bound the app set.
        using var directory = new TempDirectory();
        var dead = Path.Combine(directory.Path, "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(dead);
        File.WriteAllBytes(Path.Combine(dead, "lock"), []);
        File.WriteAllBytes(Path.Combine(dead, "0000000000.seg.v3"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(48 * 1024)); // never read
        var left = FilesOf(dead);

        const int logged = 300;
        var lines = new ConcurrentQueue<string>();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHandler? handler = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref handler) is { Statistics: { } s } && s.Spooled + s.Dropped == logged)
            {
                allOnDisk.TrySetResult();
            }
        });
        var down = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        handler = new ThreadedHandler(down, SpoolTests.Options(directory.Path, o =>
        {
            (o.MaxBufferBytes, o.BatchSize) = (64 * 1024, 5);
            o.SelfLog = lines.Enqueue;
        }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < logged; i++)
        {
            logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(750)));
        }

        _ = handler.FlushAsync();
        await allOnDisk.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var onDisk = SegmentBytes(directory);
        await handler.DisposeAsync();

        Assert.True(onDisk <= (64 + 16) * 1024, $"{onDisk} bytes of segments on disk"); // the bound, and one batch being sent or written past it
        Assert.True(handler.Statistics.Dropped >= 280, $"the cap dropped {handler.Statistics.Dropped}"); // 16 KiB of room: 2 or 3 of its batches of ~5.6 KiB (64 KiB: ~10)
        Assert.Equal(left, FilesOf(dead)); // untouched (this handler's own lock may still be held: its worker outlives a 300 ms budget)
        var line = Assert.Single(lines, m => m.Contains("spool format v3", StringComparison.Ordinal));
        Assert.EndsWith("Their 49152 bytes count against MaxBufferBytes (65536 bytes), which leaves this client 16384 bytes for its own while they are on disk.", line, StringComparison.Ordinal);
    }

    /// <summary>Every file of one spool directory, and its bytes, in order.</summary>
    private static List<(string Path, string Bytes)> FilesOf(string spool) =>
        [.. Directory.GetFiles(spool).Order(StringComparer.Ordinal).Select(f => (f, Convert.ToHexString(File.ReadAllBytes(f))))];

    /// <summary>Bytes in segment files now, of every spool under the root; files the worker deletes meanwhile count as empty.</summary>
    private static long SegmentBytes(TempDirectory directory) => Directory.EnumerateFiles(directory.Path, "*.seg*", SearchOption.AllDirectories).Sum(f =>
    {
        try
        {
            return new FileInfo(f).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    });

    /// <summary>Renames the one segment the dead process left to its number and <paramref name="mark"/>; returns its path.</summary>
    private static string Rename(TempDirectory directory, string mark)
    {
        var written = Assert.Single(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories));
        var renamed = Path.Combine(Path.GetDirectoryName(written)!, "0000000000" + mark);
        if (renamed != written)
        {
            File.Move(written, renamed);
        }

        return renamed;
    }

    /// <summary>Every file under the spool's root, and its bytes, in order.</summary>
    private static List<(string Path, string Bytes)> Snapshot(TempDirectory directory) =>
        [.. Directory.GetFiles(directory.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => (f, Convert.ToHexString(File.ReadAllBytes(f))))];

    /// <summary>A handler on the spool, flushed and disposed: its statistics after the flush, what it sent, what it said.</summary>
    private static async Task<(ThreadedHandlerStatistics Statistics, CollectingSink Sink, List<string> SelfLog)> StartAsync(string directory)
    {
        var selfLog = new List<string>();
        var sink = new CollectingSink().Open();
        ThreadedHandlerStatistics statistics;
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory, o =>
        {
            o.ShutdownTimeout = TimeSpan.FromMinutes(2);
            o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } };
        })))
        {
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            statistics = handler.Statistics;
        }

        lock (selfLog)
        {
            return (statistics, sink, [.. selfLog]);
        }
    }
}
