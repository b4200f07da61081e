namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The ring opens segments ahead of its producers (issue 14): a burst's caller does not fault in fresh memory. A producer
/// may reserve a guessed size and write its record in place: what is left over goes back to the tail, or is skipped when
/// another producer reserved after it, and what a cancelled reservation held never reads as a record.
/// </summary>
public sealed class RecordRingTests
{
    [Fact]
    public void PrepareSpares_NothingWrittenYet_AllocatesNothing()
    {
        using var ring = new RecordRing(64 * 1024, 1024);

        ring.PrepareSpares();

        Assert.Equal(0, ring.AllocatedSegments);
    }

    [Fact]
    public void PrepareSpares_AfterAWrite_OpensFourSegmentsAheadAndRecordsStillReadBackInOrder()
    {
        using var ring = new RecordRing(64 * 1024, 1024);
        var record = new byte[512];
        Assert.True(ring.TryWrite(record));
        Assert.Equal(1, ring.AllocatedSegments);

        ring.PrepareSpares();
        Assert.Equal(5, ring.AllocatedSegments);

        // Each record fills half a segment: the next writes move through the prepared segments.
        for (var i = 1; i < 8; i++)
        {
            record[4] = (byte)i;
            Assert.True(ring.TryWrite(record));
        }

        for (var i = 0; i < 8; i++)
        {
            Assert.True(ring.TryPeek(out var next));
            Assert.Equal(i, next[4]);
            ring.Advance(next.Length);
        }

        Assert.False(ring.TryPeek(out _));
    }

    [Fact]
    public unsafe void Publish_ShorterThanItsReservationNobodyAfter_TailMovesBackAndTheNextRecordFollowsIt()
    {
        using var ring = new RecordRing(64 * 1024, 1024);
        Assert.True(ring.TryReserve(128, out var reservation));
        Write(reservation, 20, 1);

        ring.Publish(reservation, 20);

        Assert.Equal(24, ring.UsedBytes); // the rest went back to the tail
        Assert.True(ring.TryWrite(Record(16, 2)));
        Assert.Equal(24 + 16, ring.UsedBytes);
        Assert.Equal([1, 2], ReadAll(ring));
        Assert.Equal(0, ring.UsedBytes);
    }

    [Fact]
    public unsafe void Publish_ShorterWhileAnotherReservedAfterIt_RestSkippedBothReadBackInOrder()
    {
        using var ring = new RecordRing(64 * 1024, 1024);
        Assert.True(ring.TryReserve(128, out var first));
        Assert.True(ring.TryReserve(64, out var second));
        Write(second, 64, 2);
        ring.Publish(second, 64); // published first: the consumer waits for the first all the same
        Assert.Empty(ReadAll(ring));

        Write(first, 20, 1);
        ring.Publish(first, 20);

        Assert.Equal(128 + 64, ring.UsedBytes); // the rest, skipped, stays until the consumer passes it
        Assert.Equal([1, 2], ReadAll(ring));
        Assert.Equal(0, ring.UsedBytes);
    }

    [Fact]
    public unsafe void Cancel_NobodyAfter_TailMovesBackAndItsBytesNeverReadAsARecord()
    {
        using var ring = new RecordRing(64 * 1024, 1024);
        Assert.True(ring.TryReserve(64, out var reservation));
        Write(reservation, 64, 1); // every word of it non-zero, where later records' length words fall

        ring.Cancel(reservation, 64);

        Assert.Equal(0, ring.UsedBytes);
        Assert.True(ring.TryWrite(Record(16, 2)));
        Assert.Equal([2], ReadAll(ring)); // then "not written yet", not the cancelled bytes
        Assert.True(ring.TryWrite(Record(24, 3)));
        Assert.Equal([3], ReadAll(ring));
    }

    [Fact]
    public unsafe void Cancel_WhileAnotherReservedAfterIt_SkippedAndTheOtherReadBack()
    {
        using var ring = new RecordRing(64 * 1024, 1024);
        Assert.True(ring.TryReserve(64, out var first));
        Assert.True(ring.TryReserve(32, out var second));
        Write(first, 40, 1);
        ring.Cancel(first, 40);
        Write(second, 32, 2);
        ring.Publish(second, 32);

        Assert.Equal([2], ReadAll(ring));
    }

    [Fact]
    public unsafe void TryExtend_NobodyAfterAndRoomInTheSegment_GrowsElseRefused()
    {
        using var ring = new RecordRing(64 * 1024, 1024);
        Assert.True(ring.TryReserve(64, out var reservation));

        Assert.True(ring.TryExtend(ref reservation, 256));
        Assert.Equal(256, reservation.Size);
        Assert.False(ring.TryExtend(ref reservation, 2048)); // past the segment
        Assert.True(ring.TryReserve(32, out var after));
        Assert.False(ring.TryExtend(ref reservation, 512)); // another reserved after it

        Write(reservation, 200, 1);
        ring.Publish(reservation, 200);
        Write(after, 32, 2);
        ring.Publish(after, 32);
        Assert.Equal([1, 2], ReadAll(ring));
    }

    [Fact]
    public void TryReserve_MoreThanASegment_RefusedNothingReserved()
    {
        // A thread's writer is shared by every handler: its last record may come from a queue of larger segments.
        using var ring = new RecordRing(64 * 1024, 256);

        Assert.False(ring.TryReserve(512, out _));

        Assert.Equal(0, ring.UsedBytes);
    }

    /// <summary>A record of <paramref name="length"/> bytes numbered <paramref name="n"/> (at byte 4), every other byte 0xA5.</summary>
    private static byte[] Record(int length, byte n)
    {
        var record = new byte[length];
        record.AsSpan().Fill(0xA5);
        record[4] = n;
        return record;
    }

    private static unsafe void Write(Reservation reservation, int length, byte n) =>
        Record(length, n).CopyTo(new Span<byte>(reservation.At, length));

    /// <summary>The numbers of the records readable now, taking them.</summary>
    private static List<int> ReadAll(RecordRing ring)
    {
        var read = new List<int>();
        while (ring.TryPeek(out var record))
        {
            read.Add(record[4]);
            ring.Advance(record.Length);
        }

        ring.Release();
        return read;
    }
}
