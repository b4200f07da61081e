using System.Net;
using System.Text;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// The one reader of client times (JsonBatch <c>timestamp</c>, CLEF <c>@t</c>, a level rule's <c>expires</c>): RFC 3339
/// with a required offset, a fraction of any length; what our client, Serilog's CLEF, CPython and Go write all read.
/// </summary>
public sealed class Rfc3339TimeTests
{
    [Theory]
    [InlineData("2026-12-03T10:15:30Z", "2026-12-03T10:15:30.0000000Z")] // JsonBatchWriter, no fraction
    [InlineData("2026-12-03T10:15:30.25Z", "2026-12-03T10:15:30.2500000Z")] // JsonBatchWriter trims trailing zeros
    [InlineData("2026-12-03T10:15:30.1234567Z", "2026-12-03T10:15:30.1234567Z")] // Serilog CLEF @t, .NET "O"
    [InlineData("2026-12-03T11:15:30.1234567+01:00", "2026-12-03T10:15:30.1234567Z")] // older Serilog CLEF: local offset
    [InlineData("2026-12-03T10:15:30.123456+00:00", "2026-12-03T10:15:30.1234560Z")] // CPython datetime.isoformat()
    [InlineData("2026-12-03T10:15:30.123Z", "2026-12-03T10:15:30.1230000Z")] // JavaScript toISOString()
    [InlineData("2026-12-03T10:15:30.123456789Z", "2026-12-03T10:15:30.1234567Z")] // Go RFC3339Nano: cut, not rounded
    [InlineData("2026-12-03T10:15:30.99999999Z", "2026-12-03T10:15:30.9999999Z")] // never rounded into the next second
    [InlineData("2026-12-03t10:15:30z", "2026-12-03T10:15:30.0000000Z")]
    [InlineData("2026-12-03 10:15:30Z", "2026-12-03T10:15:30.0000000Z")] // RFC 3339 §5.6 note: a space
    [InlineData("2026-12-03T10:15:30-00:00", "2026-12-03T10:15:30.0000000Z")]
    [InlineData("2026-12-03T05:45:30-04:30", "2026-12-03T10:15:30.0000000Z")]
    [InlineData("2026-12-04T09:15:30+23:00", "2026-12-03T10:15:30.0000000Z")] // beyond .NET's ±14:00, still an instant
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000Z")]
    [InlineData("0000-12-31T23:00:00-14:00", "0001-01-01T13:00:00.0000000Z")] // RFC 3339's year 0000, an instant of year 1 in UTC
    public void TryParse_Rfc3339_TheInstantInUtc(string text, string expected)
    {
        Assert.True(Rfc3339Time.TryParse(text.AsSpan(), out var utf16));
        Assert.True(Rfc3339Time.TryParse(Encoding.UTF8.GetBytes(text).AsSpan(), out var utf8));

        Assert.Equal(expected, utf16.ToString("O", System.Globalization.CultureInfo.InvariantCulture).Replace("+00:00", "Z", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.Zero, utf16.Offset);
        Assert.Equal(utf16, utf8);
    }

    [Theory]
    [InlineData("2026-12-03T10:15:30")] // no offset: a different instant on every machine
    [InlineData("2026-12-03T10:15:30.123")]
    [InlineData("2026-12-03")]
    [InlineData("2026-12-03T10:15Z")] // RFC 3339 requires the seconds
    [InlineData("12/03/2026 10:15:30 +00:00")]
    [InlineData("03.12.2026 10:15:30Z")]
    [InlineData("10:15:30Z")]
    [InlineData("Thu, 03 Dec 2026 10:15:30 GMT")]
    [InlineData("2026-12-03T10:15:30+0100")] // ISO 8601 basic offset, not RFC 3339
    [InlineData("2026-12-03T10:15:30+01")]
    [InlineData("2026-12-03T10:15:30.Z")]
    [InlineData("2026-12-03T10:15:30Z ")]
    [InlineData(" 2026-12-03T10:15:30Z")]
    [InlineData("2026-02-29T10:15:30Z")]
    [InlineData("2026-13-03T10:15:30Z")]
    [InlineData("2026-12-03T24:00:00Z")]
    [InlineData("2016-12-31T23:59:60Z")] // a leap second: .NET has no such instant
    [InlineData("2026-12-03T10:15:30+24:00")]
    [InlineData("0000-12-03T10:15:30Z")]
    [InlineData("0001-01-01T00:00:00+01:00")] // before DateTime.MinValue in UTC
    [InlineData("+12026-12-03T10:15:30Z")]
    [InlineData("２０２６-12-03T10:15:30Z")] // fullwidth digits
    [InlineData("")]
    public void TryParse_NotRfc3339_False(string text)
    {
        Assert.False(Rfc3339Time.TryParse(text.AsSpan(), out _));
        Assert.False(Rfc3339Time.TryParse(Encoding.UTF8.GetBytes(text).AsSpan(), out _));
    }

    [Fact]
    public async Task Ingest_TimesCPythonWrites_StoredAtTheirInstant()
    {
        // CPython's own JSON and datetime, posted with urllib: isoformat() in UTC and with the machine's local offset.
        const string Script = """
            import datetime, json, sys, urllib.request
            utc = datetime.datetime(2026, 12, 1, 10, 15, 30, 123456, tzinfo=datetime.timezone.utc)
            local = utc.astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=30)))
            body = json.dumps({"events": [
                {"message": "utc", "timestamp": utc.isoformat()},
                {"message": "offset", "timestamp": local.isoformat()},
            ]}).encode()
            request = urllib.request.Request("http://" + sys.argv[1] + "/log/py-times", data=body, headers={"Content-Type": "application/json"})
            print(urllib.request.urlopen(request).status)
            """;
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");

        var printed = await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority);

        Assert.Equal(((int)HttpStatusCode.OK).ToString(System.Globalization.CultureInfo.InvariantCulture), printed.Trim());
        var events = await collector.WaitForEventsAsync(2, "user=py-times");
        Assert.All(events, e => Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 15, 30, 123, 456, TimeSpan.Zero), e.GetProperty("timestamp").GetDateTimeOffset()));
    }
}
