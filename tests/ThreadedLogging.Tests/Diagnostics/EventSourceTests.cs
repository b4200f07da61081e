using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Diagnostics;

/// <summary>The library reports its own problems on the "ThreadedLogging" EventSource with fixed ids (tools depend on them).</summary>
public sealed class EventSourceTests
{
    [Fact]
    public void EventIds_AreFixed()
    {
        Assert.Equal(
            [1, 2, 3, 4, 5],
            [ThreadedLoggingEventSource.EventsDroppedId, ThreadedLoggingEventSource.SendFailedId, ThreadedLoggingEventSource.EventsLostAtShutdownId, ThreadedLoggingEventSource.EventsRejectedId, ThreadedLoggingEventSource.InternalErrorId]);
        Assert.Equal("ThreadedLogging", ThreadedLoggingEventSource.Log.Name);
    }

    [Fact]
    public async Task PoisonEvent_IsReportedAsSendFailedAndRejected_NotLoggedIntoTheApp()
    {
        using var listener = new Listener();
        var sink = new CollectingSink { Decide = b => b.Events.Any(e => e.Message == "poison") ? new SendResult(SendOutcome.Rejected, Error: "HTTP 400 bad") : SendResult.Success }.Open();
        await using (var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1) }))
        {
            handler.CreateLogger("App").LogInformation("poison");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var mine = listener.Events.Where(e => e.EventSource.Name == "ThreadedLogging").ToList();
        Assert.Contains(mine, e => e.EventId == ThreadedLoggingEventSource.SendFailedId && (string)e.Payload![1]! == "HTTP 400 bad");
        Assert.Contains(mine, e => e.EventId == ThreadedLoggingEventSource.EventsRejectedId && (int)e.Payload![0]! == 1);
        Assert.Empty(sink.Delivered); // the report went to the EventSource, not back into the log stream
    }

    private sealed class Listener : EventListener
    {
        public ConcurrentQueue<EventWrittenEventArgs> Events { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ThreadedLogging")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) => Events.Enqueue(eventData);
    }
}
