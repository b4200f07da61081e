using Serilog;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, events from the real Serilog.Sinks.Seq: an event without a process instance and sequence (CLEF,
/// OTLP, Python) had no Context ("This event has no process instance and sequence: no context."), so support could not
/// see what happened just before it on that machine. Its context is now the events of the same app and machine, and user
/// when it has one, by time within an hour either side, and the page says so.
/// </summary>
public sealed class ContextByTimeConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Context_SerilogEventWithoutSequence_SameAppMachineAndUserByTime_SaidSo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        Serilog.Core.Logger Logger(string machine, string user) => new LoggerConfiguration()
            .Enrich.WithProperty("Application", "Payroll")
            .Enrich.WithProperty("MachineName", machine)
            .Enrich.WithProperty("UserName", user)
            .WriteTo.Seq(collector.BaseAddress.ToString())
            .CreateLogger();

        // Each logger sent and disposed in turn: their events stored in the order they were logged.
        await using (var other = Logger("PC-043", "ann"))
        {
            other.Information("Import started on the other machine");
        }

        await using (var ann = Logger("PC-042", "ann"))
        {
            ann.Information("Import started");
            ann.Information("Read {Rows} rows", 12);
            ann.Error(new InvalidOperationException("Ledger closed"), "Import failed");
            ann.Information("Retry scheduled");
        }

        await using (var bob = Logger("PC-042", "bob"))
        {
            bob.Information("Export by bob");
        }

        var failed = (await collector.EventsAsync("user=ann&levels=Error")).Single();
        var api = await collector.GetJsonAsync($"api/events/{failed.GetProperty("id").GetInt64()}/context");
        Assert.Equal("time", api.GetProperty("by").GetString());
        Assert.Equal(["app", "machine", "user"], api.GetProperty("same").EnumerateArray().Select(f => f.GetString()));
        var at = failed.GetProperty("timestamp").GetDateTimeOffset();
        Assert.Equal(at.AddHours(-1), api.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(at.AddHours(1), api.GetProperty("to").GetDateTimeOffset());

        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=ann");
        await page.Locator("#events-table tbody tr", new() { HasText = "Import failed" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();

        var slot = page.Locator("#detail-body .context-slot");
        var rows = slot.Locator(".context-list tbody tr");
        // Before: "This event has no process instance and sequence: no context.", no rows.
        await Expect(slot.Locator("h3")).ToHaveTextAsync("Context: same app, machine and user, by time, 2 before, 1 after");
        await Expect(slot.Locator(".context-note")).ToContainTextAsync("This event has no process sequence: the events of the same app, machine and user within an hour either side");
        await Expect(slot.Locator(".context-list caption")).ToHaveTextAsync("Events of the same app, machine and user around this one, by time");
        await Expect(rows.Locator("td.msg")).ToContainTextAsync(["Import started", "Read 12 rows", "Import failed", "Retry scheduled"]);
        await Expect(rows.Nth(2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        await Expect(rows.Nth(2).Locator(".row-exception")).ToHaveTextAsync("System.InvalidOperationException: Ledger closed");

        // A row of it opens that event with its own context, by time too.
        await rows.Nth(1).Locator("td.time a").ClickAsync();
        await Expect(slot.Locator("h3")).ToHaveTextAsync("Context: same app, machine and user, by time, 1 before, 2 after");
        await Expect(slot.Locator(".context-list tr.selected td.msg")).ToHaveTextAsync("Read 12 rows");
        Assert.Empty(dialogs);
    }
}
