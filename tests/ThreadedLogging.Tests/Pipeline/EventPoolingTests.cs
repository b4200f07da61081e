using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// Handlers whose sink copies events during the send read queued records into the same <see cref="LogEvent"/>
/// objects batch after batch: a reused event must carry nothing of its previous life, sinks that keep events
/// must never see one reused, and a log call allocates nothing beyond its call site.
/// </summary>
/// <remarks>
/// Not run in parallel with other tests: the allocation test measures the calling thread, and the queue's
/// segments are first allocated by the first handlers that fill them.
/// </remarks>
[Collection(PoolingCollection.Name)]
public sealed class EventPoolingTests
{
    private const int Rounds = 4;
    private const int PerRound = 1500;

    [Fact]
    public void Rent_ReusedEvent_CarriesOnlyWhatItsOwnCallCaptured()
    {
        var sink = new SnapshotSink();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, QueueCapacity = 10_000, BatchSize = 100 });
        Assert.True(handler.PoolsEvents);
        var logger = handler.CreateLogger("Pooling");
        var expected = new List<Snapshot>();
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < PerRound; i++)
            {
                var n = (round * PerRound) + i;
                expected.Add(LogOne(logger, n));
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(expected, sink.Snapshots);

        // The test means something only if events really were reused across rounds.
        Assert.True(sink.DistinctObjects < expected.Count / 2, $"{sink.DistinctObjects} distinct event objects for {expected.Count} events: no reuse");
    }

    [Fact]
    public void Log_ConcurrentCallersThroughATinyRing_LoseNothingAndKeepOrder()
    {
        // Capacity 8: the ring wraps thousands of times and the pool recycles events while both callers
        // log; a slot reused too early, or an event recycled while queued, shows as a loss or a duplicate.
        const int PerCaller = 20_000;
        var sink = new NumberSink();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            QueueCapacity = 8,
            BatchSize = 4,
            FullMode = QueueFullMode.Wait,
            IncludeScopes = false,
        });
        Assert.True(handler.PoolsEvents);
        var logger = handler.CreateLogger("Ring");
        var callers = Enumerable.Range(0, 2).Select(caller => new Thread(() =>
        {
            for (var n = 0; n < PerCaller; n++)
            {
                logger.LogInformation("Caller {Caller} event {N}", caller, n);
            }
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));

        for (var caller = 0; caller < 2; caller++)
        {
            Assert.Equal(Enumerable.Range(0, PerCaller), sink.Numbers(caller));
        }

        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public void Log_SinkThatKeepsEvents_NeverSeesOneReused()
    {
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, QueueCapacity = 10_000, BatchSize = 100 });
        Assert.False(handler.PoolsEvents);
        var logger = handler.CreateLogger("Keeping");
        for (var n = 0; n < 3000; n++)
        {
            logger.LogInformation("Kept {Number}", n);
            if (n % 1000 == 999)
            {
                Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            }
        }

        var delivered = sink.Delivered;
        Assert.Equal(3000, delivered.Count);
        Assert.Equal(3000, delivered.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(Enumerable.Range(0, 3000).Select(n => $"Kept {n}"), delivered.Select(e => e.Message));
    }

    [Fact]
    public void Redact_Throws_TheDroppedPooledEventIsReadIntoAgain()
    {
        // A pooled event whose redaction throws (a bug of ours: no log call makes one, the call freezes values) is
        // dropped and counted; it went out of the pool for good, so a handler that met N of them allocated N more.
        var sink = new SnapshotSink();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, BatchSize = 100, Interval = TimeSpan.FromHours(1) });
        Assert.True(handler.PoolsEvents);
        var faulty = Spool.SpoolFaultTests.FaultsWhenTakenOff();
        faulty.IsPooled = true;
        handler.Queue.Enqueue(faulty);
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal((1L, 0L), (handler.Statistics.Dropped, handler.Statistics.Sent));

        handler.CreateLogger("Pooling").LogInformation("next");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal(["next"], sink.Snapshots.Select(s => s.Message));
        Assert.True(sink.Saw(faulty), "the next record was read into a new event: the dropped one never went back to the pool");
    }

    [Fact]
    public void PoolsEvents_HandlerWithSpool_IsFalse()
    {
        using var directory = new TempDirectory();
        using var handler = new ThreadedHandler(new SnapshotSink(), new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, BufferDirectory = directory.Path });
        Assert.False(handler.PoolsEvents);
    }

    [Fact]
    public void Log_PoolingHandler_AllocatesNoMoreThanTheCallSite()
    {
        const int WarmUp = 10_000;
        const int Calls = 4_000;
        var sink = new SnapshotSink { Keep = false };
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, QueueCapacity = 2 * WarmUp, IncludeScopes = false });
        var logger = handler.CreateLogger("Allocations");

        // Warm up with the sink held, so that all warm-up events are in flight at once: the queue's segments
        // are allocated then (and kept), and the code paths have run once.
        sink.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Burst(logger, WarmUp);
        sink.Gate.SetResult();
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        // The smaller of two bursts: a one-time cost (a method's first call, a type loaded) allocates once.
        var baseline = Math.Min(Burst(NullLogger.Instance, Calls), Burst(NullLogger.Instance, Calls));
        var first = Burst(logger, Calls);
        var second = Burst(logger, Calls);
        var ours = Math.Min(first, second);

        // The call site's params array and boxed decimal are the baseline; a LogEvent and its property
        // array per call would add ~240 B.
        Assert.True(ours - baseline < Calls * 8, $"{(ours - baseline) / (double)Calls:F1} B per call beyond the call site ({first}, {second} vs {baseline}; sent {handler.Statistics.Sent})");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(WarmUp + (2 * Calls), handler.Statistics.Sent);
    }

    private static long Burst(ILogger logger, int calls)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            logger.LogInformation("Paid {Employee} {Amount}", "alice", 1200m);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Events of varying shape, so that a reused event meets every kind of leftover.</summary>
    private static Snapshot LogOne(ILogger logger, int n)
    {
        switch (n % 5)
        {
            case 0:
                logger.LogInformation(new EventId(n + 1), "Three {A} {B} {C}", n, "b" + n, n * 2.5);
                return new Snapshot(n, "Three {A} {B} {C}", $"Three {n} b{n} {(n * 2.5).ToString(System.Globalization.CultureInfo.InvariantCulture)}", $"A={n};B=b{n};C={(n * 2.5).ToString(System.Globalization.CultureInfo.InvariantCulture)}", null, string.Empty, false);
            case 1:
                logger.LogError(new EventId(n + 1), new InvalidOperationException("boom " + n), "Failed {Id}", n);
                return new Snapshot(n, "Failed {Id}", $"Failed {n}", $"Id={n}", "boom " + n, string.Empty, false);
            case 2:
                using (logger.BeginScope("scope {Number}", n))
                {
                    logger.LogWarning(new EventId(n + 1), "No properties");
                }

                return new Snapshot(n, "No properties", "No properties", string.Empty, null, $"Number={n}", false);
            case 3:
                using (new Activity("pooling").SetIdFormat(ActivityIdFormat.W3C).Start())
                {
                    logger.LogInformation(new EventId(n + 1), "Traced {Id}", n);
                }

                return new Snapshot(n, "Traced {Id}", $"Traced {n}", $"Id={n}", null, string.Empty, true);
            default:
                logger.Log(LogLevel.Information, new EventId(n + 1), $"plain {n}", null, static (s, _) => s);
                return new Snapshot(n, null, $"plain {n}", string.Empty, null, string.Empty, false);
        }
    }

    /// <summary>Copies (caller, n) out of each event during the send, as a copying sink does.</summary>
    private sealed class NumberSink : ILogBatchSink, ICopiesEvents
    {
        private readonly List<int>[] _numbers = [[], []];

        public IReadOnlyList<int> Numbers(int caller)
        {
            lock (_numbers)
            {
                return [.. _numbers[caller]];
            }
        }

        public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            lock (_numbers)
            {
                foreach (var e in batch.Events)
                {
                    if (e.Category == "Ring")
                    {
                        _numbers[(int)e.Properties[0].Value!].Add((int)e.Properties[1].Value!);
                    }
                }
            }

            return ValueTask.FromResult(SendResult.Success);
        }
    }

    private sealed record Snapshot(int EventId, string? Template, string Message, string Properties, string? Exception, string Scopes, bool Traced);

    /// <summary>A sink that copies what it needs during the send, as the HTTP and SQS sinks do.</summary>
    private sealed class SnapshotSink : ILogBatchSink, ICopiesEvents
    {
        private readonly List<Snapshot> _snapshots = [];
        private readonly HashSet<LogEvent> _objects = new(ReferenceEqualityComparer.Instance);

        public bool Keep { get; init; } = true;

        /// <summary>When set, every send waits for it: the events stay in flight.</summary>
        public TaskCompletionSource? Gate { get; set; }

        public IReadOnlyList<Snapshot> Snapshots
        {
            get
            {
                lock (_snapshots)
                {
                    return [.. _snapshots];
                }
            }
        }

        public int DistinctObjects => _objects.Count;

        public bool Saw(LogEvent logEvent)
        {
            lock (_snapshots)
            {
                return _objects.Contains(logEvent);
            }
        }

        public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            lock (_snapshots)
            {
                foreach (var e in batch.Events)
                {
                    if (!Keep || e.Category == "ThreadedLogging")
                    {
                        continue;
                    }

                    _objects.Add(e);
                    _snapshots.Add(new Snapshot(
                        e.EventId.Id - 1,
                        e.Template,
                        e.Message,
                        string.Join(";", e.Properties.Select(p => $"{p.Key}={Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)}")),
                        e.Exception?.Message,
                        string.Join(";", e.Scopes.OfType<KeyValuePair<string, object?>[]>().SelectMany(s => s).Where(p => p.Key != "{OriginalFormat}").Select(p => $"{p.Key}={p.Value}")),
                        e.TraceId != default));
                }
            }

            return SendResult.Success;
        }
    }
}

/// <summary>Runs after every parallel test collection, alone: the event pool is process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PoolingCollection
{
    public const string Name = "Event pool (alone)";
}
