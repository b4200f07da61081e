using System.Collections.Concurrent;

namespace ThreadedLogging;

/// <summary>
/// Reuses <see cref="LogEvent"/> objects (and their property buffers) so that a log call allocates
/// nothing that outlives it. Without this every queued event is young garbage that the collector has
/// to copy, often twice, while the worker still holds it — the main cost of a burst of logging.
/// </summary>
/// <remarks>
/// Callers take events from their thread's chunk (<see cref="CallerThread"/>) without any synchronisation; a worker gives events
/// back in whole chunks, through a <see cref="Returner"/>, once their batch is done. The pool is a cache:
/// an event that is never returned is simply collected, and the pool keeps no more events than the
/// queues of the handlers that use it can hold (at most <see cref="MaxEventsPerHandler"/> each).
/// </remarks>
internal static class LogEventPool
{
    internal const int ChunkSize = 256;

    /// <summary>The most events one handler adds to the pool's limit: 64 Ki events, about 16 MiB.</summary>
    internal const int MaxEventsPerHandler = 64 * 1024;

    private static readonly ConcurrentStack<LogEvent[]> FullChunks = new();
    private static readonly ConcurrentStack<LogEvent[]> EmptyChunks = new();
    private static int s_fullChunks;
    private static int s_maxChunks;

    /// <summary>Raises the pool's limit for one more handler whose queue holds <paramref name="capacity"/> events.</summary>
    public static void AddCapacity(int capacity) =>
        Interlocked.Add(ref s_maxChunks, (Math.Min(capacity, MaxEventsPerHandler) + ChunkSize - 1) / ChunkSize);

    /// <summary>Lowers it again when the handler is disposed; with no pooling handler left, the pool empties.</summary>
    public static void RemoveCapacity(int capacity)
    {
        if (Interlocked.Add(ref s_maxChunks, -((Math.Min(capacity, MaxEventsPerHandler) + ChunkSize - 1) / ChunkSize)) <= 0)
        {
            while (FullChunks.TryPop(out _))
            {
                Interlocked.Decrement(ref s_fullChunks);
            }
        }
    }

    /// <summary>Gets how many chunks of events the pool holds (tests).</summary>
    internal static int FullChunkCount => Volatile.Read(ref s_fullChunks);

    /// <summary>Gets the pool's current limit in chunks (tests).</summary>
    internal static int MaxChunkCount => Volatile.Read(ref s_maxChunks);

    /// <summary>An event to fill: from this thread's chunk, else a chunk the workers gave back, else new.</summary>
    public static LogEvent Rent(CallerThread caller)
    {
        var chunk = caller.Chunk;
        var count = caller.ChunkCount - 1;
        if (chunk is not null && (uint)count < (uint)chunk.Length)
        {
            caller.ChunkCount = count;
            var pooled = chunk[count];
            chunk[count] = null!;
            return pooled;
        }

        return RentSlow(caller);
    }

    private static LogEvent RentSlow(CallerThread caller)
    {
        if (caller.Chunk is { } spent)
        {
            caller.Chunk = null;
            EmptyChunks.Push(spent);
        }

        if (FullChunks.TryPop(out var chunk))
        {
            Interlocked.Decrement(ref s_fullChunks);
            caller.Chunk = chunk;
            caller.ChunkCount = chunk.Length - 1;
            var pooled = chunk[^1];
            chunk[^1] = null!;
            return pooled;
        }

        return new LogEvent { IsPooled = true };
    }

    /// <summary>Collects one worker's finished events into chunks for the callers. Not thread-safe: one per worker.</summary>
    internal sealed class Returner
    {
        private LogEvent[]? _chunk;
        private int _count;

        /// <summary>Takes back the pooled events of a finished batch; the caller must hold no other reference to them.</summary>
        public void Return(List<LogEvent> events)
        {
            foreach (var logEvent in events)
            {
                if (!logEvent.IsPooled)
                {
                    continue;
                }

                logEvent.Clear();
                _chunk ??= EmptyChunks.TryPop(out var empty) ? empty : new LogEvent[ChunkSize];
                _chunk[_count++] = logEvent;
                if (_count == _chunk.Length)
                {
                    Publish();
                }
            }
        }

        private void Publish()
        {
            if (Volatile.Read(ref s_fullChunks) < Volatile.Read(ref s_maxChunks))
            {
                Interlocked.Increment(ref s_fullChunks);
                FullChunks.Push(_chunk!);
                _chunk = null;
            }
            else
            {
                // The pool is full: let these events go to the collector, keep the array.
                _chunk.AsSpan().Clear();
            }

            _count = 0;
        }
    }
}
