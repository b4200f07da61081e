using System.Globalization;
using System.Net;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// PostgreSQL keeps at most 1 MB of words in one event's tsvector: an event of distinct words at the largest size the
/// collector takes is stored and found on both stores, and a size PostgreSQL could not index is refused at start.
/// </summary>
public sealed class FullTextLimitTests
{
    [Theory]
    [InlineData("sqlite", 256 * 1024)]
    [InlineData("postgres", 256 * 1024)]
    [InlineData("postgres", CollectorOptions.MaxPostgresEventBytes)]
    public async Task Ingest_LargestEventOfDistinctWords_StoredAndFoundByItsFirstAndLastWord(string store, int maxEventBytes)
    {
        await using var collector = await CollectorFixture.StartOnAsync(store == "postgres" ? TestStore.Postgres : TestStore.Sqlite, $"--Collector:MaxEventBytes={maxEventBytes}");
        var message = new StringBuilder();
        var n = 0;
        while (message.Length < maxEventBytes - 200)
        {
            message.Append('w').Append(n++.ToString("x", CultureInfo.InvariantCulture)).Append("z ");
        }

        var body = Http.Envelope(null, new { level = "Information", message = message.ToString().TrimEnd(), timestamp = DateTimeOffset.UtcNow, sequence = 1 });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/wordy", Http.Utf8(body), "application/json");

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Single(await collector.EventsAsync("q=w0z"));
        Assert.Single(await collector.EventsAsync($"q=w{(n - 1).ToString("x", CultureInfo.InvariantCulture)}z"));
    }

    [Fact]
    public async Task Start_PostgresWithEventsLargerThanItsFullTextTakes_RefusedNamingTheSetting()
    {
        // Before: started, and a 1.5 MB event of distinct words failed its batch ("string is too long for tsvector": 500).
        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(async () =>
        {
            await using var collector = await CollectorFixture.StartAsync(
                "--Collector:Store=postgres", "--ConnectionStrings:Events=Host=127.0.0.1;Username=u;Password=p", "--Collector:MaxEventBytes=2097152");
        });

        Assert.Contains("Collector:MaxEventBytes must be at most 524288 with Collector:Store=postgres", error.Message, StringComparison.Ordinal);
    }
}
