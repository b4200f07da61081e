using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium with a US locale in Berlin: the From and To boxes show and read one order, as every other time on
/// the page ("2026-10-24 02:00 UTC+02:00": year-month-day, 24 hours, the offset), not the locale's ("10/24/2026,
/// 02:00 AM" in one locale, "24/10/2026, 02:00" in another, which support and user read as different days). A time
/// copied from the list reads back as the same instant; a text that is no date is said beside the boxes.
/// </summary>
public sealed class TimeRangeBoxConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task TimeRange_BoxesInIsoOrderWithTheOffset_TypedPastedAndRefused()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.125Z", sequence = 1 },
            new { level = "Information", message = "afternoon", timestamp = "2026-10-24T13:00:00.000Z", sequence = 2 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T00%3A00%3A00.000Z&to=2026-10-24T23%3A59%3A59.999Z");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        // Before: "10/24/2026, 02:00:00 AM" in a datetime-local box.
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-24 02:00 UTC+02:00");
        // To, inclusive to the precision shown: the last millisecond of a minute shown as that minute.
        await Expect(page.Locator("#timeline-to")).ToHaveValueAsync("2026-10-25 01:59 UTC+02:00");
        Assert.Equal("text", await page.Locator("#timeline-from").GetAttributeAsync("type") ?? "text");
        await ChromiumFixture.ScreenshotAsync(page, "88-time-range-boxes");

        // Typed without an offset: the browser's zone (14:00 in Berlin that day is 12:00Z), to the end of the minute typed
        // (the To box is inclusive); shown back with its offset.
        await page.Locator("#timeline-to").FillAsync("2026-10-24 14:00");
        await page.Locator("#timeline-to").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A00%3A59.999Z"));
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline-to")).ToHaveValueAsync("2026-10-24 14:00 UTC+02:00");

        // A time copied from the list (its own offset) reads back as that instant.
        var listed = await rows.First.Locator("td.time").InnerTextAsync();
        Assert.Equal("2026-10-24 08:00:00.125 UTC+02:00", listed);
        await page.Locator("#timeline-from").FillAsync(listed);
        await page.Locator("#timeline-from").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("from=2026-10-24T06%3A00%3A00.125Z"));
        await Expect(rows).ToHaveCountAsync(1);

        // A locale's date: said beside the boxes, the range as it was.
        var url = page.Url;
        await page.Locator("#timeline-from").FillAsync("24/10/2026 08:00");
        await page.Locator("#timeline-from").PressAsync("Enter");
        await Expect(page.Locator("#range-error")).ToHaveTextAsync(new Regex("^From: “24/10/2026 08:00” is no date and time; write year-month-day and 24-hour time, as 2026-12-05 14:30 \\(Europe/Berlin\\)"));
        await Expect(page.Locator("#timeline-from")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(url, page.Url);
        await Expect(rows).ToHaveCountAsync(1);

        // A preset clears both the range and the complaint.
        await page.Locator("[data-range=all]").ClickAsync();
        await Expect(page.Locator("#range-error")).ToBeHiddenAsync();
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync(string.Empty);
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The To box is inclusive (its title says so), as the API's <c>to</c>: a time copied from a row into it lists that
    /// row's event. Events are stored to the tick (here 06:00:00.1254321, as a .NET client sends it) while the row and
    /// the box show milliseconds: the console asked for <c>to=…06:00:00.125Z</c> and the row's own event was left out.
    /// </summary>
    [Fact]
    public async Task TimeRange_ToCopiedFromARow_ListsThatRowsEvent()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.1254321Z", sequence = 1 },
            new { level = "Information", message = "afternoon", timestamp = "2026-10-24T13:00:00.000Z", sequence = 2 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        var messages = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe");
        await Expect(messages).ToHaveTextAsync(["afternoon", "morning"]);
        var listed = await page.Locator("#events-table tbody tr").Last.Locator("td.time").InnerTextAsync();
        Assert.Equal("2026-10-24 08:00:00.125 UTC+02:00", listed);

        await page.Locator("#timeline-to").FillAsync(listed);
        await page.Locator("#timeline-to").PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T06%3A00%3A00.125Z"));
        await Expect(messages).ToHaveTextAsync(["morning"]);
        await Expect(page.Locator("#timeline-to")).ToHaveValueAsync(listed);
        await Expect(page.Locator("#timeline-to")).ToHaveAttributeAsync("title", new Regex("Inclusive, to the precision typed: .* a time to its millisecond that millisecond$"));
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The To box is inclusive to the precision typed: "14:30" is up to and including 14:30:59.999 (the whole minute, as
    /// support means "until 14:30"), "14:30:00" the whole second, a date alone its whole day; the box then shows the
    /// instant it stops at. From stays at the start of what was typed. Before, "14:30" stopped at 14:30:00.000 and an
    /// event at 14:30:40 was left out of a range "to 14:30".
    /// </summary>
    [Fact]
    public async Task TimeRange_ToTypedToTheMinuteSecondOrDay_InclusiveToWhatWasTyped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        // Berlin is UTC+02:00 on 2026-10-24: 14:30 there is 12:30Z.
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "a minute before", timestamp = "2026-10-24T12:29:59.900Z", sequence = 1 },
            new { level = "Information", message = "on the minute", timestamp = "2026-10-24T12:30:00.000Z", sequence = 2 },
            new { level = "Information", message = "in the second", timestamp = "2026-10-24T12:30:00.8765432Z", sequence = 3 },
            new { level = "Error", message = "the crash", timestamp = "2026-10-24T12:30:40.000Z", sequence = 4 },
            new { level = "Information", message = "the minute's last tick", timestamp = "2026-10-24T12:30:59.9999999Z", sequence = 5 },
            new { level = "Information", message = "the next minute", timestamp = "2026-10-24T12:31:00.000Z", sequence = 6 },
            new { level = "Information", message = "next day", timestamp = "2026-10-24T22:00:00.000Z", sequence = 7 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        var messages = page.Locator("#events-table tbody tr td.msg");
        var to = page.Locator("#timeline-to");
        var from = page.Locator("#timeline-from");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe");
        await Expect(messages).ToHaveCountAsync(7);

        // To the minute: the whole minute (before: to=12:30:00.000Z, only "on the minute" and "a minute before").
        await to.FillAsync("2026-10-24 14:30");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A30%3A59.999Z"));
        await Expect(messages).ToHaveTextAsync(["the minute's last tick", "the crash", "in the second", "on the minute", "a minute before"]);
        await Expect(to).ToHaveValueAsync("2026-10-24 14:30 UTC+02:00");

        // To the second: that whole second. From typed to the minute stays at its start.
        await to.FillAsync("2026-10-24 14:30:00");
        await to.PressAsync("Enter");
        await Expect(messages).ToHaveTextAsync(["in the second", "on the minute", "a minute before"]);
        await from.FillAsync("2026-10-24 14:30");
        await from.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("from=2026-10-24T12%3A30%3A00.000Z"));
        await Expect(messages).ToHaveTextAsync(["in the second", "on the minute"]);
        await Expect(to).ToHaveValueAsync("2026-10-24 14:30:00 UTC+02:00");

        // To the millisecond: that millisecond, to its last tick (as before).
        await to.FillAsync("2026-10-24 14:30:00.000");
        await to.PressAsync("Enter");
        await Expect(messages).ToHaveTextAsync(["on the minute"]);

        // A date alone: its whole day in the browser's zone (to 2026-10-24 23:59:59.999 in Berlin, 21:59:59.999Z).
        await to.FillAsync("2026-10-24");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T21%3A59%3A59.999Z"));
        await Expect(messages).ToHaveTextAsync(["the next minute", "the minute's last tick", "the crash", "in the second", "on the minute"]);

        // With its offset: the minute at that offset.
        await to.FillAsync("2026-10-24 12:30 UTC");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A30%3A59.999Z"));
        await Expect(messages).ToHaveTextAsync(["the minute's last tick", "the crash", "in the second", "on the minute"]);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The To box resolves the time typed as From does, then adds what was typed to (less a millisecond). In Berlin the
    /// clocks skip 02:00–03:00 on 2026-03-29: "02:59" is moved on an hour, as the browser does, to 03:59 CEST (01:59Z).
    /// The To box added the minute first (03:00, which is CEST, 01:00Z) and so ended an hour early, at 00:59:59.999Z,
    /// before From's 01:59:00.000Z for the same text. A fraction is inclusive to its digits: "05.1" is up to 05.199
    /// (before: 05.100, an event at 05.150 left out of a range "to 14:30:05.1").
    /// </summary>
    [Fact]
    public async Task TimeRange_ToInTheSkippedHourOrWithAShortFraction_InclusiveToWhatWasTyped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "a minute before", timestamp = "2026-03-29T01:58:30.000Z", sequence = 1 },
            new { level = "Error", message = "in the minute", timestamp = "2026-03-29T01:59:30.000Z", sequence = 2 },
            new { level = "Information", message = "the next minute", timestamp = "2026-03-29T02:00:00.000Z", sequence = 3 },
            new { level = "Information", message = "the tenth's start", timestamp = "2026-10-24T12:30:05.100Z", sequence = 4 },
            new { level = "Error", message = "in the tenth", timestamp = "2026-10-24T12:30:05.150Z", sequence = 5 },
            new { level = "Information", message = "the next tenth", timestamp = "2026-10-24T12:30:05.200Z", sequence = 6 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        var messages = page.Locator("#events-table tbody tr td.msg");
        var to = page.Locator("#timeline-to");
        var from = page.Locator("#timeline-from");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe");
        await Expect(messages).ToHaveCountAsync(6);

        // From = To = the last minute before the skipped hour: that whole minute (before: to=00:59:59.999Z, from after to).
        await from.FillAsync("2026-03-29 02:59");
        await from.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("from=2026-03-29T01%3A59%3A00.000Z"));
        await to.FillAsync("2026-03-29 02:59");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-03-29T01%3A59%3A59.999Z"));
        await Expect(messages).ToHaveTextAsync(["in the minute"]);
        await Expect(page.Locator("#range-error")).ToBeHiddenAsync();

        // A fraction of one digit: its tenth of a second, to .199 (Berlin is UTC+02:00 on 2026-10-24).
        await from.FillAsync("2026-10-24 14:30:05");
        await from.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("from=2026-10-24T12%3A30%3A05.000Z"));
        await to.FillAsync("2026-10-24 14:30:05.1");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A30%3A05.199Z"));
        await Expect(messages).ToHaveTextAsync(["in the tenth", "the tenth's start"]);

        // Two digits: its hundredth, to .159; three: that millisecond.
        await to.FillAsync("2026-10-24 14:30:05.15");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A30%3A05.159Z"));
        await Expect(messages).ToHaveTextAsync(["in the tenth", "the tenth's start"]);
        await to.FillAsync("2026-10-24 14:30:05.149");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A30%3A05.149Z"));
        await Expect(messages).ToHaveTextAsync(["the tenth's start"]);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The To box shows its instant as it reads back under the inclusive rule. A link's <c>to</c> at a minute's start
    /// (12:30:00.000Z, as "Everyone around this time" and edited links make) showed "14:30", which typed means up to
    /// 14:30:59.999, while the list stopped at 14:30:00.000: it shows "14:30:00.000" now, and the end of a minute or a
    /// second as that minute or second.
    /// </summary>
    [Fact]
    public async Task TimeRange_ToFromALink_ShownAsItReadsBack()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "on the minute", timestamp = "2026-10-24T12:30:00.000Z", sequence = 1 },
            new { level = "Error", message = "the crash", timestamp = "2026-10-24T12:30:40.000Z", sequence = 2 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var messages = page.Locator("#events-table tbody tr td.msg");
        var to = page.Locator("#timeline-to");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&to=2026-10-24T12%3A30%3A00.000Z");
        await Expect(messages).ToHaveTextAsync(["on the minute"]);
        await Expect(to).ToHaveValueAsync("2026-10-24 14:30:00.000 UTC+02:00");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&to=2026-10-24T12%3A30%3A40.999Z");
        await Expect(messages).ToHaveTextAsync(["the crash", "on the minute"]);
        await Expect(to).ToHaveValueAsync("2026-10-24 14:30:40 UTC+02:00");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&to=2026-10-24T12%3A30%3A39.999Z");
        await Expect(messages).ToHaveTextAsync(["on the minute"]);
        await Expect(to).ToHaveValueAsync("2026-10-24 14:30:39 UTC+02:00");

        // What the box shows, typed back (a space added and taken away: a change), asks for the same instant.
        await to.FillAsync("2026-10-24 14:30:39 UTC+02:00 ");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A30%3A39.999Z"));
        await Expect(messages).ToHaveTextAsync(["on the minute"]);
    }

    /// <summary>
    /// A year not written in full: JavaScript's Date reads years 0–99 as 1900–1999, and "0099-01-01" was refused as "no date
    /// and time" (the day check saw 1999's), which it is in the very form the message asks for; "99-1-1" the same. Each box
    /// says the year is the trouble, From and To alike: "99" is not in full; "0099", in full (as the boxes show a year
    /// below 1000), is before 1970 (no event is older), as "1969-12-31 23:00" is; the range as it was.
    /// </summary>
    [Fact]
    public async Task TimeRange_YearNotInFullOrBefore1970_SaidForFromAndTo_RangeUnchanged()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.125Z", sequence = 1 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var error = page.Locator("#range-error");
        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T00%3A00%3A00.000Z");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        var url = page.Url;

        foreach (var (box, label, typed, reason) in new[]
        {
            ("#timeline-from", "From", "0099-01-01", "is before 1970-01-01 00:00 UTC: no event is older; write a later time, as 2026-12-05 14:30"),
            ("#timeline-to", "To", "0099-01-01 10:00", "is before 1970-01-01 00:00 UTC: no event is older; write a later time, as 2026-12-05 14:30"),
            ("#timeline-from", "From", "99-1-1", "has the year 99: write the year in full, as 2026-12-05 14:30 (1970 or later: no event is older)"),
            ("#timeline-to", "To", "99-1-1", "has the year 99: write the year in full, as 2026-12-05 14:30 (1970 or later: no event is older)"),
            ("#timeline-to", "To", "1969-12-31 23:00", "is before 1970-01-01 00:00 UTC: no event is older; write a later time, as 2026-12-05 14:30"),
        })
        {
            await page.Locator(box).FillAsync(typed);
            await page.Locator(box).PressAsync("Enter");
            await Expect(error).ToHaveTextAsync($"{label}: “{typed}” {reason}");
            await Expect(page.Locator(box)).ToHaveAttributeAsync("aria-invalid", "true");
            Assert.Equal(url, page.Url);
        }

        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
    }

    /// <summary>
    /// A link whose range starts before the year 1000 (written by hand, or by a tool: the API takes it) showed its From box
    /// as "999-01-02 00:00 UTC", and the detail's range as "from 999-01-02 …": dom.js wrote the year unpadded, a date in
    /// no form the boxes read or any other time on the page has. The year is written in four digits, "0999-01-02 00:00
    /// UTC"; typed back, the box refuses it as before 1970 (no event is older), not as a year not in full, the range as
    /// it was; the To box changed, the From is kept to the instant.
    /// </summary>
    [Fact]
    public async Task TimeRange_LinkFromBeforeTheYear1000_ShownWithItsFourDigitYear_TheOtherBoxStillTyped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.125Z", sequence = 1 },
            new { level = "Information", message = "afternoon", timestamp = "2026-10-24T13:00:00.000Z", sequence = 2 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "UTC", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var (from, to, error, rows) = (page.Locator("#timeline-from"), page.Locator("#timeline-to"), page.Locator("#range-error"), page.Locator("#events-table tbody tr"));

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=0999-01-02T00%3A00%3A00.000Z");
        await Expect(rows).ToHaveCountAsync(2);

        // Before: "999-01-02 00:00 UTC".
        await Expect(from).ToHaveValueAsync("0999-01-02 00:00 UTC");
        await rows.Filter(new() { HasText = "morning" }).ClickAsync();
        await Expect(page.Locator("#detail-body .kind-filter[data-scope=everyone]")).ToHaveAttributeAsync("title", "Every user's events of this kind, from 0999-01-02 00:00:00.000 UTC: morning");
        var url = page.Url;

        await from.FillAsync("0999-01-02 00:00 UTC ");
        await from.PressAsync("Enter");
        await Expect(error).ToHaveTextAsync("From: “0999-01-02 00:00 UTC” is before 1970-01-01 00:00 UTC: no event is older; write a later time, as 2026-12-05 14:30");
        Assert.Equal(url, page.Url);

        await to.FillAsync("2026-10-24 12:00");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T12%3A00%3A59.999Z"));
        Assert.Contains("from=0999-01-02T00%3A00%3A00.000Z", page.Url, StringComparison.Ordinal);
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(from).ToHaveValueAsync("0999-01-02 00:00 UTC");
        await Expect(error).ToBeEmptyAsync();
    }

    /// <summary>
    /// "Before 1970" is the instant's, not the year's as typed: in New York "1969-12-31 20:00" is 1970-01-01T01:00Z (an
    /// event can be then) and is taken; "1970-01-01 00:30 UTC+01:00" is 1969-12-31T23:30Z and is refused, said so.
    /// </summary>
    [Fact]
    public async Task TimeRange_Before1970_DecidedOnTheInstantNotTheYearTyped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.125Z", sequence = 1 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "America/New_York", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var (from, error) = (page.Locator("#timeline-from"), page.Locator("#range-error"));
        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T00%3A00%3A00.000Z");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);

        await from.FillAsync("1969-12-31 20:00");
        await from.PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new Regex("from=1970-01-01T01%3A00%3A00.000Z"));
        await Expect(from).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(error).ToBeEmptyAsync();
        var url = page.Url;

        await from.FillAsync("1970-01-01 00:30 UTC+01:00");
        await from.PressAsync("Enter");

        await Expect(error).ToHaveTextAsync("From: “1970-01-01 00:30 UTC+01:00” is before 1970-01-01 00:00 UTC: no event is older; write a later time, as 2026-12-05 14:30");
        await Expect(from).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(url, page.Url);
    }

    /// <summary>
    /// A browser without CSS field-sizing (Firefox, Chromium before 123, Safari before 26; made here by setting the
    /// boxes' field-sizing back to fixed) kept each box at its default 20 characters: in Berlin "2026-10-24 08:00:00.125
    /// UTC+02:00" showed as "2026-10-24 08:00:00.125", a time read without its offset. Each box is as wide as its text.
    /// </summary>
    [Fact]
    public async Task TimeRange_BrowserWithoutFieldSizing_NoBoxCutsItsTime()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.125Z", sequence = 1 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        const string Cut = """
            () => ['timeline-from', 'timeline-to'].map(id => document.getElementById(id)).filter(i => i.scrollWidth > i.clientWidth)
              .map(i => `${i.id}: ${i.value} needs ${i.scrollWidth} of ${i.clientWidth} px`)
            """;

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T06%3A00%3A00.125Z&to=2026-10-24T23%3A59%3A59.999Z");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-24 08:00:00.125 UTC+02:00");
        Assert.Empty(await page.EvaluateAsync<string[]>(Cut));
        // Scripts may set a style under the page's CSP (style-src 'self' forbids only inline style sheets and attributes).
        await page.EvaluateAsync("() => document.querySelectorAll('input.time-box').forEach(i => i.style.setProperty('field-sizing', 'fixed', 'important'))");
        Assert.Empty(await page.EvaluateAsync<string[]>(Cut));

        // Typed longer than it was: the box grows as the text does.
        await page.Locator("#timeline-to").FillAsync("2026-10-25 01:59:59.999 UTC+02:00");
        Assert.Empty(await page.EvaluateAsync<string[]>(Cut));
        await ChromiumFixture.ScreenshotAsync(page, "89-time-boxes-without-field-sizing");
    }

    /// <summary>
    /// Support narrowing to "around 9 yesterday" types the hour as people write it, "2026-10-24 9:00", which the boxes
    /// refused as no date and time (the month, the day and the hour may now have one digit). A To then typed before the
    /// From was sent as it was, and the list said the API's refusal, both ends in UTC to the tick ("(from
    /// 2026-10-24T07:00:00.0000000Z, to 2026-10-24T06:00:59.9990000Z)") for boxes reading 09:00 and 08:00: it now says
    /// the two ends as the boxes show them, and asks nothing.
    /// </summary>
    [Fact]
    public async Task TimeRange_HourOfOneDigit_Read_ToBeforeFrom_SaidInTheBoxesZone()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Information", message = "morning", timestamp = "2026-10-24T06:00:00.125Z", sequence = 1 },
            new { level = "Information", message = "afternoon", timestamp = "2026-10-24T13:00:00.000Z", sequence = 2 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        var rows = page.Locator("#events-table tbody tr");
        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T00%3A00%3A00.000Z&to=2026-10-24T23%3A59%3A59.999Z");
        await Expect(rows).ToHaveCountAsync(2);

        await page.Locator("#timeline-from").FillAsync("2026-10-24 9:00");
        await page.Locator("#timeline-from").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("from=2026-10-24T07%3A00%3A00.000Z"));
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-24 09:00 UTC+02:00");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#range-error")).ToBeHiddenAsync();

        await page.Locator("#timeline-to").FillAsync("2026-10-24 8:00");
        await page.Locator("#timeline-to").PressAsync("Enter");
        await Expect(page.Locator("#events-error")).ToHaveTextAsync(
            "Could not load events: the range's From, 2026-10-24 09:00 UTC+02:00, is after its To, 2026-10-24 08:00 UTC+02:00: no event can be in it (change one of them)");
        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.Locator("#histogram")).ToBeHiddenAsync();
        Assert.Null(await page.Locator("#download-csv").GetAttributeAsync("href"));

        await page.Locator("#timeline-to").FillAsync("2026-10-24 16:00");
        await page.Locator("#timeline-to").PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#events-error")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A bar of 10 seconds clicked (or "Everyone around this time" narrowed) gives a range inside one minute,
    /// 08:00:50 to 08:00:59.999: the To box showed the end of the minute as the minute, "08:00", beside a From of
    /// "08:00:50", a To that read as earlier than its From. With the From showing seconds, the To shows its last second,
    /// "08:00:59", which reads back as the same instant; a From to the minute keeps the To to the minute.
    /// </summary>
    [Fact]
    public async Task TimeRange_FromWithSeconds_ToAtTheMinutesEndShownWithItsSeconds_ReadsBackTheSame()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Error", message = "the crash", timestamp = "2026-10-24T06:00:55.000Z", sequence = 1 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin", Locale = "en-US" });
        var page = await context.NewPageAsync();
        var rows = page.Locator("#events-table tbody tr");
        var to = page.Locator("#timeline-to");

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T06%3A00%3A50.000Z&to=2026-10-24T06%3A00%3A59.999Z");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-24 08:00:50 UTC+02:00");
        await Expect(to).ToHaveValueAsync("2026-10-24 08:00:59 UTC+02:00");

        // Typed back (a space added and taken away: a change), the same instant.
        await to.FillAsync("2026-10-24 08:00:59 UTC+02:00 ");
        await to.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-24T06%3A00%3A59.999Z"));
        await Expect(rows).ToHaveCountAsync(1);

        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-24T06%3A00%3A00.000Z&to=2026-10-24T06%3A00%3A59.999Z");
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-24 08:00 UTC+02:00");
        await Expect(to).ToHaveValueAsync("2026-10-24 08:00 UTC+02:00");
    }
}
