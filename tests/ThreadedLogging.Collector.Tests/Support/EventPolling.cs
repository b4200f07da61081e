using System.Text.Json;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>For clients that ship on their own schedule (durable buffers): wait until the events are queryable.</summary>
internal static class EventPolling
{
    /// <summary>Polls the query API until it returns at least <paramref name="count"/> events; fails after a generous bound.</summary>
    public static async Task<List<JsonElement>> WaitForEventsAsync(this CollectorFixture collector, int count, string query = "")
    {
        // A bound on a client that never ships, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var events = await collector.EventsAsync(query);
            if (events.Count >= count)
            {
                return events;
            }

            Assert.False(cancel.IsCancellationRequested, $"only {events.Count} of {count} events arrived");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
