using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging;

/// <summary>The <see cref="ILogger"/> of one category: hands the call to the handler's queue, which encodes it into a record.</summary>
/// <remarks>
/// Also an <see cref="IBufferedLogger"/>: log buffering (Microsoft.Extensions.Telemetry) hands it the records it held with
/// their own time, attributes and message; a plain logger would get them as new calls at the flush, stamped with the
/// flush's time, trace and thread.
/// </remarks>
internal sealed class ThreadedLogger(ThreadedHandler handler, string category) : ILogger, IBufferedLogger
{
    private readonly EventQueue _queue = handler.Queue;
    private int _shipLevel = (int)handler.EffectiveLevel(category);
    private int _minLevel = handler.HoldsLevels ? (int)LogLevel.Trace : (int)handler.EffectiveLevel(category);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => handler.ScopeProvider?.Push(state);

    /// <summary>One volatile read: the level is recomputed when it changes (a rule arrives or expires, <c>Level</c> is set), not per call.</summary>
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (int)logLevel >= Volatile.Read(ref _minLevel);

    /// <summary>
    /// Recomputes this category's level (issue 13: a live rule, else the configured level). In the start's hold
    /// (<see cref="LevelHold"/>) every level gets through, and a call below this level is queued marked as held.
    /// </summary>
    public void Refresh()
    {
        var level = (int)handler.EffectiveLevel(category);
        Volatile.Write(ref _shipLevel, level);
        Volatile.Write(ref _minLevel, handler.HoldsLevels ? (int)LogLevel.Trace : level);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        if ((int)logLevel < _shipLevel)
        {
            if (!_queue.AdmitsHeld())
            {
                return; // past the start hold's budget: refused at once, counted apart (the configured level keeps its room)
            }

            logLevel = LevelHold.Mark(logLevel); // let in by the start's hold only: the worker decides at its release
        }

        try
        {
            if (_queue.TryDropEarly())
            {
                return; // a full queue makes the call cheaper, not as dear as a kept event
            }

            _queue.Log(category, logLevel, eventId, in state, exception, formatter, handler.CapturedScopes, handler.CallTime());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The log call never throws into the app: keep what can be read of the call, and report it.
            if (KeepReadable(logLevel, eventId, state, exception, formatter))
            {
                handler.ReportCallKeptPartly(category, e);
            }
            else
            {
                handler.ReportInternalError(e);
            }
        }
    }

    /// <summary>
    /// Records that log buffering held, flushed: each one this logger's level lets through is queued as an event of its
    /// own moment (<see cref="BufferedRecordCapture"/>), as an object record, under the rules of a log call: never thrown
    /// into the app, a full or closed queue drops it (counted), <see cref="QueueFullMode.Wait"/> waits for room.
    /// </summary>
    public void LogRecords(IEnumerable<BufferedLogRecord> records)
    {
        foreach (var record in records)
        {
            try
            {
                var held = (int)record.LogLevel < Volatile.Read(ref _shipLevel);
                if (IsEnabled(record.LogLevel) && (!held || _queue.AdmitsHeld()) && !_queue.TryDropEarly())
                {
                    var logEvent = BufferedRecordCapture.Capture(category, record);
                    if (held)
                    {
                        logEvent.Level = LevelHold.Mark(logEvent.Level); // as a call in the start's hold, within its budget
                    }

                    _queue.Enqueue(logEvent);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                handler.ReportInternalError(e); // one record that cannot be read costs that record only
            }
        }
    }

    /// <summary>
    /// After the state threw while it was read — MEL's state of a template with more holes than arguments throws for
    /// the missing ones (and MEL's own formatter throws too), or a formatter throws — the event is kept with what can
    /// be read: the template and the values there are (the message then shows a missing value's hole as written), or,
    /// without a template, a message that says the formatter failed.
    /// </summary>
    /// <returns>Whether the event was kept; if not (the failure was not the state's), the caller reports the first error.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool KeepReadable<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            var (pairs, message) = ReadableState.Of(state, exception, formatter);
            _queue.Enqueue(EventCapture.Capture(category, logLevel, eventId, pairs, exception, (_, _) => message, handler.CapturedScopes, handler.CallTime()));
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
