using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// The same seeded events in SQLite and in PostgreSQL, the same generated queries of <c>/api/events</c> and
/// <c>/api/users</c> (those without ids or cursors, which differ by store), and exports: the generated ones and those of
/// one list in four both answered (NDJSON and CSV in turn). The same status, reason and events or users from both; an
/// export's events compared whole, every field (<see cref="ExportAnswerSummary"/>). A query one store answers and the other refuses (or answers differently) fails here.
/// </summary>
public sealed class QueryEngineDifferentialTests : IAsyncLifetime
{
    private const int Comparisons = 500;
    private static readonly QueryFuzzKeys Keys = QueryFuzzCollector.Keys;
    private QueryFuzzCollector _sqlite = null!;
    private QueryFuzzCollector _postgres = null!;

    public async Task InitializeAsync()
    {
        var until = DateTimeOffset.UtcNow;
        _sqlite = await QueryFuzzCollector.StartAsync(TestStore.Sqlite, until);
        _postgres = await QueryFuzzCollector.StartAsync(TestStore.Postgres, until);
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task ReadApi_SameRequestsOnBothStores_SameAnswers(int seed)
    {
        var known = new QueryFuzzKnown(["user1", "USER2", "Payroll", "PC-1", "inst-1", "user1/PC-1", "2.3.1"], ["1"], ["1"], ["MXxh"], "x.1.0");
        var requests = new QueryFuzzRequests(seed, Keys, known).Generate(Comparisons * 4).Where(Comparable).Take(Comparisons).ToList();
        var differences = new List<string>();
        var (lists, exports) = (0, 0);
        foreach (var request in requests)
        {
            var (sqlite, postgres) = await CompareAsync(request, differences);
            // Every fourth list both answered: its export as well, NDJSON and CSV in turn (the fuzzed exports are
            // mostly refused; these select events).
            if (sqlite.StartsWith("200 [", StringComparison.Ordinal) && sqlite == postgres && ExportOf(request, lists++) is { } export)
            {
                exports++;
                await CompareAsync(export, differences);
            }
        }

        Assert.True(differences.Count == 0, $"seed {seed}: {differences.Count} of {requests.Count + exports} differ\n" + string.Join("\n", differences.Take(20)));
    }

    private async Task<(string Sqlite, string Postgres)> CompareAsync(QueryFuzzRequest request, List<string> differences)
    {
        var sqlite = Summary(request, await QueryFuzzHarness.SendAsync(_sqlite.Client, request));
        var postgres = Summary(request, await QueryFuzzHarness.SendAsync(_postgres.Client, request));
        if (sqlite != postgres)
        {
            differences.Add($"{request}\n  SQLite:     {sqlite}\n  PostgreSQL: {postgres}");
        }

        return (sqlite, postgres);
    }

    /// <summary>The export of a list's filters (which refuses <c>limit</c>), for one list in four.</summary>
    private static QueryFuzzRequest? ExportOf(QueryFuzzRequest list, int index)
    {
        var parts = list.Target.Split('?', 2);
        var query = parts.Length == 2 ? parts[1] : string.Empty;
        if (parts[0] != "api/events" || index % 4 != 0 || query.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return list with { Target = $"api/events/export?{query}&format={(index % 8 == 0 ? "ndjson" : "csv")}" };
    }

    /// <summary>Lists, searches and exports without ids or cursors (a store's own values).</summary>
    private static bool Comparable(QueryFuzzRequest request) =>
        request.Target.Split('?')[0] is "api/events" or "api/users" or "api/events/export"
        && !request.Target.Contains("before", StringComparison.OrdinalIgnoreCase)
        && !request.Target.Contains("after", StringComparison.OrdinalIgnoreCase);

    /// <summary>Status and reason, or the events (user and sequence, in order) or users (name and total) of the answer, or the whole export.</summary>
    private static string Summary(QueryFuzzRequest request, (HttpStatusCode Status, string Body, bool IsStream) answer)
    {
        if (answer.Status != HttpStatusCode.OK)
        {
            return $"{(int)answer.Status} {answer.Body}";
        }

        if (request.Target.Split('?')[0] == "api/events/export")
        {
            return "200 " + ExportAnswerSummary.Summarize(answer.Body);
        }

        var json = JsonDocument.Parse(answer.Body).RootElement;
        var rows = json.TryGetProperty("events", out var events)
            ? events.EnumerateArray().Select(e => $"{e.GetProperty("user").GetString()}/{e.GetProperty("sequence").GetInt64()}")
            : json.GetProperty("users").EnumerateArray().Select(u => $"{u.GetProperty("user").GetString()}:{u.GetProperty("total").GetInt64()}");
        return $"200 [{string.Join(' ', rows)}] next {(json.GetProperty("next").ValueKind == JsonValueKind.Null ? "none" : "some")}";
    }
}
