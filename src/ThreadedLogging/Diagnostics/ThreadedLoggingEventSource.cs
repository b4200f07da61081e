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

    public static readonly ThreadedLoggingEventSource Log = new();

    [Event(EventsDroppedId, Level = EventLevel.Warning, Message = "{0} events dropped: the queue was full")]
    public void EventsDropped(long count) => WriteEvent(EventsDroppedId, count);

    [Event(SendFailedId, Level = EventLevel.Warning, Message = "Sending a batch of {0} events failed: {1}")]
    public void SendFailed(int count, string error) => WriteEvent(SendFailedId, count, error);

    [Event(EventsLostAtShutdownId, Level = EventLevel.Error, Message = "{0} events were not delivered before the shutdown deadline")]
    public void EventsLostAtShutdown(long count) => WriteEvent(EventsLostAtShutdownId, count);

    [Event(EventsRejectedId, Level = EventLevel.Error, Message = "{0} events rejected by the receiver and dropped: {1}")]
    public void EventsRejected(int count, string error) => WriteEvent(EventsRejectedId, count, error);

    [Event(InternalErrorId, Level = EventLevel.Error, Message = "Internal error: {0}")]
    public void InternalError(string error) => WriteEvent(InternalErrorId, error);
}
