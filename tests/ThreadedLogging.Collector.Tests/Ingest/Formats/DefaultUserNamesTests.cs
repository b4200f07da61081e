using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>The default user names take Serilog's <c>EnvironmentUserName</c> and OpenTelemetry's <c>user.id</c>, after the older ones.</summary>
public sealed class DefaultUserNamesTests
{
    [Fact]
    public async Task Ingest_EnvironmentUserNameOrUserId_UserEarlierNamesWin()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var clef = """
            {"@t":"2025-12-01T10:00:00Z","@mt":"enricher","EnvironmentUserName":"vm\\root"}
            {"@t":"2025-12-01T10:00:00Z","@mt":"both","EnvironmentUserName":"vm\\root","UserName":"alice"}
            """;
        await PostOkAsync(collector, "api/events/raw", "application/vnd.serilog.clef", clef + "\n");
        var otlp = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"user.id","value":{"stringValue":"u-42"}}]},
              "scopeLogs":[{"logRecords":[{"timeUnixNano":"1764583200000000000","body":{"stringValue":"otel"}}]}]}]}
            """;
        await PostOkAsync(collector, "v1/logs", "application/json", otlp);

        var users = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("message").GetString()!, e => e.GetProperty("user").GetString(), StringComparer.Ordinal);

        Assert.Equal("vm\\root", users["enricher"]);
        Assert.Equal("alice", users["both"]);
        Assert.Equal("u-42", users["otel"]);
    }

    private static async Task PostOkAsync(CollectorFixture collector, string url, string contentType, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(body), contentType);
        Assert.True((int)status is 200 or 201, $"{(int)status}: {text}");
    }
}
