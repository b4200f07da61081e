using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// What a log call keeps per thread, behind one thread-static lookup: the thread itself, the writer that
/// encodes its calls into records (<see cref="RecordWriter"/>) and the buffer scopes are collected in.
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
    public static CallerThread Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? Create();
    }

    public Thread Thread { get; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CallerThread Create() => t_current = new CallerThread();

    public int ManagedThreadId { get; }

    /// <summary>Encodes this thread's log calls into records (<see cref="RecordQueue"/>).</summary>
    public RecordWriter Writer { get; } = new();

    /// <summary>Scopes are collected here, then copied into an array of the right size.</summary>
    public List<object?> Scopes { get; } = [];
}
