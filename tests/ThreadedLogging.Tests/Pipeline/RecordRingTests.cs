namespace ThreadedLogging.Tests.Pipeline;

/// <summary>The ring opens segments ahead of its producers (issue 14): a burst's caller does not fault in fresh memory.</summary>
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
}
