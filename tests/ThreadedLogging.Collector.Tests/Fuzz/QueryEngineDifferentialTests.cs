using System.Net;
using System.Text.Json;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// The same seeded events in SQLite and in PostgreSQL, the same generated queries of <c>/api/events</c> and
/// <c>/api/users</c> (those without ids or cursors, which differ by store): the same status, reason and
/// events or users from both. A query one store answers and the other refuses (or answers differently) fails here.
/// </summary>
public sealed class QueryEngineDifferentialTests : IAsyncLifetime
{
    private const int Comparisons = 500;
    private static readonly QueryFuzzKeys Keys = QueryFuzzCollector.Keys;
    private string _database = null!;
    private QueryFuzzCollector _sqlite = null!;
    private QueryFuzzCollector _postgres = null!;

    public async Task InitializeAsync()
    {
        var until = DateTimeOffset.UtcNow;
        _database = PostgresServer.Instance.CreateDatabase();
        _sqlite = await QueryFuzzCollector.StartAsync([], until);
        _postgres = await QueryFuzzCollector.StartAsync(["--Collector:Store=postgres", "--ConnectionStrings:Events=" + PostgresServer.Instance.ConnectionString(_database)], until);
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        await _postgres.DisposeAsync();
        PostgresServer.Instance.DropDatabase(_database);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task ReadApi_SameRequestsOnBothStores_SameAnswers(int seed)
    {
        var known = new QueryFuzzKnown(["user1", "USER2", "Payroll", "PC-1", "inst-1", "user1/PC-1", "2.3.1"], ["1"], ["1"], ["MXxh"], "x.1.0");
        var requests = new QueryFuzzRequests(seed, Keys, known).Generate(Comparisons * 4).Where(Comparable).Take(Comparisons).ToList();
        var differences = new List<string>();
        foreach (var request in requests)
        {
            var sqlite = Summary(request, await QueryFuzzHarness.SendAsync(_sqlite.Client, request));
            var postgres = Summary(request, await QueryFuzzHarness.SendAsync(_postgres.Client, request));
            if (sqlite != postgres)
            {
                differences.Add($"{request}\n  SQLite:     {sqlite}\n  PostgreSQL: {postgres}");
            }
        }

        Assert.True(differences.Count == 0, $"seed {seed}: {differences.Count} of {requests.Count} differ\n" + string.Join("\n", differences.Take(20)));
    }

    /// <summary>Lists and searches without ids or cursors (a store's own values).</summary>
    private static bool Comparable(QueryFuzzRequest request) =>
        request.Target.Split('?')[0] is "api/events" or "api/users"
        && !request.Target.Contains("before", StringComparison.OrdinalIgnoreCase)
        && !request.Target.Contains("after", StringComparison.OrdinalIgnoreCase);

    /// <summary>Status and reason, or the events (user and sequence, in order) or users (name and total) of the answer.</summary>
    private static string Summary(QueryFuzzRequest request, (HttpStatusCode Status, string Body, bool IsStream) answer)
    {
        if (answer.Status != HttpStatusCode.OK)
        {
            return $"{(int)answer.Status} {answer.Body}";
        }

        var json = JsonDocument.Parse(answer.Body).RootElement;
        var rows = json.TryGetProperty("events", out var events)
            ? events.EnumerateArray().Select(e => $"{e.GetProperty("user").GetString()}/{e.GetProperty("sequence").GetInt64()}")
            : json.GetProperty("users").EnumerateArray().Select(u => $"{u.GetProperty("user").GetString()}:{u.GetProperty("total").GetInt64()}");
        return $"200 [{string.Join(' ', rows)}] next {(json.GetProperty("next").ValueKind == JsonValueKind.Null ? "none" : "some")}";
    }
}
