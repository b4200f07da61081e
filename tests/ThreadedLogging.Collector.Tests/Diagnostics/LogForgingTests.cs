using System.Net;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// Security review: a value a client chose cannot forge a line of the collector's log (a newline in an ingest path)
/// nor come back whole in an answer (a 5,000-character Content-Type). Real Kestrel; the collector's own log lines.
/// </summary>
public sealed class LogForgingTests
{
    [Fact]
    public async Task IngestRejected_NewlineInPath_LoggedOnOneLineEscaped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Logging:LogLevel:Default=Information");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice%0Ainfo: Admin signed in", Http.Utf8("x"), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        var line = Assert.Single(log.Entries, e => e.Message.StartsWith("Rejected ingest request from", StringComparison.Ordinal)).Message;
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("Rejected ingest request from 127.0.0.1 to alice\\ninfo: Admin signed in with 415: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownIngestPath_ControlCharacters_LoggedEscaped()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = CollectingLoggerProvider.AttachTo(collector);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/x%0D%0Awarn: forged%1B[2J", Http.Utf8("{}"), "application/json");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no endpoint at /v1/x\\r\\nwarn: forged\\u001b[2J", Http.Error(body));
        var line = Assert.Single(log.Entries, e => e.Message.StartsWith("No ingest endpoint", StringComparison.Ordinal)).Message;
        Assert.Equal("No ingest endpoint at POST /v1/x\\r\\nwarn: forged\\u001b[2J: answered 404 to 127.0.0.1 (0 more of this address since the last such line, at most one a minute); logs are taken at POST /v1/logs (OTLP over HTTP: the whole URL), /api/events/raw (Seq, CLEF) and /log/{path}", line);
    }

    [Fact]
    public async Task UserErased_NewlineInTheName_TheRecordOnOneLineEscaped_TheNameErasedAsSent()
    {
        await using var collector = await CollectorFixture.StartAsync("--Logging:LogLevel:Default=Information");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);

        // The erasure's line is the record of the request: a name with a newline must not add a record of another erasure.
        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/eve%0AErased the data of user alice: 12 events, by AdminApiKey");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("eve\nErased the data of user alice: 12 events, by AdminApiKey", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("user").GetString());
        var line = Assert.Single(log.Entries, e => e.Message.StartsWith("Erased the data of user", StringComparison.Ordinal)).Message;
        Assert.Equal("Erased the data of user eve\\nErased the data of user alice: 12 events, by AdminApiKey: 0 events, by open (loopback, no keys)", line);
    }

    [Fact]
    public async Task AlertRuleRefused_NewlineInTheStoredQuery_LoggedOnOneLineEscaped()
    {
        // One store, two collectors: the first takes the rule (its app filter within Collector:MaxFieldLength), the
        // second refuses it and says so in a line that quotes the value, %0A decoded as the API took it.
        using var data = new TempDirectory();
        string[] hourly = ["--Collector:Alerts:Interval=01:00:00"];
        await using (var first = await CollectorFixture.StartInAsync(data.Path, hourly))
        {
            var (created, _) = await Alerts.AlertRulesApiTests.SendAsync(first, HttpMethod.Post, "api/alerts", new
            {
                name = "payroll",
                query = "app=Payroll%0Awarn: forged line",
                threshold = 1,
                window = "01:00:00",
                webhook = "https://hooks.example.com/h",
            });
            Assert.Equal(HttpStatusCode.Created, created);
        }

        await using var second = await CollectorFixture.StartInAsync(data.Path, [.. hourly, "--Collector:MaxFieldLength=16"]);
        await Alerts.AlertScenario.EvaluateAtAsync(second, TimeSpan.Zero);

        var line = Assert.Single(second.Log.Entries, e => e.Message.StartsWith("Alert rule ", StringComparison.Ordinal)).Message;
        Assert.Equal("Alert rule 1 'payroll' (made through the API) is not evaluated by this collector: 'query': parameter 'app' is longer than 16 characters (was 'Payroll\\nwarn: forged line', a value of 25 characters).", line);
    }

    [Fact]
    public async Task UnsupportedContentType_5000Characters_AnswerAndLogHoldTheFirst200()
    {
        await using var collector = await CollectorFixture.StartAsync("--Logging:LogLevel:Default=Information");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);
        var contentType = "application/x-" + new string('a', 5000);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8("x"), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        var reason = Http.Error(body);
        Assert.StartsWith($"unsupported Content-Type '{contentType[..LoggedText.MaxLength]}…' (", reason, StringComparison.Ordinal);
        Assert.InRange(reason.Length, 0, 400);
        var line = Assert.Single(log.Entries, e => e.Message.StartsWith("Rejected ingest request from", StringComparison.Ordinal)).Message;
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.InRange(line.Length, 0, 500);
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a\nb\rc\td", "a\\nb\\rc\\td")]
    [InlineData("\u001b[31mred\u007f\u0085", "\\u001b[31mred\\u007f\\u0085")]
    [InlineData("line\u2028separator", "line\\u2028separator")]
    [InlineData(null, "")]
    public void Of_ControlCharacters_Escaped(string? value, string expected) => Assert.Equal(expected, LoggedText.Of(value));

    [Fact]
    public void Of_LongerThanMaxLength_CutWithEllipsis()
    {
        Assert.Equal(new string('x', 200) + "…", LoggedText.Of(new string('x', 201)));
        Assert.Equal(new string('x', 200), LoggedText.Of(new string('x', 200)));
        Assert.Equal("\\n\\n…", LoggedText.Of("\n\n\n", maxLength: 2));
    }
}
