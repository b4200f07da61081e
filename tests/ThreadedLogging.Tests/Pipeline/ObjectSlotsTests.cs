namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The table of calls kept as objects grows with use, a chunk of 65,536 slots at a time, up to the index space its
/// queue's bytes need; a slot drawn in use a lap later is passed over, not a refusal, while the table can grow.
/// </summary>
public sealed class ObjectSlotsTests
{
    private const int Chunk = ObjectSlots.ChunkSlots;

    [Fact]
    public void TryAdd_ThreeChunksHeldAtOnce_EachParkedInItsOwnSlotAndTakenBackInOrder()
    {
        var table = new ObjectSlots(16L * Chunk);
        Assert.Equal(Chunk, table.Drawable); // one chunk drawn from at first
        var events = Enumerable.Range(0, (3 * Chunk) + 1).Select(_ => new LogEvent()).ToArray();

        var slots = events.Select(table.TryAdd).ToArray();

        Assert.DoesNotContain(-1, slots);
        Assert.Equal(slots.Length, slots.Distinct().Count());
        Assert.Equal(4 * Chunk, table.Drawable); // doubled twice, no further
        Assert.Equal(events.Length, table.InUse);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.Same(events[i], table.Take(slots[i]));
        }

        Assert.Equal(0, table.InUse);
    }

    [Fact]
    public void TryAdd_EverySlotOfItsIndexSpaceHeld_RefusesTheNext()
    {
        var table = new ObjectSlots(2L * Chunk);
        for (var i = 0; i < 2 * Chunk; i++)
        {
            Assert.NotEqual(-1, table.TryAdd(new LogEvent()));
        }

        Assert.Equal(-1, table.TryAdd(new LogEvent()));
        Assert.Equal(2 * Chunk, table.InUse);
    }

    [Fact]
    public void TryAdd_OneSlotHeldForALap_PassedOverWithoutGrowing()
    {
        // A call that holds its slot unqueued (its thread not scheduled) while a whole lap of others come and go.
        var table = new ObjectSlots(16L * Chunk);
        var straggler = new LogEvent();
        var held = table.TryAdd(straggler);
        for (var i = 0; i < 2 * Chunk; i++)
        {
            var logEvent = new LogEvent();
            var slot = table.TryAdd(logEvent);
            Assert.NotEqual(-1, slot);
            Assert.Same(logEvent, table.Take(slot));
        }

        Assert.Equal(Chunk, table.Drawable);
        Assert.Same(straggler, table.Take(held));
    }
}
