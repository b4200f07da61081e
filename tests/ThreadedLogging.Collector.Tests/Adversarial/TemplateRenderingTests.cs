using System.Net;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Found by the fuzzer (Fuzz/): a template's alignment or precision made a small event render to gigabytes — an
/// OutOfMemoryException (500), or a request that never finished — and an alignment of int.MinValue threw (500), in
/// OTLP's MEL templates and CLEF's Serilog templates. The rendered message is bounded by MaxEventBytes, as Python's
/// %-formatting already is.
/// </summary>
public sealed class TemplateRenderingTests : IAsyncLifetime
{
    private const int MaxEventBytes = 64 * 1024;
    private CollectorFixture _collector = null!;

    public static TheoryData<string, string> Bombs => new()
    {
        { "alignment-max", "{A,2147483647}" },
        { "alignment-min", "{A,-2147483648}" },
        { "alignment-each", string.Concat(Enumerable.Repeat("{A,100000}", 1000)) },
        { "repeats", string.Concat(Enumerable.Repeat("{S}", 1000)) },
    };

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync($"--Collector:MaxEventBytes={MaxEventBytes}");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task IngestOtlp_TemplateThatRendersHuge_StoredCutAtLimitWithMarker(string name, string template)
    {
        var record = OtlpIngestTests.Record(body: template);
        record.Attributes.Add(Attribute("A", new AnyValue { IntValue = 3 }));
        record.Attributes.Add(Attribute("S", new AnyValue { StringValue = new string('s', 10_000) }));
        record.Attributes.Add(Attribute("user.name", new AnyValue { StringValue = "mel-" + name }));

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "v1/logs", OtlpIngestTests.Request(record), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, status);
        var message = Assert.Single(await StillServing.MessagesAsync(_collector, "user=mel-" + name))!;
        Assert.Equal(MaxEventBytes + RenderedMessage.TruncationMarker.Length, message.Length);
        Assert.EndsWith(RenderedMessage.TruncationMarker, message, StringComparison.Ordinal);
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task IngestClef_TemplateThatRendersHuge_StoredCutAtLimitWithMarker(string name, string template)
    {
        var line = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@t"] = "2026-11-30T10:00:00Z",
            ["@mt"] = template,
            ["A"] = 3,
            ["S"] = new string('s', 10_000),
            ["UserName"] = "clef-" + name,
        });

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "ingest/clef", Http.Utf8(line + "\n"), "application/vnd.serilog.clef");

        Assert.True(status == HttpStatusCode.Created, body);
        var message = Assert.Single(await StillServing.MessagesAsync(_collector, "user=clef-" + name))!;
        Assert.Equal(MaxEventBytes + RenderedMessage.TruncationMarker.Length, message.Length);
        Assert.EndsWith(RenderedMessage.TruncationMarker, message, StringComparison.Ordinal);
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [InlineData("{A:D999999999}", "3")]
    [InlineData("{A:D99999999999}", "3")]
    [InlineData("{A:D5} {D:E999999999}", "00003 0.25")]
    public async Task IngestOtlp_PrecisionPastTheLimit_FormatNotApplied(string template, string expected)
    {
        var user = "precision-" + Guid.NewGuid().ToString("N");
        var record = OtlpIngestTests.Record(body: template);
        record.Attributes.Add(Attribute("A", new AnyValue { IntValue = 3 }));
        record.Attributes.Add(Attribute("D", new AnyValue { DoubleValue = 0.25 }));
        record.Attributes.Add(Attribute("user.name", new AnyValue { StringValue = user }));

        var (status, _) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "v1/logs", OtlpIngestTests.Request(record), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([expected], await StillServing.MessagesAsync(_collector, "user=" + user));
    }

    private static KeyValue Attribute(string key, AnyValue value) => new() { Key = key, Value = value };
}
