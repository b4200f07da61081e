using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>Issue 15 §4: 503 + Retry-After is kept for a store that cannot take writes, and only for it.</summary>
public sealed class StoreUnavailableTests
{
    [Fact]
    public async Task Ingest_StoreClosed_503WithRetryAfter()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await collector.Services.GetRequiredService<IEventStore>().DisposeAsync();

        using var response = await collector.PostJsonAsync("api/events", new { events = new[] { new { message = "late" } } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("storage unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
