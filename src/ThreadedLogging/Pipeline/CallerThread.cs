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

    /// <summary>
    /// <see cref="ExecutionContext.Capture"/> for this frame's thread (the calling one), read from the thread's own field:
    /// <c>Capture</c> finds the thread through a thread-static (a call into the C library, <c>__tls_get_addr</c>) that
    /// <see cref="Current"/> has just paid for. The same object <c>Capture</c> returns (the default context for a thread
    /// that never set an async-local, null when its flow is suppressed); <c>Capture</c> itself when this runtime's fields
    /// are not the ones read (<see cref="ContextFields"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ExecutionContext? CaptureContext()
    {
        if (!ContextFields.Usable)
        {
            return ExecutionContext.Capture();
        }

        var context = ContextFields.Of(Thread);
        return context is null ? ContextFields.Default : ContextFields.IsFlowSuppressed(context) ? null : context;
    }

    /// <summary>Gets whether <see cref="CaptureContext"/> reads the thread's fields (tests: false on a runtime whose fields differ).</summary>
    internal static bool ReadsContextFields => ContextFields.Usable;

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

    /// <summary>
    /// The fields <see cref="ExecutionContext.Capture"/> reads (.NET's <c>Thread._executionContext</c>,
    /// <c>ExecutionContext.m_isFlowSuppressed</c> and <c>ExecutionContext.Default</c>), checked once against <c>Capture</c>
    /// itself (<see cref="ContextAccess.Probe"/>): a runtime that renamed them gets <c>Capture</c>, as before.
    /// </summary>
    private static class ContextFields
    {
        public static readonly ExecutionContext? Default = ContextAccess.TryDefault();

        public static readonly bool Usable = Default is not null && ContextAccess.Probe(Default);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ExecutionContext? Of(Thread thread) => ContextAccess.Of(thread);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool IsFlowSuppressed(ExecutionContext context) => ContextAccess.IsFlowSuppressed(context);
    }

    /// <summary>The accessors of <see cref="ContextFields"/>, apart from its static state: the probe's thread calls them while that state is being initialized.</summary>
    private static class ContextAccess
    {
        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_executionContext")]
        public static extern ref ExecutionContext? Of(Thread thread);

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_isFlowSuppressed")]
        public static extern ref readonly bool IsFlowSuppressed(ExecutionContext context);

        public static ExecutionContext? TryDefault()
        {
            try
            {
                return DefaultOf(null);
            }
            catch (Exception e) when (e is MissingMemberException or TypeLoadException or NotSupportedException)
            {
                return null;
            }
        }

        /// <summary>Whether the fields give what <c>Capture</c> gives, on a thread of its own: with no context yet, with an async-local set, and with the flow suppressed.</summary>
        public static bool Probe(ExecutionContext defaultContext)
        {
            try
            {
                var matches = false;
                var thread = new Thread(() =>
                {
                    try
                    {
                        var current = Thread.CurrentThread;
                        var fresh = Read(current, defaultContext) == ExecutionContext.Capture();
                        var local = new AsyncLocal<object> { Value = new object() };
                        var set = Read(current, defaultContext) == ExecutionContext.Capture() && ExecutionContext.Capture() != defaultContext;
                        using (ExecutionContext.SuppressFlow())
                        {
                            matches = fresh && set && Read(current, defaultContext) is null && ExecutionContext.Capture() is null;
                        }

                        GC.KeepAlive(local);
                    }
                    catch (Exception)
                    {
                        matches = false; // a field this runtime does not have: Capture it is
                    }
                })
                {
                    IsBackground = true,
                    Name = "ThreadedLogging context probe",
                };
                thread.Start();
                thread.Join();
                return matches;
            }
            catch (Exception e) when (e is MissingMemberException or TypeLoadException or NotSupportedException or InvalidProgramException or OutOfMemoryException)
            {
                return false;
            }
        }

        [UnsafeAccessor(UnsafeAccessorKind.StaticField, Name = "Default")]
        private static extern ref ExecutionContext DefaultOf(ExecutionContext? type);

        private static ExecutionContext? Read(Thread thread, ExecutionContext defaultContext) =>
            Of(thread) is not { } context ? defaultContext : IsFlowSuppressed(context) ? null : context;
    }
}
