using System.Net;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// alerts.db held by another real SQLite connection while the API reads and writes it: a write transaction does not stop
/// a read (WAL; in rollback-journal mode an exclusive transaction kept <c>GET /api/alerts</c> waiting 30 s, then a 500
/// with an empty body), and a write that waits longer than the file's busy timeout for another's write lock answers 503
/// with the reason and <c>Retry-After</c>, not an empty 500 (a read would, too, if a lock could stop it: the same answer).
/// </summary>
public sealed class AlertsFileLockTests
{
    [Fact]
    public async Task Get_WhileAnotherConnectionWrites_ReadsTheLastCommittedRules()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00");
        var id = await AlertRulesApiTests.CreateAsync(collector, AlertRulesApiTests.Rule(receiver));
        await using var writer = await OpenAsync(collector);
        await ExecuteAsync(writer, "BEGIN EXCLUSIVE; DELETE FROM alert_rules;");

        var listed = await collector.GetJsonAsync("api/alerts");

        Assert.Equal(id, Assert.Single(listed.GetProperty("alerts").EnumerateArray()).GetProperty("id").GetInt64());
        await ExecuteAsync(writer, "ROLLBACK;");
    }

    [Fact]
    public async Task EveryChange_WhileAnotherConnectionWrites_503WithTheReasonThenServedAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00");
        var id = await AlertRulesApiTests.CreateAsync(collector, AlertRulesApiTests.Rule(receiver));
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(AlertRulesApiTests.Rule(receiver, "other"));
        await using (var writer = await OpenAsync(collector))
        {
            await ExecuteAsync(writer, "BEGIN IMMEDIATE; DELETE FROM alert_audit;");

            var answers = await Task.WhenAll(
                SendAsync(collector, HttpMethod.Post, "api/alerts", body),
                SendAsync(collector, HttpMethod.Put, $"api/alerts/{id}", body),
                SendAsync(collector, HttpMethod.Delete, $"api/alerts/{id}"));

            foreach (var (status, retryAfter, text) in answers)
            {
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{status}: {text}");
                Assert.NotNull(retryAfter);
                Assert.Equal("the event store is unavailable: a file of the data folder is locked by another connection (SQLite Error 5: 'database is locked'.)", Http.Error(text));
            }
        }

        var listed = await collector.GetJsonAsync("api/alerts");
        Assert.Equal(id, Assert.Single(listed.GetProperty("alerts").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Single(listed.GetProperty("audit").EnumerateArray()); // the writer's change was rolled back, none of the refused ones made
        var (deleted, _, _) = await SendAsync(collector, HttpMethod.Delete, $"api/alerts/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
    }

    private static async Task<SqliteConnection> OpenAsync(CollectorFixture collector)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteAlertsFile.FileName)};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(HttpStatusCode Status, string? RetryAfter, string Body)> SendAsync(CollectorFixture collector, HttpMethod method, string path, byte[]? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json");
        }

        using var response = await collector.Client.SendAsync(request);
        return (response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
    }
}
