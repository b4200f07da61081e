namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>One measured run of the load tool.</summary>
public sealed record DeliveryResult
{
    public required bool Spool { get; init; }

    public required int Run { get; init; }

    public required int Events { get; init; }

    /// <summary>Gets the time from the first log call until the last log call returned (all threads).</summary>
    public required TimeSpan LogTime { get; init; }

    /// <summary>Gets the time from the first log call until <c>Flush</c> returned.</summary>
    public required TimeSpan TotalTime { get; init; }

    public required bool Flushed { get; init; }

    /// <summary>Gets how many events the collector holds for the run's user.</summary>
    public required long Stored { get; init; }

    /// <summary>Gets how many distinct event numbers 0..N-1 the collector holds.</summary>
    public required long Distinct { get; init; }

    public required ThreadedHandlerStatistics Statistics { get; init; }

    /// <summary>Gets the CPU time of this (client) process during the run.</summary>
    public required TimeSpan ClientCpu { get; init; }

    /// <summary>Gets the CPU time of the collector process during the run.</summary>
    public required TimeSpan CollectorCpu { get; init; }

    /// <summary>Gets the bytes this process allocated during the run (all threads: the callers and the worker).</summary>
    public required long ClientAllocated { get; init; }

    public required int Gen0 { get; init; }

    public required int Gen1 { get; init; }

    public required int Gen2 { get; init; }

    public int SelfLogLines { get; init; }

    /// <summary>Gets the machine's 1-minute load average when the run started (/proc/loadavg): the machine is shared.</summary>
    public double LoadAverage { get; init; }

    /// <summary>Gets the client's CPU time per event (log call, batching, spool, JSON, gzip, HTTP), in microseconds.</summary>
    public double ClientCpuPerEvent => ClientCpu.TotalMicroseconds / Events;

    /// <summary>Gets the collector's CPU time per event (HTTP, gunzip, parse, SQLite with FTS5), in microseconds.</summary>
    public double CollectorCpuPerEvent => CollectorCpu.TotalMicroseconds / Events;

    public double EventsPerSecond => Events / TotalTime.TotalSeconds;

    public double LogCallsPerSecond => Events / LogTime.TotalSeconds;

    /// <summary>Gets whether the collector holds exactly the events logged, each once, and nothing was dropped.</summary>
    public bool Complete => Flushed && Stored == Events && Distinct == Events && Statistics.Dropped == 0;
}
