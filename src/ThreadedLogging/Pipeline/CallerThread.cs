using System.Diagnostics;
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

    private ExecutionContext? _contextWithoutScopes;
    private ExecutionContext? _activityContext;
    private Activity? _activity;
    private ScopeReader? _readerWithoutScopes;

    private readonly bool _isNested;
    private CallerThread? _nested;

    // The count slots of the queues this frame logged into last (CountSlotOf): the latest one first, then a few more,
    // for a call that goes to several handlers (each provider of a logger gets it). Kept strongly, like the contexts
    // above: a few small objects per thread.
    private CallCounts? _lastCounts;
    private CallCounts.Slot? _lastSlot;
    private readonly (CallCounts? Counts, CallCounts.Slot? Slot)[] _otherSlots = new (CallCounts?, CallCounts.Slot?)[OtherSlots];
    private int _nextOtherSlot;

    private const int OtherSlots = 4;

    private CallerThread(bool nested = false)
    {
        _isNested = nested;
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

    /// <summary>
    /// Gets or sets whether a log call of this frame is under way (<see cref="EventQueue.Log{TState}"/>). App code runs
    /// inside a call (a formatter, a scope's or a value's <c>ToString</c>), and when it logs on the same thread that call
    /// must not reuse this frame's <see cref="Writer"/> and <see cref="Scopes"/>: it overwrote the outer record (an event
    /// with an empty message, the inner one lost), and a scope whose <c>ToString</c> logs recursed without end.
    /// </summary>
    public bool InCall { get; set; }

    /// <summary>
    /// The frame for a call made while <see cref="InCall"/>: one nested frame of its own (its own writer and scopes), made
    /// at the first such call; null when this is that nested frame and it is busy too (a third level: the call is dropped
    /// and counted, which also ends a recursion).
    /// </summary>
    public CallerThread? Reentered()
    {
        if (_isNested)
        {
            return null;
        }

        var nested = _nested ??= new CallerThread(nested: true);
        return nested.InCall ? null : nested;
    }

    /// <summary>Encodes this thread's log calls into records (<see cref="RecordQueue"/>).</summary>
    public RecordWriter Writer { get; } = new();

    /// <summary>Scopes are collected here, then copied into an array of the right size.</summary>
    public List<object?> Scopes { get; } = [];

    /// <summary>Whether this thread's last call found no scope of <paramref name="reader"/> in this very execution context (<see cref="ScopeReader"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool KnowsNoScopes(ScopeReader reader, ExecutionContext context) =>
        ReferenceEquals(context, _contextWithoutScopes) && ReferenceEquals(reader, _readerWithoutScopes);

    /// <summary>
    /// <see cref="Activity.Current"/>, which lives in an async-local, that is in the <see cref="ExecutionContext"/>: an
    /// immutable object that any change of an async-local replaces. So a call in the context of this thread's last call has
    /// that call's activity, and skips the async-local's lookup (about 5 % of the caller's samples in a perf profile of a
    /// burst). The context is kept until the thread's next call in another one, as <see cref="RememberNoScopes"/> keeps it.
    /// </summary>
    /// <param name="context">The calling thread's <see cref="ExecutionContext.Capture"/>; null (its flow suppressed): read as it is.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Activity? ActivityOf(ExecutionContext? context)
    {
        if (context is not null && ReferenceEquals(context, _activityContext))
        {
            return _activity;
        }

        var activity = Activity.Current;
        if (context is not null)
        {
            _activityContext = context;
            _activity = activity;
        }

        return activity;
    }

    /// <summary>This frame's slot in <paramref name="counts"/> (one queue's <see cref="CallCounts"/>): a field compare when it logged there last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CallCounts.Slot CountSlotOf(CallCounts counts) =>
        ReferenceEquals(counts, _lastCounts) ? _lastSlot! : OtherCountSlotOf(counts);

    /// <summary>Remembers that <paramref name="reader"/> found no scope in <paramref name="context"/> (one context per thread is kept).</summary>
    public void RememberNoScopes(ScopeReader reader, ExecutionContext context)
    {
        _contextWithoutScopes = context;
        _readerWithoutScopes = reader;
    }

    /// <summary>The slot of a queue other than the last one: from the few kept (swapped with the last), else the queue's own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private CallCounts.Slot OtherCountSlotOf(CallCounts counts)
    {
        var at = 0;
        while (at < OtherSlots && !ReferenceEquals(_otherSlots[at].Counts, counts))
        {
            at++;
        }

        CallCounts.Slot slot;
        if (at < OtherSlots)
        {
            slot = _otherSlots[at].Slot!;
        }
        else
        {
            slot = counts.SlotOf(this);
            at = _nextOtherSlot;
            _nextOtherSlot = (_nextOtherSlot + 1) % OtherSlots;
        }

        _otherSlots[at] = _lastCounts is null ? default : (_lastCounts, _lastSlot!);
        _lastCounts = counts;
        _lastSlot = slot;
        return slot;
    }
}
