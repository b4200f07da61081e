using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>For clients that ship on their own schedule (durable buffers): wait until the events are queryable.</summary>
internal static class EventPolling
{
    /// <summary>
    /// Queries after each commit of the store (its <see cref="EventCommitFeed"/>, what the live stream follows) until the
    /// query API returns at least <paramref name="count"/> events; fails after a generous bound.
    /// </summary>
    public static async Task<List<JsonElement>> WaitForEventsAsync(this CollectorFixture collector, int count, string query = "")
    {
        var commits = collector.Services.GetRequiredService<IEventStore>().Commits;

        // A bound on a client that never ships, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var seen = commits.Last; // read before the query: a commit it missed wakes the wait
            var events = await collector.EventsAsync(query);
            if (events.Count >= count)
            {
                return events;
            }

            try
            {
                await commits.WaitAsync(seen, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"only {events.Count} of {count} events arrived");
            }
        }
    }
}
