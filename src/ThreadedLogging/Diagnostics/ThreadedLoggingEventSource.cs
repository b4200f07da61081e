using System.Diagnostics.Tracing;

namespace ThreadedLogging;

/// <summary>
/// The library's own diagnostics (never logged through ILogger, so shipping logs never makes logs).
/// Listen with <c>dotnet-trace</c> or an <see cref="EventListener"/> on the source "ThreadedLogging".
/// Event ids are fixed: tools and tests depend on them.
/// </summary>
[EventSource(Name = "ThreadedLogging")]
internal sealed class ThreadedLoggingEventSource : EventSource
{
    public const int EventsDroppedId = 1;
    public const int SendFailedId = 2;
    public const int EventsLostAtShutdownId = 3;
    public const int EventsRejectedId = 4;
    public const int InternalErrorId = 5;
    public const int LevelChangedId = 6;
    public const int CallKeptPartlyId = 7;
    public const int OptionsReloadRefusedId = 8;
    public const int LateEventsDeliveredId = 9;
    public const int EventsRefusedAfterShutdownId = 10;
    public const int EventsUnreadableId = 11;
    public const int StartHoldReleasedId = 12;
    public const int LevelRulesChangedId = 13;
    public const int CredentialsInClearTextId = 14;

    public static readonly ThreadedLoggingEventSource Log = new();

    [Event(EventsDroppedId, Level = EventLevel.Warning, Message = "Events dropped, the queue was full: {0}")]
    public void EventsDropped(long count) => WriteEvent(EventsDroppedId, count);

    [Event(SendFailedId, Level = EventLevel.Warning, Message = "Sending a batch failed (events in it: {0}): {1}")]
    public void SendFailed(int count, string error) => WriteEvent(SendFailedId, count, error);

    [Event(EventsLostAtShutdownId, Level = EventLevel.Error, Message = "Events not delivered before the shutdown deadline: {0}")]
    public void EventsLostAtShutdown(long count) => WriteEvent(EventsLostAtShutdownId, count);

    [Event(EventsRejectedId, Level = EventLevel.Error, Message = "Events rejected by the receiver and dropped: {0} ({1})")]
    public void EventsRejected(int count, string error) => WriteEvent(EventsRejectedId, count, error);

    [Event(InternalErrorId, Level = EventLevel.Error, Message = "Internal error: {0}")]
    public void InternalError(string error) => WriteEvent(InternalErrorId, error);

    /// <summary>A handler's shipping level, at its start and whenever it changes (issue 13): its source is <c>configured</c> or <c>rule</c> (the collector's, until <paramref name="expires"/>).</summary>
    [Event(LevelChangedId, Level = EventLevel.Informational, Message = "Handler {3} ships at {0} ({1}; rule expires {2})")]
    public void LevelChanged(string level, string source, string expires, string instanceId) => WriteEvent(LevelChangedId, level, source, expires, instanceId);

    /// <summary>A log call whose state threw when read (the app's, not ours): the event was kept with what could be read.</summary>
    [Event(CallKeptPartlyId, Level = EventLevel.Warning, Message = "A log call of category {0} could not be read fully and was kept with what could be: {1}")]
    public void CallKeptPartly(string category, string error) => WriteEvent(CallKeptPartlyId, category, error);

    /// <summary>A handler's options reloaded with the configuration but not applied (a key naming no option, a value that does not bind or validate): the handler keeps its options.</summary>
    [Event(OptionsReloadRefusedId, Level = EventLevel.Warning, Message = "The reloaded {0} was not applied, the handler keeps its options: {1}")]
    public void OptionsReloadRefused(string section, string error) => WriteEvent(OptionsReloadRefusedId, section, error);

    /// <summary>
    /// Events logged while the process exited, reported lost then (<see cref="EventsLostAtShutdown"/>: the process might
    /// have ended at once), that the handler's later disposal delivered after all: subtract them from the lost count.
    /// </summary>
    [Event(LateEventsDeliveredId, Level = EventLevel.Informational, Message = "Events reported lost while the process exited but delivered after all: {0}")]
    public void LateEventsDelivered(long count) => WriteEvent(LateEventsDeliveredId, count);

    /// <summary>
    /// Log calls made while the handler's disposal drained its queue, refused (never sent): said once, at the end of the
    /// disposal. Not <see cref="EventsDropped"/>, whose queue was full.
    /// </summary>
    [Event(EventsRefusedAfterShutdownId, Level = EventLevel.Warning, Message = "Log calls made after the handler's disposal began, refused: {0}")]
    public void EventsRefusedAfterShutdown(long count) => WriteEvent(EventsRefusedAfterShutdownId, count);

    /// <summary>
    /// Events the worker took off the queue but could not read back (a bug of ours, or memory ran out while their strings
    /// were made): dropped, so that they cannot hold back the events after them. <paramref name="error"/> is the first error.
    /// </summary>
    [Event(EventsUnreadableId, Level = EventLevel.Error, Message = "Events that could not be read from the queue, dropped: {0} ({1})")]
    public void EventsUnreadable(int count, string error) => WriteEvent(EventsUnreadableId, count, error);

    /// <summary>
    /// A handler's start hold (<see cref="LevelHold"/>) ended: its loggers took their levels (the collector's first answer
    /// about levels came, failed, its bound passed, or the handler stopped). <paramref name="refused"/>: the calls below the
    /// configured level the hold refused so far past its budget (<see cref="LevelHold.BudgetShare"/>), neither queued nor dropped.
    /// </summary>
    [Event(StartHoldReleasedId, Level = EventLevel.Informational, Message = "Handler {0}'s start hold ended; calls below its level refused past the hold's budget: {1}")]
    public void StartHoldReleased(string instanceId, long refused) => WriteEvent(StartHoldReleasedId, instanceId, refused);

    /// <summary>A handler's level rules from the collector changed (an answer brought others, or one expired): <paramref name="rules"/> are live now, its loggers already use them.</summary>
    [Event(LevelRulesChangedId, Level = EventLevel.Informational, Message = "Handler {1}'s level rules changed: {0} live")]
    public void LevelRulesChanged(int rules, string instanceId) => WriteEvent(LevelRulesChangedId, rules, instanceId);

    /// <summary>Security review: a handler sends an API key or Basic credentials over plain http to another machine (<see cref="ClearTextCredentials"/>); said once, when it is made.</summary>
    [Event(CredentialsInClearTextId, Level = EventLevel.Warning, Message = "{1}")]
    public void CredentialsInClearText(string host, string warning) => WriteEvent(CredentialsInClearTextId, host, warning);
}
