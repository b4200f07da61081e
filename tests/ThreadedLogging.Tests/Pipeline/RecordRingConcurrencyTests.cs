using System.Buffers.Binary;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The ring's producers under contention (<see cref="RecordRing.TryWrite"/>): each reserves its range with one
/// compare-and-swap of the tail, so a range handed to two producers would lose a record under another, or leave a gap
/// that ends the reading. Threads start together on a barrier and write records of four sizes into small segments, so
/// the race also crosses segment ends (padding) and openings; each thread's records must be read back exactly once, in
/// its order, with their own bytes. The ring holds them all: no producer waits for the consumer. The same with records
/// written in place (<see cref="RecordRing.TryReserve"/>) into a reservation of the thread's last size, as the log call
/// does: trimmed, grown, or cancelled and copied, while other threads reserve after it.
/// </summary>
public sealed class RecordRingConcurrencyTests
{
    private const int PerThread = 20_000;

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task TryWrite_ManyThreadsAtOnce_EachThreadsRecordsReadBackOnceInItsOrder(int threads)
    {
        using var ring = new RecordRing(threads * PerThread * 48L, 1024);
        var start = new Barrier(threads);
        var producers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var record = new byte[40];
                start.SignalAndWait();
                for (var n = 0; n < PerThread; n++)
                {
                    var length = Fill(record, t, n);
                    Assert.True(ring.TryWrite(record.AsSpan(0, length)));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(120)); // a bound on a hang, not a timing

        var next = new int[threads];
        var expected = new byte[40];
        var read = 0;
        while (ring.TryPeek(out var record))
        {
            var t = BinaryPrimitives.ReadInt32LittleEndian(record[4..]);
            Assert.InRange(t, 0, threads - 1);
            var n = next[t]++;
            var length = Fill(expected, t, n);
            Assert.True(record.SequenceEqual(expected.AsSpan(0, length)), $"thread {t}'s record {n} is not as written: another record was written over it, or it came twice");
            ring.Advance(record.Length);
            read++;
        }

        ring.Release();
        Assert.All(next, n => Assert.Equal(PerThread, n)); // each thread's records, each once and in order
        Assert.Equal(threads * PerThread, read);
        Assert.Equal(0, ring.UsedBytes);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task TryReserve_ManyThreadsGuessingTheirSize_EachThreadsRecordsReadBackOnceInItsOrder(int threads)
    {
        using var ring = new RecordRing(threads * PerThread * 128L, 1024); // room for the rests skipped too
        var start = new Barrier(threads);
        var producers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var record = new byte[40];
                var guess = 16;
                start.SignalAndWait();
                for (var n = 0; n < PerThread; n++)
                {
                    var length = Fill(record, t, n);
                    Assert.True(ring.TryReserve(guess, out var reservation));
                    if (length > guess && !ring.TryExtend(ref reservation, length))
                    {
                        unsafe
                        {
                            record.AsSpan(0, guess).CopyTo(new Span<byte>(reservation.At, guess)); // begun in place
                        }

                        ring.Cancel(reservation, guess);
                        Assert.True(ring.TryWrite(record.AsSpan(0, length)));
                    }
                    else
                    {
                        unsafe
                        {
                            record.AsSpan(0, length).CopyTo(new Span<byte>(reservation.At, length));
                        }

                        ring.Publish(reservation, length);
                    }

                    guess = length;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(120)); // a bound on a hang, not a timing

        var next = new int[threads];
        var expected = new byte[40];
        while (ring.TryPeek(out var record))
        {
            var t = BinaryPrimitives.ReadInt32LittleEndian(record[4..]);
            Assert.InRange(t, 0, threads - 1);
            var n = next[t]++;
            var length = Fill(expected, t, n);
            Assert.True(record.SequenceEqual(expected.AsSpan(0, length)), $"thread {t}'s record {n} is not as written");
            ring.Advance(record.Length);
        }

        ring.Release();
        Assert.All(next, n => Assert.Equal(PerThread, n));
        Assert.Equal(0, ring.UsedBytes); // every rest skipped and given back
    }

    /// <summary>Thread <paramref name="thread"/>'s record <paramref name="n"/>: its length word, the thread, the number, then bytes of both; 16 to 40 bytes.</summary>
    private static int Fill(byte[] record, int thread, int n)
    {
        var length = 16 + (8 * (n % 4));
        BinaryPrimitives.WriteInt32LittleEndian(record, length);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), thread);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), n);
        for (var i = 12; i < length; i++)
        {
            record[i] = (byte)((thread * 31) + n + i);
        }

        return length;
    }
}
