using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// A control character (U+0000 among them) in an app, version, machine or instance id, from each format that carries one, on
/// each store: PostgreSQL text cannot hold U+0000 (it stored U+FFFD), SQLite stored it as sent, and both stored the others;
/// now every format and store refuses it as the user name's (bcb53289), naming the field and the value.
/// </summary>
public sealed class IdentityControlCharacterTests
{
    private const string ClefType = "application/vnd.serilog.clef";
    private const string FormType = "application/x-www-form-urlencoded";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ingest_ControlCharacterInAnIdentityField_RefusedNamingFieldAndValueNothingStored(bool onPostgres)
    {
        await using var collector = await CollectorFixture.StartOnAsync(onPostgres ? TestStore.Postgres : TestStore.Sqlite);

        var wrong = new List<string>();
        foreach (var (url, contentType, body, expected) in Cases())
        {
            var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(body), contentType);
            if ($"{(int)status} {Reason(text)}" is var answer && answer != expected)
            {
                wrong.Add($"{body.TrimEnd()}\n  expected: {expected}\n  answered: {answer}");
            }
        }

        var stored = await collector.EventsAsync();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(stored.Count == 0, string.Join("; ", stored.Select(e => e.GetRawText())));
    }

    private static IEnumerable<(string Url, string ContentType, string Body, string Expected)> Cases()
    {
        const string Holds = "holds a control character";
        yield return ("log/alice", "application/json", """{"app":"Pay\u0000roll","events":[{"message":"x"}]}""",
            $"400 field 'app' ('Pay\\u0000roll') {Holds} (U+0000 at index 3), which no app name may hold");
        yield return ("log/alice", "application/json", """{"version":"2.0\u007f","events":[{"message":"x"}]}""",
            $"400 field 'version' ('2.0\\u007f') {Holds} (U+007F at index 3), which no version may hold");
        yield return ("log/alice", "application/json", """{"events":[{"message":"x","machine":"PC\t1"}]}""",
            $"400 event 0: field 'machine' ('PC\\t1') {Holds} (U+0009 at index 2), which no machine name may hold");
        yield return ("log/alice", "application/json", """{"events":[{"message":"x","instanceId":"i\u0000","sequence":1}]}""",
            $"400 event 0: field 'instanceId' ('i\\u0000') {Holds} (U+0000 at index 1), which no instance id may hold");
        yield return ("log/alice", FormType, "msg=x&levelno=20&app=Pay%00roll",
            $"400 event 0: field 'app' ('Pay\\u0000roll') {Holds} (U+0000 at index 3), which no app name may hold");
        yield return ("log/alice", FormType, "msg=x&levelno=20&machine=PC%0A1",
            $"400 event 0: field 'machine' ('PC\\n1') {Holds} (U+000A at index 2), which no machine name may hold");
        yield return ("log/alice", FormType, "msg=x&levelno=20&revision=2.0%00",
            $"400 event 0: field 'revision' ('2.0\\u0000') {Holds} (U+0000 at index 3), which no version may hold");
        yield return ("log/alice", FormType, "msg=x&levelno=20&instanceId=i%00&sequence=1",
            $"400 event 0: field 'instanceId' ('i\\u0000') {Holds} (U+0000 at index 1), which no instance id may hold");
        yield return ("api/events/raw", ClefType, """{"@t":"2026-12-01T10:00:00Z","@mt":"x","Application":"Pay\u0000roll"}""" + "\n",
            $"400 line 1: field 'app' ('Pay\\u0000roll') {Holds} (U+0000 at index 3), which no app name may hold");
        yield return ("api/events/raw", ClefType, """{"@t":"2026-12-01T10:00:00Z","@mt":"x","MachineName":"PC\r1"}""" + "\n",
            $"400 line 1: field 'machine' ('PC\\r1') {Holds} (U+000D at index 2), which no machine name may hold");
        yield return ("v1/logs", "application/json", Otlp("service.name", "Pay\\u0000roll"),
            $"200 rejected 1: log record 0: field 'app' ('Pay\\u0000roll') {Holds} (U+0000 at index 3), which no app name may hold");
        yield return ("v1/logs", "application/json", Otlp("host.name", "PC\\u001b1"),
            $"200 rejected 1: log record 0: field 'machine' ('PC\\u001b1') {Holds} (U+001B at index 2), which no machine name may hold");
        yield return ("v1/logs", "application/json", Otlp("service.instance.id", "i\\u0000"),
            $"200 rejected 1: log record 0: field 'service.instance.id' ('i\\u0000') {Holds} (U+0000 at index 1), which no instance id may hold");
    }

    private static string Otlp(string key, string value) =>
        $$$"""
        {"resourceLogs":[{"resource":{"attributes":[{"key":"{{{key}}}","value":{"stringValue":"{{{value}}}"}}]},
          "scopeLogs":[{"logRecords":[{"timeUnixNano":"1764583200000000000","body":{"stringValue":"otel"}}]}]}]}
        """;

    /// <summary>A 400's reason, or an OTLP answer's partial success (or the whole body when it is neither).</summary>
    private static string Reason(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.TryGetProperty("error", out var error) ? error.GetString()!
                : root.TryGetProperty("partialSuccess", out var partial)
                    ? $"rejected {partial.GetProperty("rejectedLogRecords").GetRawText().Trim('"')}: {partial.GetProperty("errorMessage").GetString()}"
                : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
