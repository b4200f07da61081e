using Npgsql;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>Alerts on PostgreSQL: with two collectors on one database, one evaluates (an advisory lock) and the other takes over when it stops, where the first left off.</summary>
public sealed class PostgresAlertTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The evaluating collector's session dies (a failover, a network cut), another collector takes the lease, notifies
    /// and stops; the first, at its next evaluation, takes the lease again within that one call: it reads what the other
    /// saved, and does not notify the other's range again.
    /// </summary>
    [Fact]
    public async Task Evaluate_LeaseLostAndRetakenMeanwhile_TheOthersNotificationIsNotRepeated()
    {
        await using var database = PostgresDatabase.Create();
        var postgres = database.CollectorArguments;
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", postgres);
        await scenario.EvaluateAtAsync(TimeSpan.FromSeconds(30)); // holds the lease; nothing to notify
        Assert.True((await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());

        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString()))
        // This test's database only: the server is shared by the tests running beside this one, whose sessions hold
        // advisory locks too (a schema upgrade's, another lease); ending theirs failed them (seen in CI).
        await using (var cut = dataSource.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
        {
            Assert.Equal(1L, await cut.ExecuteScalarAsync()); // the lease's session, gone
        }

        await scenario.PostAsync(Minute * 1, message: "a");
        await scenario.PostAsync(Minute * 2, message: "b");
        await using (var second = await CollectorFixture.StartAsync([.. AlertScenario.RuleArgs(scenario.Receiver, "payroll-errors"), .. postgres]))
        {
            await AlertScenario.EvaluateAtAsync(second, Minute * 5);
            Assert.True((await second.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());
        }

        await scenario.EvaluateAtAsync(Minute * 6);

        var notification = Assert.Single(scenario.Receiver.Requests).Body;
        Assert.Equal(["b", "a"], AlertScenario.Messages(notification));
        Assert.True((await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());
    }

    [Fact]
    public async Task Evaluate_TwoCollectorsOnOneDatabase_OneNotificationThenTheOtherTakesOverWhenItStops()
    {
        await using var database = PostgresDatabase.Create();
        var postgres = database.CollectorArguments;
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", postgres);
        var second = await CollectorFixture.StartAsync([.. AlertScenario.RuleArgs(scenario.Receiver, "payroll-errors"), .. postgres]);
        try
        {
            await scenario.PostAsync(Minute * 1, message: "a");
            await scenario.PostAsync(Minute * 2, message: "b");
            await scenario.PostAsync(Minute * 3, level: "Warning", message: "not counted");

            await AlertScenario.EvaluateAtAsync(second, Minute * 5);
            await scenario.EvaluateAtAsync(Minute * 5);

            var notification = Assert.Single(scenario.Receiver.Requests).Body;
            Assert.Equal(2, notification.GetProperty("count").GetInt64());
            Assert.Equal(["b", "a"], AlertScenario.Messages(notification));
            Assert.True((await second.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());
            Assert.False((await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());
        }
        finally
        {
            await second.DisposeAsync();
        }

        // The collector taking over reads what the other saved: a and b are not notified again (its cooldown too).
        await scenario.EvaluateAtAsync(Minute * 6);
        Assert.Single(scenario.Receiver.Requests);
        var alert = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.Equal(AlertScenario.T0 + (Minute * 5), alert.GetProperty("lastFired").GetDateTimeOffset());

        await scenario.PostAsync(Minute * 65, message: "c");
        await scenario.PostAsync(Minute * 66, message: "d");
        await scenario.EvaluateAtAsync(Minute * 70);

        Assert.Equal(2, scenario.Receiver.Requests.Count);
        Assert.Equal(["d", "c"], AlertScenario.Messages(scenario.Receiver.Requests.Last().Body));
        Assert.True((await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());
    }

    /// <summary>
    /// A rule made through the collector that does not evaluate is listed by both, evaluated once by the lease's holder;
    /// deleted through it, the holder stops evaluating it.
    /// </summary>
    [Fact]
    public async Task Post_ThroughTheOtherCollector_EvaluatedOnceByTheLeaseHolderThenDeleted()
    {
        await using var database = PostgresDatabase.Create();
        string[] args = ["--Collector:Alerts:Interval=01:00:00", .. database.CollectorArguments];
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var holder = await CollectorFixture.StartAsync(args);
        await using var other = await CollectorFixture.StartAsync(args);
        var id = await AlertRulesApiTests.CreateAsync(other, AlertRulesApiTests.Rule(receiver));
        Assert.Equal(id, (await holder.GetJsonAsync("api/alerts")).GetProperty("alerts")[0].GetProperty("id").GetInt64());
        await AlertScenario.PostAsync(holder, 1, Minute * 1, message: "a");
        await AlertScenario.PostAsync(other, 2, Minute * 2, message: "b");

        await AlertScenario.EvaluateAtAsync(holder, Minute * 5);
        await AlertScenario.EvaluateAtAsync(other, Minute * 5);
        await AlertScenario.EvaluateAtAsync(other, Minute * 70);

        var notification = Assert.Single(receiver.Requests).Body;
        Assert.Equal(["b", "a"], AlertScenario.Messages(notification));
        Assert.True((await holder.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());
        Assert.False((await other.GetJsonAsync("api/alerts")).GetProperty("evaluating").GetBoolean());

        var (deleted, _) = await Http.SendAsync(other.Client, HttpMethod.Delete, $"api/alerts/{id}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted);
        await AlertScenario.PostAsync(other, 3, Minute * 71, message: "c");
        await AlertScenario.PostAsync(other, 4, Minute * 72, message: "d");
        await AlertScenario.EvaluateAtAsync(holder, Minute * 75);

        Assert.Single(receiver.Requests);
        var listed = await holder.GetJsonAsync("api/alerts");
        Assert.Empty(listed.GetProperty("alerts").EnumerateArray());
        Assert.Equal(["deleted", "created"], listed.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }
}
