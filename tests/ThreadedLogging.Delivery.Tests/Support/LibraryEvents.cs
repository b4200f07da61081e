using System.Diagnostics.Tracing;

namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>
/// The client's own EventSource ("ThreadedLogging") in this process, for a test that waits for what a handler learns
/// over the real network: it waits for the event the handler raises (by name and the handler's instance id) instead of
/// polling the handler's state. Make it before the handler: only events written while it listens are kept.
/// </summary>
internal sealed class LibraryEvents : EventListener
{
    private readonly List<EventWrittenEventArgs> _events = [];
    private readonly List<(string Name, string InstanceId, TaskCompletionSource Seen)> _waiters = [];

    /// <summary>Completes when <paramref name="handler"/> wrote the event <paramref name="name"/> (now or before); fails after a minute.</summary>
    public Task WaitForAsync(string name, ThreadedHandler handler)
    {
        var instanceId = handler.Identity.InstanceId;
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_events)
        {
            if (_events.Any(e => Matches(e, name, instanceId)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((name, instanceId, seen));
        }

        return seen.Task.WaitAsync(TimeSpan.FromMinutes(1));
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "ThreadedLogging")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        lock (_events)
        {
            _events.Add(eventData);
            foreach (var waiter in _waiters.Where(w => Matches(eventData, w.Name, w.InstanceId)))
            {
                waiter.Seen.TrySetResult();
            }
        }
    }

    private static bool Matches(EventWrittenEventArgs e, string name, string instanceId) =>
        e.EventName == name && e.PayloadNames?.IndexOf("instanceId") is >= 0 and var at && e.Payload![at] as string == instanceId;
}
