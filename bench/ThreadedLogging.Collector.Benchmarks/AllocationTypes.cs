using System.Diagnostics.Tracing;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Counts the runtime's allocation ticks (<c>GCAllocationTick</c>: one per ~100 KB allocated, naming the type of the
/// allocation that crossed it) by type while it lives: where the bytes go, without dotnet-counters or a profiler.
/// </summary>
internal sealed class AllocationTypes : EventListener
{
    private const int AllocationTickEventId = 10;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public IEnumerable<(string Type, int Ticks)> Top(int count)
    {
        lock (_counts)
        {
            return [.. _counts.OrderByDescending(c => c.Value).Take(count).Select(c => (c.Key, c.Value))];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null)
        {
            return;
        }

        var at = eventData.PayloadNames.IndexOf("TypeName");
        var type = at >= 0 ? eventData.Payload?[at] as string ?? "?" : "?";
        lock (_counts)
        {
            _counts[type] = _counts.GetValueOrDefault(type) + 1;
        }
    }
}
