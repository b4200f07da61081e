using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The seeded events and the reading helpers of <see cref="ExportApiTests"/>.</summary>
public abstract partial class ExportApiTests
{
    private static DateTimeOffset BulkStart => Start.AddHours(2);

    private async Task<CollectorFixture> StartAsync(Action<IServiceCollection>? configureServices)
    {
        string[] args = ["--Collector:ReadApiKey=" + ReadKey, "--Collector:MaxExportEvents=" + Cap.ToString(CultureInfo.InvariantCulture)];
        var collector = configureServices is null ? await CollectorFixture.StartOnAsync(_store, args) : await CollectorFixture.StartOnAsync(_store, configureServices, args);
        collector.Client.DefaultRequestHeaders.Add("X-Api-Key", ReadKey);
        return collector;
    }

    /// <summary>
    /// alice, bob, carol: 60 events one a minute (app i%2, level i%6, machine PC-(i%4), every 10th "rejected by bank");
    /// eve: <see cref="Tricky"/> messages; dave: <see cref="BulkEvents"/> "bulk" events one a second, app Bulk.
    /// </summary>
    private static async Task SeedAsync(HttpClient client)
    {
        foreach (var user in Users)
        {
            var events = Enumerable.Range(0, 60).Where(i => Users[i % 3] == user).Select(i => new
            {
                timestamp = Start.AddMinutes(i).ToString("O"),
                level = Levels[i % 6],
                category = "Cat" + (i % 2),
                message = i % 10 == 0 ? $"Invoice {i} rejected by bank" : $"Invoice {i} paid",
                app = i % 2 == 0 ? "Payroll" : "Ledger",
                machine = $"PC-{i % 4}",
                sequence = i,
            });
            await PostAsync(client, $"log/{user}/PC", new { instanceId = "seed", user, events });
        }

        var tricky = Tricky.Select((message, i) => new
        {
            timestamp = Start.AddHours(1).AddSeconds(i).ToString("O"),
            level = "Warning",
            message,
            properties = new { formula = "=cmd|' /C calc'!A0", i },
            sequence = i,
        });
        await PostAsync(client, "log/eve", new { app = "Payroll", version = "-1", machine = "@PC", instanceId = "eve-1", user = "eve", events = tricky });

        var bulk = Enumerable.Range(0, BulkEvents).Select(i => new
        {
            timestamp = BulkStart.AddSeconds(i).ToString("O"),
            level = "Information",
            message = $"bulk event {i} of the export test, long enough to be a realistic line of a log",
            sequence = i,
        });
        await PostAsync(client, "log/dave", new { app = "Bulk", version = "1.0", machine = "PC-9", instanceId = "bulk-1", user = "dave", events = bulk });
    }

    private static async Task PostAsync(HttpClient client, string path, object body)
    {
        var (status, text) = await Http.SendAsync(client, HttpMethod.Post, path, Http.Utf8(JsonSerializer.Serialize(body)), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }

    /// <summary>Replaces <c>{bulk+N}</c> by the time of dave's N-th event.</summary>
    private static string Times(string query)
    {
        foreach (var part in query.Split('&'))
        {
            var open = part.IndexOf("{bulk+", StringComparison.Ordinal);
            if (open >= 0)
            {
                var seconds = int.Parse(part[(open + 6)..^1], CultureInfo.InvariantCulture);
                query = query.Replace(part[open..], Uri.EscapeDataString(BulkStart.AddSeconds(seconds).ToString("O")), StringComparison.Ordinal);
            }
        }

        return query;
    }

    /// <summary>Every event of <c>/api/events</c> with these filters, page by page to the end.</summary>
    private async Task<List<JsonElement>> ListAsync(string query)
    {
        var events = new List<JsonElement>();
        string? next = null;
        do
        {
            var page = await _collector.GetJsonAsync("api/events?limit=700" + (query.Length == 0 ? string.Empty : "&" + query) + (next is null ? string.Empty : "&before=" + next));
            events.AddRange(page.GetProperty("events").EnumerateArray());
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (next is not null);
        return events;
    }

    /// <summary>The ids of an export and the cursor its cut gives (null when not cut).</summary>
    private static (List<long> Ids, string? Next) Read(string format, string body)
    {
        if (format == "csv")
        {
            var rows = ExportFiles.Rows(body, out var header);
            var cut = rows.Count > 0 && rows[^1][0].Length == 0 ? rows[^1] : null;
            var ids = rows.Where(r => r[0].Length > 0).Select(r => long.Parse(r[0], CultureInfo.InvariantCulture)).ToList();
            if (cut is null)
            {
                return (ids, null);
            }

            var reason = cut[Array.IndexOf(header, "message")];
            Assert.Contains("Collector:MaxExportEvents", reason, StringComparison.Ordinal);
            Assert.All(cut.Where((_, i) => header[i] != "message"), cell => Assert.Equal(string.Empty, cell));
            return (ids, reason[(reason.LastIndexOf("before=", StringComparison.Ordinal) + 7)..].Split(' ')[0]);
        }

        var lines = ExportFiles.Lines(body);
        var events = lines.Where(l => l.TryGetProperty("id", out _)).Select(l => l.GetProperty("id").GetInt64()).ToList();
        if (lines.Count == 0 || lines[^1].TryGetProperty("id", out _))
        {
            return (events, null);
        }

        var trailer = lines[^1];
        Assert.True(trailer.GetProperty("truncated").GetBoolean());
        Assert.Equal(events.Count, trailer.GetProperty("exported").GetInt64());
        Assert.Equal(Cap, trailer.GetProperty("limit").GetInt64());
        Assert.Contains("Collector:MaxExportEvents", trailer.GetProperty("reason").GetString(), StringComparison.Ordinal);
        return (events, trailer.GetProperty("next").GetString());
    }
}
