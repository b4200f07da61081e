namespace ThreadedLogging;

/// <summary>
/// What a log call keeps per thread, behind one thread-static lookup: the thread itself, the chunk of
/// pooled events it takes from (<see cref="LogEventPool"/>) and the buffer scopes are collected in.
/// Thread statics cost a call to the C library each (<c>__tls_get_addr</c>, seen in a perf profile of the
/// call); five of them per call became one.
/// </summary>
internal sealed class CallerThread
{
    [ThreadStatic]
    private static CallerThread? t_current;

    private CallerThread()
    {
        Thread = Thread.CurrentThread;
        ManagedThreadId = Thread.ManagedThreadId;
    }

    /// <summary>Gets the calling thread's state.</summary>
    public static CallerThread Current => t_current ??= new CallerThread();

    public Thread Thread { get; }

    public int ManagedThreadId { get; }

    /// <summary>The chunk this thread takes pooled events from, and how many it still holds.</summary>
    public LogEvent[]? Chunk { get; set; }

    public int ChunkCount { get; set; }

    /// <summary>Scopes are collected here, then copied into an array of the right size.</summary>
    public List<object?> Scopes { get; } = [];
}
