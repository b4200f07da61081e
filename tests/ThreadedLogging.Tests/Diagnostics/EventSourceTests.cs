using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Diagnostics;

/// <summary>The library reports its own problems on the "ThreadedLogging" EventSource with fixed ids (tools depend on them).</summary>
public sealed class EventSourceTests
{
    [Fact]
    public void EventIds_AreFixed()
    {
        Assert.Equal(
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
            [ThreadedLoggingEventSource.EventsDroppedId, ThreadedLoggingEventSource.SendFailedId, ThreadedLoggingEventSource.EventsLostAtShutdownId, ThreadedLoggingEventSource.EventsRejectedId, ThreadedLoggingEventSource.InternalErrorId, ThreadedLoggingEventSource.LevelChangedId, ThreadedLoggingEventSource.CallKeptPartlyId, ThreadedLoggingEventSource.OptionsReloadRefusedId, ThreadedLoggingEventSource.LateEventsDeliveredId, ThreadedLoggingEventSource.EventsRefusedAfterShutdownId, ThreadedLoggingEventSource.EventsUnreadableId, ThreadedLoggingEventSource.StartHoldReleasedId, ThreadedLoggingEventSource.LevelRulesChangedId, ThreadedLoggingEventSource.CredentialsInClearTextId]);
        Assert.Equal("ThreadedLogging", ThreadedLoggingEventSource.Log.Name);
    }

    [Fact]
    public async Task PoisonEvent_IsReportedAsSendFailedAndRejected_NotLoggedIntoTheApp()
    {
        using var listener = new Listener();
        var sink = new CollectingSink { Decide = b => b.Events.Any(e => e.Message == "poison") ? new SendResult(SendOutcome.Rejected, Error: "HTTP 400 bad") : SendResult.Success }.Open();
        await using (var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) }))
        {
            handler.CreateLogger("App").LogInformation("poison");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var mine = listener.Events.Where(e => e.EventSource.Name == "ThreadedLogging").ToList();
        Assert.Contains(mine, e => e.EventId == ThreadedLoggingEventSource.SendFailedId && (string)e.Payload![1]! == "HTTP 400 bad");
        Assert.Contains(mine, e => e.EventId == ThreadedLoggingEventSource.EventsRejectedId && (int)e.Payload![0]! == 1);
        Assert.Empty(sink.Delivered); // the report went to the EventSource, not back into the log stream
    }

    [Fact]
    public async Task LevelRule_ArrivesThenExpires_StatisticsAndEventSourceReportLevelAndSource()
    {
        using var listener = new Listener();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero));
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Level = LogLevel.Information, TimeProvider = time, Interval = TimeSpan.FromHours(1) });
        var expires = time.GetUtcNow().AddHours(2);

        var configured = handler.Statistics;
        handler.Levels.Apply([new LevelRule(string.Empty, LogLevel.Debug, expires)]);
        var underRule = handler.Statistics;
        time.Advance(TimeSpan.FromHours(2));
        var after = handler.Statistics;

        Assert.Equal((LogLevel.Information, LevelSource.Configured, (DateTimeOffset?)null), (configured.Level, configured.LevelSource, configured.LevelRuleExpires));
        Assert.Equal((LogLevel.Debug, LevelSource.Rule, (DateTimeOffset?)expires), (underRule.Level, underRule.LevelSource, underRule.LevelRuleExpires));
        Assert.Equal((LogLevel.Information, LevelSource.Configured, (DateTimeOffset?)null), (after.Level, after.LevelSource, after.LevelRuleExpires));
        var reports = listener.Events
            .Where(e => e.EventId == ThreadedLoggingEventSource.LevelChangedId && (string)e.Payload![3]! == handler.Identity.InstanceId)
            .Select(e => ((string)e.Payload![0]!, (string)e.Payload[1]!, (string)e.Payload[2]!))
            .ToList();
        Assert.Equal(
            [("Information", "configured", string.Empty), ("Debug", "rule", expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), ("Information", "configured", string.Empty)],
            reports);
    }

    /// <summary>Collects what the "ThreadedLogging" EventSource writes (process-wide: filter by what the test's own events carry).</summary>
    internal sealed class Listener : EventListener
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
