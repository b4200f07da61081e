using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Npgsql;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// <c>ConnectionStrings:EventsRead</c>. A second database with other contents stands in for the replica, read by a
/// role that can only read (SELECT granted, <c>default_transaction_read_only</c> on): queries and the users list
/// show the replica's contents, ingest still stores into <c>ConnectionStrings:Events</c>.
/// </summary>
public sealed class PostgresReadReplicaTests : IAsyncLifetime
{
    private readonly PostgresDatabase _primary = PostgresDatabase.Create();
    private readonly PostgresDatabase _replica = PostgresDatabase.Create();
    private readonly string _reader = "tl_reader_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Gets the arguments of a collector that writes to the primary and reads from the replica as the read-only role.</summary>
    private string[] ReplicaArguments =>
    [
        .. _primary.CollectorArguments,
        "--ConnectionStrings:EventsRead=" + new NpgsqlConnectionStringBuilder(_replica.ConnectionString()) { Username = _reader, Password = "reader-secret" },
    ];

    public async Task InitializeAsync()
    {
        // The "replica": the collector's schema with one event of its own.
        await using (var seeding = await CollectorFixture.StartAsync(_replica.CollectorArguments))
        {
            using var posted = await PostAsync(seeding, "Bob", "only on the replica");
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        await using var admin = NpgsqlDataSource.Create(_replica.ConnectionString());
        foreach (var sql in (string[])[
            $"CREATE ROLE {_reader} LOGIN PASSWORD 'reader-secret'",
            $"ALTER ROLE {_reader} SET default_transaction_read_only = on",
            $"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {_reader}",
            $"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {_reader}"])
        {
            await using var command = admin.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _replica.DisposeAsync();
    }

    [Fact]
    public async Task Queries_ReadReplicaConfigured_ReadFromItWritesToPrimary()
    {
        await using var collector = await CollectorFixture.StartAsync(ReplicaArguments);

        using var posted = await PostAsync(collector, "Alice", "stored through the primary");
        var events = await collector.EventsAsync();
        var searched = await collector.EventsAsync("q=replica");
        var users = await collector.GetJsonAsync("api/users");

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("only on the replica", Assert.Single(events).GetProperty("message").GetString());
        Assert.Equal("only on the replica", Assert.Single(searched).GetProperty("message").GetString());
        Assert.Equal("Bob", Assert.Single(users.GetProperty("users").EnumerateArray()).GetProperty("user").GetString());
        await using var primary = NpgsqlDataSource.Create(_primary.ConnectionString());
        await using var stored = primary.CreateCommand("SELECT message FROM events");
        Assert.Equal("stored through the primary", await stored.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Stream_ReadReplicaConfigured_JustCommittedEventsReadFromPrimary()
    {
        await using var collector = await CollectorFixture.StartAsync(ReplicaArguments);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing assertion
        using var response = await collector.Client.GetAsync(new Uri("api/events/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, bound.Token);
        await using var items = SseParser.Create(await response.Content.ReadAsStreamAsync(bound.Token)).EnumerateAsync(bound.Token).GetAsyncEnumerator(bound.Token);
        Assert.True(await items.MoveNextAsync());
        Assert.Equal("ready", items.Current.EventType);

        using var posted = await PostAsync(collector, "Alice", "live from the primary");
        while (await items.MoveNextAsync() && items.Current.EventType == "ping")
        {
        }

        // The replica (here: another database) never holds it: the live tail looked it up on the primary.
        Assert.Equal("message", items.Current.EventType);
        Assert.Equal("live from the primary", JsonDocument.Parse(items.Current.Data).RootElement.GetProperty("message").GetString());
    }

    private static Task<HttpResponseMessage> PostAsync(CollectorFixture collector, string user, string message)
    {
        var body = Http.Envelope(null, new { timestamp = DateTimeOffset.UtcNow.ToString("O"), level = "Error", message });
        return collector.Client.PostAsync(new Uri("log/" + user, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
    }
}
