using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// <c>--quick --gc-trace</c>: counts the runtime's GC start reasons and the types behind large-object
/// allocation ticks, to tell which allocations make collections expensive.
/// </summary>
internal sealed class GcTrace : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    public ConcurrentDictionary<string, int> Reasons { get; } = new();

    public ConcurrentDictionary<string, int> LargeTypes { get; } = new();

    /// <summary>Small-object allocation ticks (one per ~100 KB allocated) off the caller's thread, by type: what the worker allocates.</summary>
    public ConcurrentDictionary<string, int> OtherThreadTypes { get; } = new();

    private readonly long _callerThread = OsThreadId();

    private readonly List<double> _suspensions = [];
    private readonly List<double> _collections = [];
    private DateTime _suspendBegan;
    private DateTime _gcBegan;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || e.Payload is null || e.PayloadNames is null)
        {
            return;
        }

        // Runtime events arrive on one dispatch thread, in order, stamped where they happened.
        if (e.EventName.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal))
        {
            _suspendBegan = e.TimeStamp;
        }
        else if (e.EventName.StartsWith("GCSuspendEEEnd", StringComparison.Ordinal) && _suspendBegan != default)
        {
            _suspensions.Add((e.TimeStamp - _suspendBegan).TotalMicroseconds);
        }
        else if (e.EventName.StartsWith("GCEnd", StringComparison.Ordinal) && _gcBegan != default)
        {
            _collections.Add((e.TimeStamp - _gcBegan).TotalMicroseconds);
        }

        if (e.EventName.StartsWith("GCStart", StringComparison.Ordinal))
        {
            _gcBegan = e.TimeStamp;
            var key = $"gen{Value(e, "Depth")} reason {Value(e, "Reason")}";
            Reasons.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
        else if (e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && Value(e, "AllocationKind") is "1" or "2")
        {
            LargeTypes.AddOrUpdate($"{Value(e, "TypeName")} (kind {Value(e, "AllocationKind")})", 1, (_, n) => n + 1);
        }
        else if (e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.OSThreadId != _callerThread)
        {
            OtherThreadTypes.AddOrUpdate(Value(e, "TypeName") ?? "?", 1, (_, n) => n + 1);
        }
    }

    public void Print()
    {
        Console.WriteLine($"//   suspending threads for a GC, µs: {Summary(_suspensions)}; the GC itself, µs: {Summary(_collections)}");
        foreach (var (key, count) in Reasons.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"//   GC {key}: {count}");
        }

        foreach (var (key, count) in LargeTypes.OrderByDescending(p => p.Value))
        {
            Console.WriteLine($"//   large/pinned allocation tick {key}: {count}");
        }

        var ticks = OtherThreadTypes.Values.Sum();
        foreach (var (key, count) in OtherThreadTypes.OrderByDescending(p => p.Value).Take(15))
        {
            Console.WriteLine(System.FormattableString.Invariant($"//   other threads' allocation tick {key}: {count} ({100.0 * count / ticks:F1} %)"));
        }
    }

    /// <summary>The calling thread's id as the runtime's events give it (Linux: its task id); -1 elsewhere.</summary>
    private static long OsThreadId()
    {
        var target = new DirectoryInfo("/proc/thread-self").LinkTarget; // "<pid>/task/<tid>"
        return target is not null && long.TryParse(target[(target.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : -1;
    }

    private static string Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return "none";
        }

        var sorted = values.Order().ToArray();
        return System.FormattableString.Invariant($"median {sorted[sorted.Length / 2]:F0}, p90 {sorted[sorted.Length * 9 / 10]:F0}, max {sorted[^1]:F0} ({sorted.Length})");
    }

    private static string? Value(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames!.IndexOf(name);
        return index < 0 ? null : Convert.ToString(e.Payload![index], System.Globalization.CultureInfo.InvariantCulture);
    }
}
