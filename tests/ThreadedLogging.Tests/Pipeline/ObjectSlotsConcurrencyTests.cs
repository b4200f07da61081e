using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The table of calls kept as objects (<see cref="ObjectSlots"/>) under many caller threads at once: each slot is taken
/// with one compare-and-swap and the table grows by chunks as they draw, so a slot handed to two calls would lose one
/// event and deliver another twice. Its tests were single-threaded; the threads here start together on a barrier and
/// the table grows across chunks while they draw, or all draw one slot (where the compare-and-swap alone decides).
/// </summary>
public sealed class ObjectSlotsConcurrencyTests
{
    private const int Chunk = ObjectSlots.ChunkSlots;

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task TryAdd_ManyThreadsWhileTheTableGrows_NoSlotHandedOutTwice(int threads)
    {
        // Every other event is taken back at once by its own thread (a call whose record was not queued), so the draws
        // come round to slots still held and the table grows while the threads race; the others stay, past three chunks.
        var table = new ObjectSlots(16L * Chunk);
        var perThread = (6 * Chunk / threads) + 1;
        var kept = new (int Slot, LogEvent Event)[threads][];
        var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var mine = new List<(int, LogEvent)>(perThread / 2);
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    var logEvent = new LogEvent();
                    var slot = table.TryAdd(logEvent);
                    Assert.NotEqual(-1, slot);
                    if (i % 2 == 1)
                    {
                        Assert.Same(logEvent, table.Take(slot)); // another thread's event here: the slot was handed out twice
                    }
                    else
                    {
                        mine.Add((slot, logEvent));
                    }
                }

                kept[t] = [.. mine];
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120)); // a bound on a hang, not a timing

        var all = kept.SelectMany(k => k).ToArray();
        Assert.Equal(all.Length, all.Select(k => k.Slot).Distinct().Count());
        Assert.Equal(all.Length, table.InUse);
        Assert.True(table.Drawable > 2 * Chunk, $"the table drew from {table.Drawable} slots: it did not grow across chunks");
        foreach (var (slot, logEvent) in all)
        {
            Assert.Same(logEvent, table.Take(slot));
        }

        Assert.Equal(0, table.InUse);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task TryAdd_ManyThreadsDrawingOneSlot_EachThreadTakesBackItsOwnEventEachTime(int threads)
    {
        // Every draw of a table of one slot is that slot: only its compare-and-swap keeps two threads from both taking
        // it, the second's event written over the first's (a table of 64 Ki slots and more draws the same slot twice at
        // once only when a draw is held up for a whole lap, too rarely for a test to see: 95adeab, whose tests all passed
        // with the compare-and-swap made a read then a write). Each thread parks its numbered events one by one, without
        // allocating (so that the draws, not the rest, fill the time), and takes each back at once: it must get its own
        // event, every time (a slot written over gives another thread's event, or none: Take throws).
        const int PerThread = 1_000_000;
        var table = ObjectSlots.Small(1);
        var taken = new int[threads];
        var refused = new int[threads];
        var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var mine = Enumerable.Range(0, 16).Select(n => LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "T", "e", new("T", t), new("N", n))).ToArray();
                start.SignalAndWait();
                for (var n = 0; n < PerThread; n++)
                {
                    var logEvent = mine[n & 15];
                    var slot = table.TryAdd(logEvent);
                    if (slot == -1)
                    {
                        refused[t]++; // another thread held the slot for all eight draws (a log call would count a drop)
                        continue;
                    }

                    var back = table.Take(slot);
                    if (!ReferenceEquals(logEvent, back))
                    {
                        Assert.Fail($"thread {t} parked its event {n & 15} and took back thread {back.Properties[0].Value}'s event {back.Properties[1].Value}: the slot was handed out twice");
                    }

                    taken[t]++;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120)); // a bound on a hang, not a timing

        Assert.Equal(threads * PerThread, taken.Sum() + refused.Sum());
        // Not vacuous: every thread had the slot (how often it found it held is the scheduler's, not a property of the table).
        Assert.All(taken, (count, t) => Assert.True(count > 0, $"thread {t} never had the slot ({refused[t]} draws found it held)"));
        Assert.Equal(0, table.InUse);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Log_ObjectCallsFromManyThreadsWhileTheSendIsHeld_EachDeliveredOnceInEachThreadsOrder(int threads)
    {
        // Exception calls from every thread while the transport holds the first batch: the table must grow past two
        // chunks before anything is taken; then the send is released.
        var perThread = ((2 * Chunk) + 10_000) / threads;
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Interval = TimeSpan.FromHours(1), // only explicit triggers
            BatchSize = 1, // the worker takes one event and holds it in the transport: no other is taken off the queue
            MaxQueueBytes = 1024L * 1024 * 1024, // ~1.3 KiB charged a call: the bytes are far from full
        });
        var logger = handler.CreateLogger("App");
        logger.LogInformation("first");
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var error = new InvalidOperationException("kept as an object");
        var start = new Barrier(threads);
        var callers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    logger.LogError(error, "failed {T} {N}", t, i);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(120)); // never blocks: bounded only against a hang

        var held = handler.Statistics;
        Assert.Equal((1L + (threads * perThread), 0L), (held.Enqueued, held.Dropped));
        Assert.Equal(threads * perThread, handler.Queue.Objects.InUse);
        Assert.True(handler.Queue.Objects.Drawable > 2 * Chunk, $"the table drew from {handler.Queue.Objects.Drawable} slots: it did not grow across chunks");

        sink.Open();
        Assert.True(handler.Flush(TimeSpan.FromSeconds(120)));
        var next = new int[threads];
        var delivered = sink.Delivered;
        Assert.Equal("first", delivered[0].Message);
        foreach (var logEvent in delivered.Skip(1))
        {
            var t = (int)logEvent.Properties.Single(p => p.Key == "T").Value!;
            Assert.Equal(next[t]++, logEvent.Properties.Single(p => p.Key == "N").Value); // each once, in its thread's order
        }

        Assert.All(next, n => Assert.Equal(perThread, n));
        Assert.Equal(1 + (threads * perThread), delivered.Count);
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Empty(sink.Notices);
    }
}
