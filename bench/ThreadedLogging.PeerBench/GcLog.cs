using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// Why each collection of the run happened: an in-process listener on the runtime's own events (the GC keyword at
/// informational level: a few events per collection, no allocation ticks), keeping each collection's generation,
/// reason and type (<c>GCStart</c>), for a gen1 or gen2 the conditions that raised it (<c>GCPerHeapHistory</c>'s condemn
/// reasons), and the bytes that survived it (<c>GCHeapStats</c>). The runtime hands these events to a dispatch thread
/// of its own, so the measured thread does no work for them. A collection is in the burst when its index lies between
/// <see cref="GC.CollectionCount"/> of gen0 (every collection) before and after the burst.
/// </summary>
internal sealed class GcLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private static readonly string[] Reasons =
    [
        "AllocSmall", "Induced", "LowMemory", "Empty", "AllocLarge", "OutOfSpaceSOH", "OutOfSpaceLOH", "InducedNotForced",
        "Internal", "InducedLowMemory", "InducedCompacting", "LowMemoryHost", "PMFullGC", "LowMemoryHostBlocking",
    ];

    private static readonly string[] Types = ["", " background", " foreground"];

    /// <summary>The runtime's <c>gc_condemn_reason_condition</c> bits (gcrecord.h) that can raise a collection to gen2 here.</summary>
    private static readonly (int Bit, string Name)[] ConditionNames =
    [
        (2, "high-memory"), (3, "very-high-memory"), (4, "low-ephemeral"), (5, "low-card-efficiency"), (6, "ephemeral-fragmented"),
        (7, "gen2-fragmented"), (11, "gen2-budget-spent"), (12, "before-oom"), (13, "gen2-too-small-for-background"), (16, "gen2-budget-almost-spent"),
    ];

    private readonly ConcurrentDictionary<long, Collection> _collections = new();
    private readonly ManualResetEventSlim _reached = new();
    private long _awaited = long.MaxValue;
    private long _highest;

    /// <summary>
    /// Waits until the listener has seen the end of the collection of index <paramref name="index"/> (the runtime
    /// dispatches its events some milliseconds late), or <paramref name="timeout"/> passes; false then.
    /// </summary>
    public bool WaitFor(long index, TimeSpan timeout)
    {
        if (index == 0)
        {
            return true;
        }

        Volatile.Write(ref _awaited, index);
        return (_collections.TryGetValue(index, out var c) && c.Ended) || _reached.Wait(timeout);
    }

    /// <summary>
    /// The _collections with index in (<paramref name="after"/>, <paramref name="upTo"/>], counted by generation, reason
    /// and type, e.g. <c>g0 AllocSmall: 25, g2 AllocSmall (low-card-efficiency, gen2-budget-spent): 1</c>; <c>?</c> for
    /// any the listener did not see.
    /// </summary>
    public SortedDictionary<string, int> Count(long after, long upTo)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var index = after + 1; index <= upTo; index++)
        {
            var key = _collections.TryGetValue(index, out var seen) ? seen.Describe() : "?";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    /// <summary>The bytes the _collections with index in (<paramref name="after"/>, <paramref name="upTo"/>] kept of gen0 (promoted to gen1) and of gen1 (to gen2).</summary>
    public (long FromGen0, long FromGen1) Survived(long after, long upTo)
    {
        long gen0 = 0, gen1 = 0;
        for (var index = after + 1; index <= upTo; index++)
        {
            if (_collections.TryGetValue(index, out var c))
            {
                gen0 += c.PromotedFromGen0;
                gen1 += c.PromotedFromGen1;
            }
        }

        return (gen0, gen1);
    }

    public override void Dispose()
    {
        base.Dispose();
        _reached.Dispose();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        long Field(string field) => names.IndexOf(field) is var at and >= 0 ? Convert.ToInt64(payload[at], CultureInfo.InvariantCulture) : 0;
        if (name.StartsWith("GCStart", StringComparison.Ordinal))
        {
            var index = Field("Count");
            _collections[index] = new Collection((int)Field("Depth"), (int)Field("Reason"), (int)Field("Type"));
            Volatile.Write(ref _highest, Math.Max(index, Volatile.Read(ref _highest)));
        }
        else if (_collections.TryGetValue(Volatile.Read(ref _highest), out var current))
        {
            // A workstation GC's history and stats follow its GCStart, before the next one's.
            if (name.StartsWith("GCPerHeapHistory", StringComparison.Ordinal))
            {
                current.Conditions = Field("CondemnReasons1");
            }
            else if (name.StartsWith("GCHeapStats", StringComparison.Ordinal))
            {
                current.PromotedFromGen0 = Field("TotalPromotedSize0");
                current.PromotedFromGen1 = Field("TotalPromotedSize1");
                current.Ended = true;
                if (Volatile.Read(ref _highest) >= Volatile.Read(ref _awaited))
                {
                    _reached.Set();
                }
            }
        }
    }

    private sealed class Collection(int depth, int reason, int type)
    {
        public long Conditions { get; set; }

        public long PromotedFromGen0 { get; set; }

        public long PromotedFromGen1 { get; set; }

        public bool Ended { get; set; }

        public string Describe()
        {
            var text = string.Create(
                CultureInfo.InvariantCulture,
                $"g{depth} {(reason >= 0 && reason < Reasons.Length ? Reasons[reason] : "reason " + reason.ToString(CultureInfo.InvariantCulture))}{(type >= 0 && type < Types.Length ? Types[type] : " type " + type.ToString(CultureInfo.InvariantCulture))}");
            if (depth < 1)
            {
                return text;
            }

            var why = ConditionNames.Where(c => (Conditions & (1L << c.Bit)) != 0).Select(c => c.Name).ToList();
            return why.Count == 0 ? text : $"{text} ({string.Join(", ", why)})";
        }
    }
}
