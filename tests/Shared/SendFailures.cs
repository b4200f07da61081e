using System.Diagnostics.Tracing;

namespace ThreadedLogging.Testing;

/// <summary>
/// Calls <c>failed</c> at each failed send a handler of this process reports: the library's EventSource
/// (<c>ThreadedLogging</c>) writes <c>SendFailed</c> at every failed attempt, on the thread that reports it (the worker),
/// where the queue moves to disk between retries. A test checks its handler's <see cref="ThreadedHandlerStatistics"/>
/// there ("every event on disk") instead of polling. The self-log is no such point: it says an outage's repeats of one
/// reason at most once every 10 minutes. Other tests' handlers report here too: a check reads its own handler only.
/// </summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
public sealed class SendFailures(Action failed) : EventListener
{
    private readonly Action _failed = failed; // set before the base constructor, which may already enable the source

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "ThreadedLogging")
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "SendFailed")
        {
            _failed();
        }
    }
}
