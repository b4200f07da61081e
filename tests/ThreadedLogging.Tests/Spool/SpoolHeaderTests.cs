using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A spool record's header is checked: a damaged event count (bit rot, a crash on a disk without ordered writes) is a
/// corrupt record, dropped and counted by what its JSON holds, never a pending count that does not drain; a spool written
/// by an earlier version (its checksum over the payload alone) is still adopted and sent once, its count checked against
/// its JSON. Real files, a real spool, and a real Kestrel receiver (the stored envelope sent as it is) or an in-process
/// sink (the record parsed into events).
/// </summary>
public sealed class SpoolHeaderTests
{
    private const int Logged = 50;
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("more", true)]
    [InlineData("more", false)]
    [InlineData("fewer", true)]
    [InlineData("fewer", false)]
    [InlineData("negative", true)]
    [InlineData("negative", false)]
    [InlineData("zero", true)]
    public async Task RecordsCountDamaged_ItsGzipVouchesForItsPayload_SentOnceCountedByItsJson_FlushTrue(string damage, bool envelopes)
    {
        // Before, 99,999 in the second record's count was believed: Adopted 100,039, and Flush false for ever (the record's
        // 10 events settled, 99,989 pending) or Sent 100,039 for 50 sent; fewer made its other events sent uncounted; a
        // negative count was a garbage header, the rest of the segment skipped, and its events neither sent nor counted.
        // Then the record was dropped, counted by its JSON, its payload whole: its gzip's own CRC-32 vouches for it.
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        var records = segment.Records;
        var (second, lost) = records[1];
        var before = records[0].Count;
        var damaged = damage switch
        {
            "more" => 99_999,
            "fewer" => lost - 1,
            "negative" => -5,
            _ => 0,
        };
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second + 8), damaged);
        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal(DeliveredWithout(before, 0), delivered); // each once, in order, the damaged record's too
        Assert.Equal((Logged, Logged + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains($"says it holds {damaged} events; its JSON holds {Events(lost)}, which are counted (its header is damaged)", StringComparison.Ordinal));
        Assert.Contains(selfLog, m => m.Contains($"Damaged header in the record at byte {second} of", StringComparison.Ordinal) && m.Contains($"so its {Events(lost)} are sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordsCountAndPayloadDamaged_ACountItCouldNotHold_SaidAndNotCounted_TheRestSentOnce()
    {
        // Neither its header nor its JSON says how many events were lost: 99,999 in a record of a few hundred bytes is
        // garbage, not 99,999 dropped (before: believed, Adopted 100,039 and Dropped 99,999 for 10 lost).
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        var records = segment.Records;
        var (second, lost) = records[1];
        var before = records[0].Count;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second + 8), 99_999);
        bytes[second + SpoolRecordFormat.HeaderSize] = 0; // its gzip's first byte: not gzip, and not JSON either
        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes: true);

        Assert.Equal(DeliveredWithout(before, lost), delivered);
        Assert.Equal((Logged - lost, Logged - lost + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains("says it holds 99999 events, a count its", StringComparison.Ordinal) && m.Contains("its events are not counted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("shorter", true)]
    [InlineData("shorter", false)]
    [InlineData("longer", true)]
    [InlineData("longer", false)]
    [InlineData("huge", true)]
    [InlineData("above the most", false)]
    [InlineData("negative", true)]
    [InlineData("negative", false)]
    public async Task RecordsLengthDamaged_ItsChecksumVouchesForTheRest_SentOnceWithTheRecordsAfterIt_FlushTrue(string damage, bool envelopes)
    {
        // Bit rot in a length, in a spool adopted after a crash: before, the record was torn and the rest of the segment
        // neither sent nor counted (Adopted 50 + 1, Sent 11, Dropped 10: 30 events lost silently); then it was dropped,
        // counted, though its checksum matched the bytes up to the next record: only its length was damaged.
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        var records = segment.Records;
        var (second, lost) = records[1];
        var before = records[0].Count;
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)second));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second), SpoolRecordFormatTests.Damaged(length, damage));
        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal(DeliveredWithout(before, 0), delivered); // each once, in order, the damaged record's too
        Assert.Equal((Logged, Logged + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains($"Damaged header in the record at byte {second} of", StringComparison.Ordinal) && m.Contains($"so its {Events(lost)} are sent", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwoRecordsPayloadsDamagedSideBySide_EachDroppedAndCounted_TheRestSentOnce(bool envelopes)
    {
        // A bad sector across two records: both were skipped together uncounted (Adopted 50 less theirs, no notice).
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var records = segment.Records;
        Assert.True(records.Count >= 4, $"{records.Count} records");
        var before = records[0].Count;
        var lost = records[1].Count + records[2].Count;
        SpoolRecordFormatTests.DamagePayload(segment.Bytes, records[1].Start);
        SpoolRecordFormatTests.DamagePayload(segment.Bytes, records[2].Start);
        await segment.SaveAsync();

        var (statistics, delivered, _) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal(DeliveredWithout(before, lost), delivered);
        Assert.Equal((Logged, Logged - lost + 1L, (long)lost, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
    }

    [Fact]
    public async Task RecordsLengthAndPayloadDamaged_ItsEventsUnknown_SaidAndNotCounted_TheRecordsAfterItSentOnce()
    {
        // No checksum vouches for the bytes skipped: how many events they held is not guessed, it is said.
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        var records = segment.Records;
        var (second, lost) = records[1];
        var before = records[0].Count;
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)second));
        SpoolRecordFormatTests.DamagePayload(bytes, second);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second), length + 40);
        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes: true);

        Assert.Equal(DeliveredWithout(before, lost), delivered);
        Assert.Equal((Logged - lost, Logged - lost + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains($"Damaged record at byte {second} of", StringComparison.Ordinal) && m.Contains("its events are unknown and not counted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LastRecordCutShort_TornAsBefore_TheRecordsBeforeItSent_ItsEventsCountedDropped(bool envelopes)
    {
        // A crash mid-append: no whole record follows it, so nothing is skipped to; it is torn, counted by its header.
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        var (last, lost) = segment.Records[^1];
        await File.WriteAllBytesAsync(segment.Path, bytes[..^5]);

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal([.. Enumerable.Range(0, Logged - lost).Select(i => $"event {i}"), "after"], delivered);
        Assert.Equal((Logged, Logged - lost + 1L, (long)lost, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains($"Torn or corrupt record at byte {last} of", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, m => m.Contains("Damaged record", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SpoolOfAnEarlierVersion_AdoptedAndSentOnce(bool envelopes)
    {
        // An app upgraded with undelivered events on disk: records framed as before (checksum over the payload alone).
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        foreach (var (start, _) in segment.Records)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)start));
            SpoolRecordFormatTests.AsAnEarlierVersionWroteIt(bytes.AsSpan((int)start, SpoolRecordFormat.HeaderSize + length));
        }

        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal([.. Enumerable.Range(0, Logged).Select(i => $"event {i}"), "after"], delivered);
        Assert.Equal((Logged, Logged + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.DoesNotContain(selfLog, m => m.Contains("says it holds", StringComparison.Ordinal) || m.Contains("Corrupt", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(99_999, true)]
    [InlineData(99_999, false)]
    [InlineData(-5, true)]
    [InlineData(0, false)]
    public async Task SpoolOfAnEarlierVersion_ARecordsCountDamaged_ItsJsonsCountUsed_EverythingSentOnce(int damaged, bool envelopes)
    {
        // An earlier version's checksum does not cover the count: its events are counted in its JSON, so the record is
        // sent, not dropped, and counted as many as it holds (before: Adopted 100,039 and Flush false, or the rest of the
        // segment skipped at a negative count).
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        var bytes = segment.Bytes;
        var records = segment.Records;
        var held = records[1].Count;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)records[1].Start + 8), damaged);
        foreach (var (start, _) in records)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)start));
            SpoolRecordFormatTests.AsAnEarlierVersionWroteIt(bytes.AsSpan((int)start, SpoolRecordFormat.HeaderSize + length));
        }

        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal([.. Enumerable.Range(0, Logged).Select(i => $"event {i}"), "after"], delivered);
        Assert.Equal((Logged, Logged + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains($"says it holds {damaged} events; its JSON holds {Events(held)}, which are counted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("shorter", true, false)]
    [InlineData("shorter", false, true)]
    [InlineData("longer", true, true)]
    [InlineData("longer", false, false)]
    [InlineData("huge", true, false)]
    [InlineData("negative", false, true)]
    public async Task SpoolOfAnEarlierVersion_ARecordsLengthDamaged_ItsChecksumVouchesForIt_SentOnceWithTheRecordsAfterIt(string damage, bool envelopes, bool uncompressed)
    {
        // An earlier version's record (its checksum over the payload alone, gzip or the plain JSON of versions before it)
        // whose length is damaged: found again by its checksum over the bytes up to the next whole record, which vouches
        // for its payload: sent, its events counted in its JSON at adoption and by the reader alike, the records after it
        // sent (dropped, counted, before).
        using var directory = new TempDirectory();
        var segment = await LeaveFiftyInOneSegmentAsync(directory);
        if (uncompressed)
        {
            segment = segment.Uncompressed();
        }

        var bytes = segment.Bytes;
        foreach (var (start, _) in segment.Records)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)start));
            SpoolRecordFormatTests.AsAnEarlierVersionWroteIt(bytes.AsSpan((int)start, SpoolRecordFormat.HeaderSize + length));
        }

        var records = segment.Records;
        var (second, lost) = records[1];
        var before = records[0].Count;
        var secondLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)second));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second), SpoolRecordFormatTests.Damaged(secondLength, damage));
        await segment.SaveAsync();

        var (statistics, delivered, selfLog) = await AdoptAsync(directory.Path, envelopes);

        Assert.Equal(DeliveredWithout(before, 0), delivered);
        Assert.Equal((Logged, Logged + 1L, 0L, 0L), (statistics.Adopted, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, m => m.Contains($"Damaged header in the record at byte {second} of", StringComparison.Ordinal) && m.Contains($"so its {Events(lost)} are sent", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, m => m.Contains("says it holds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("length")]
    [InlineData("count")]
    public async Task OwnSegmentsRecordLengthOrCountAndPayloadDamaged_WhatThisProcessWroteThereCountedDroppedOnceAndSaid_FlushTrue(string damage)
    {
        // Damaged bytes no checksum vouches for, in a segment of this process (still being written): it knows how many
        // events it wrote there. Before, the self-log said they were not counted while they stayed pending: Flush false
        // until the segment ended, and then counted torn (Remove), or, the segment done, dropped from it uncounted.
        // "count": its length whole, its count above what it could hold and its JSON unreadable (its gzip header and
        // first deflate bytes flipped) — a corrupt record counted 0 ("skipped, 0 events dropped"), its events left pending.
        using var directory = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        var up = false;
        var delivered = new List<string>();
        server.Respond = request =>
        {
            if (!Volatile.Read(ref up))
            {
                return Task.FromResult(Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
            }

            lock (delivered)
            {
                delivered.AddRange(JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray()
                    .Where(e => e.GetProperty("category").GetString() != "ThreadedLogging")
                    .Select(e => string.Join(' ', e.GetProperty("message").GetString()!.Split(' ').Take(2))));
            }

            return Task.FromResult(Results.Ok());
        };
        var selfLog = new List<string>();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHttpHandler? handler = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref handler) is { Statistics.Spooled: Logged })
            {
                allOnDisk.TrySetResult();
            }
        });
        await using (handler = new ThreadedHttpHandler(Http.ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                lock (selfLog)
                {
                    selfLog.Add(m);
                }
            };
        })))
        {
            // Events of 2 KB that do not compress: each record larger than the reader's file buffer (4 KiB), so that the
            // second is read from the file after the first is sent, not from what reading the first brought in with it.
            var logger = handler.CreateLogger("App");
            for (var i = 0; i < Logged; i++)
            {
                logger.LogInformation("event {N} {Noise}", i, string.Concat(Enumerable.Range(0, 60).Select(_ => Guid.NewGuid().ToString("N"))));
            }

            _ = handler.FlushAsync();
            await allOnDisk.Task.WaitAsync(Safety);

            // The reader is held at the first record (refused); the second is read from the file once the receiver is up.
            var path = Assert.Single(Segments(directory));
            var bytes = await File.ReadAllBytesAsync(path);
            var records = Records(bytes);
            Assert.True(records.Count >= 3, $"{records.Count} records");
            var (second, lost) = records[1];
            var before = records[0].Count;
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)second));
            if (damage == "length")
            {
                SpoolRecordFormatTests.DamagePayload(bytes, second);
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second), length + 40);
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)second + 8), int.MaxValue);
                for (var i = 0; i < 20; i++)
                {
                    bytes[second + SpoolRecordFormat.HeaderSize + i] ^= 0x55;
                }
            }

            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                file.Position = second;
                file.Write(bytes.AsSpan((int)second, SpoolRecordFormat.HeaderSize + length));
            }

            Volatile.Write(ref up, true);
            logger.LogInformation("after");
            Assert.True(handler.Flush(Safety));

            lock (delivered)
            {
                Assert.Equal(DeliveredWithout(before, lost), delivered);
            }

            var statistics = handler.Statistics;
            Assert.Equal((Logged - lost + 1L, (long)lost, 0L), (statistics.Sent, statistics.Dropped, statistics.Pending));
            lock (selfLog)
            {
                Assert.Contains(selfLog, m => m.Contains($"{(damage == "length" ? "Damaged" : "Corrupt")} record at byte {second} of", StringComparison.Ordinal) && m.Contains($"skipped, {Events(lost)} dropped (what this process wrote there", StringComparison.Ordinal));
                Assert.DoesNotContain(selfLog, m => m.Contains("not counted", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>The one segment <see cref="LeaveFiftyOnDiskAsync"/> leaves (five records or more): its bytes to damage and write back.</summary>
    private static async Task<SpooledSegment> LeaveFiftyInOneSegmentAsync(TempDirectory directory)
    {
        await LeaveFiftyOnDiskAsync(directory.Path);
        var path = Assert.Single(Segments(directory));
        var bytes = await File.ReadAllBytesAsync(path);
        var records = Records(bytes);
        Assert.True(records.Count >= 3, $"{records.Count} records");
        return new SpooledSegment(path, bytes, records);
    }

    /// <summary>What the receiver gets when the events <paramref name="before"/>..+<paramref name="lost"/> are dropped: the others once, in order, then the adopting handler's own "after".</summary>
    private static List<string> DeliveredWithout(int before, int lost) =>
        [.. Enumerable.Range(0, Logged).Where(i => i < before || i >= before + lost).Select(i => $"event {i}"), "after"];

    /// <summary>
    /// Logs 50 events in batches of at most 10 into a handler whose sink fails them all: they stay on disk, in records of
    /// this version, in one segment, free to edit once this returns (the spool closed).
    /// </summary>
    private static async Task LeaveFiftyOnDiskAsync(string directory)
    {
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHandler? first = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref first) is { Statistics.Spooled: Logged })
            {
                allOnDisk.TrySetResult();
            }
        });
        var down = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        await using (first = new ThreadedHandler(down, SpoolTests.Options(directory, o =>
        {
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                if (m.Contains($"{Logged} events remain in the spool", StringComparison.Ordinal))
                {
                    closed.TrySetResult();
                }
            };
        })))
        {
            var logger = first.CreateLogger("App");
            for (var i = 0; i < Logged; i++)
            {
                logger.LogInformation("event {N}", i);
            }

            _ = first.FlushAsync();
            await allOnDisk.Task.WaitAsync(Safety);
        }

        await closed.Task.WaitAsync(Safety);
    }

    /// <summary>
    /// A next handler on the same directory adopts the spool and sends it, then logs "after" and flushes (which must
    /// return true): a Kestrel receiver of JsonBatch (<paramref name="envelopes"/>: the stored envelopes sent as they are)
    /// or an in-process sink (each record parsed into its events). Returns its statistics, the messages received in
    /// order, and its self-log.
    /// </summary>
    private static async Task<(ThreadedHandlerStatistics Statistics, List<string> Delivered, List<string> SelfLog)> AdoptAsync(string directory, bool envelopes)
    {
        var selfLog = new List<string>();
        void Say(string m)
        {
            lock (selfLog)
            {
                selfLog.Add(m);
            }
        }

        List<string> Said()
        {
            lock (selfLog)
            {
                return [.. selfLog];
            }
        }

        if (envelopes)
        {
            await using var server = await LoopbackServer.StartAsync();
            await using var handler = new ThreadedHttpHandler(Http.ThreadedHttpHandlerTests.Options(server, o =>
            {
                o.BufferDirectory = directory;
                o.SelfLog = Say;
            }));
            handler.CreateLogger("App").LogInformation("after");
            Assert.True(handler.Flush(Safety));
            var delivered = server.Requests
                .SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").EnumerateArray())
                .Where(e => e.GetProperty("category").GetString() != "ThreadedLogging")
                .Select(e => e.GetProperty("message").GetString()!)
                .ToList();
            return (handler.Statistics, delivered, Said());
        }

        var sink = new CollectingSink().Open();
        await using var next = new ThreadedHandler(sink, SpoolTests.Options(directory, o => o.SelfLog = Say));
        next.CreateLogger("App").LogInformation("after");
        Assert.True(next.Flush(Safety));
        return (next.Statistics, [.. sink.Delivered.Select(e => e.Message!)], Said());
    }

    /// <summary>Where each record of a segment starts and the count its header says (this version's records, all valid).</summary>
    private static List<(long Start, int Count)> Records(byte[] bytes)
    {
        var records = new List<(long, int)>();
        for (var at = 0; at < bytes.Length; at += SpoolRecordFormat.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)))
        {
            records.Add((at, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 8))));
        }

        return records;
    }

    private static string Events(int count) => count == 1 ? "1 event" : $"{count} events";

    private static IEnumerable<string> Segments(TempDirectory directory) => Directory.EnumerateFiles(directory.Path, "*.seg*", SearchOption.AllDirectories);

    private sealed record SpooledSegment(string Path, byte[] Bytes, List<(long Start, int Count)> Records)
    {
        public Task SaveAsync() => File.WriteAllBytesAsync(Path, Bytes);

        /// <summary>The same records framed as versions before gzip wrote them: their plain JSON (checksum still this version's).</summary>
        public SpooledSegment Uncompressed()
        {
            using var unpacked = new MemoryStream();
            var bytes = new List<byte>();
            foreach (var (start, count) in Records)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan((int)start));
                var json = SpoolRecordFormat.Unpack(new ArraySegment<byte>(Bytes, (int)start + SpoolRecordFormat.HeaderSize, length), unpacked).ToArray();
                var record = new byte[SpoolRecordFormat.HeaderSize + json.Length];
                json.CopyTo(record, SpoolRecordFormat.HeaderSize);
                SpoolRecordFormat.WriteHeader(record, count);
                bytes.AddRange(record);
            }

            var all = bytes.ToArray();
            return new SpooledSegment(Path, all, SpoolHeaderTests.Records(all));
        }
    }
}
