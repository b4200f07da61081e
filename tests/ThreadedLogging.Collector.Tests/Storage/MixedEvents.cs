using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// A seeded mix of events for the tests of the counts (histogram, top values, summary): three kinds (a template, a template
/// that is its message, none), every level, and categories, apps, versions, users and machines, each sometimes missing,
/// over the three days from a start.
/// </summary>
internal static class MixedEvents
{
    public static List<NewEvent> Make(int seed, int count, DateTimeOffset start, IReadOnlyList<string?> users, int instances)
    {
        var random = new Random(seed);
        var events = new List<NewEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(3);
            var n = random.Next(50);
            events.Add(new NewEvent
            {
                Timestamp = start.AddSeconds(random.Next(3 * 86400)),
                Level = (LogLevel)random.Next(6),
                Category = random.Next(3) switch { 0 => null, 1 => "Shop.Orders", _ => "Shop.Login" },
                Message = kind switch { 0 => $"Order {n} paid", 1 => "Login failed", _ => $"free text {n}" },
                Template = kind switch { 0 => "Order {N} paid", 1 => "Login failed", _ => null },
                App = random.Next(3) switch { 0 => null, 1 => "Shop", _ => "Till" },
                Version = random.Next(3) switch { 0 => null, 1 => "1.0", _ => "2.0" },
                User = users[random.Next(users.Count)],
                Machine = random.Next(3) switch { 0 => null, 1 => "PC-1", _ => "PC-2" },
                InstanceId = "i-" + (i % instances).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Sequence = i,
            });
        }

        return events;
    }
}
