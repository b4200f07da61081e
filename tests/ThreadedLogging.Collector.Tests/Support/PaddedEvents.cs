using System.Net;
using System.Text.Json;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// Events of over 4 KB each (<c>ev</c>, the number, and 4096 <c>x</c>) posted to <c>/api/events</c>, an hour ago, the
/// number's <paramref name="step"/> apart: the disk reserve's tests fill a disk with them, and find one by its number.
/// </summary>
internal static class PaddedEvents
{
    /// <summary>Posts events <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1, numbered with <paramref name="digits"/> (<c>D5</c>).</summary>
    public static Task<(HttpStatusCode Status, string Body)> PostAsync(CollectorFixture collector, int first, int count, TimeSpan step, string digits) =>
        Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Body(first, count, step, digits), "application/json");

    /// <summary>The JSON batch <see cref="PostAsync"/> sends.</summary>
    public static byte[] Body(int first, int count, TimeSpan step, string digits)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(first, count).Select(i => new
        {
            timestamp = start.Add(step * i).ToString("O"),
            level = "Information",
            category = "App",
            message = $"ev{i.ToString(digits, System.Globalization.CultureInfo.InvariantCulture)} {new string('x', 4096)}",
        }).ToArray();
        return Http.Utf8(JsonSerializer.Serialize(new { app = "Payroll", instanceId = "inst-1", events }));
    }
}
