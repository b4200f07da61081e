using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Data survives a restart of the collector on the same data folder.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task Restart_SameDataDirectory_EventsUsersAndBatchKeysPersist()
    {
        using var data = new TempDirectory();
        var body = Http.Utf8(Http.Envelope("persisted-batch", new { message = "before restart", level = "Warning", user = "heidi", sequence = 1 }));

        await using (var first = await CollectorFixture.StartInAsync(data.Path))
        {
            var (status, _) = await Http.SendAsync(first.Client, HttpMethod.Post, "api/events", body, "application/json");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        await using var second = await CollectorFixture.StartInAsync(data.Path);
        var stored = Assert.Single(await second.EventsAsync("user=heidi"));
        Assert.Equal("before restart", stored.GetProperty("message").GetString());
        Assert.Single(await second.EventsAsync("q=restart"));
        var users = await second.GetJsonAsync("api/users");
        Assert.Equal("heidi", users.GetProperty("users")[0].GetProperty("user").GetString());

        var retry = await Http.SendAsync(second.Client, HttpMethod.Post, "api/events", body, "application/json");
        Assert.True(JsonDocument.Parse(retry.Body).RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Single(await second.EventsAsync());
    }

    [Fact]
    public async Task Database_IsWalWithFts5()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();

        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT sqlite_compileoption_used('ENABLE_FTS5')";
        Assert.Equal(1L, command.ExecuteScalar());
    }
}
