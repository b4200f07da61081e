using Amazon.SQS.Model;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// Each SQS message set aside as poison was a Warning of its own: a producer sending nothing but bad messages (a wrong
/// format, an old version) made a line per message. At most one a minute per queue and kind of reason (a refusal's status,
/// a defect, a failing store), the next saying how many were left out; each message is still kept in the poison table.
/// fauxqs; a fake clock.
/// </summary>
public sealed class SqsPoisonLogTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    [Fact]
    public async Task Run_TenMalformedMessages_OneLineThenOneSayingNineLeftOut_ATooLargeOneStillSaid()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("poisonlines");
        using var client = sqs.CreateClient();
        await client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = [.. Enumerable.Range(0, 10).Select(i => new SendMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), """{"msg":"cut"""))],
        });
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = $$"""{"msg":"{{new string('x', 2000)}}","levelno":20}""" });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, time, collector: new CollectorOptions { MaxRequestBodyBytes = 1024 }); // nothing reaches its store: every message is refused
        await run.WaitAsync(s => s.Poison >= 11);

        var first = Lines(run.Log);
        Assert.True(first.Count == 2, run.Log.Text()); // before: 11, a line per message
        Assert.All(first, l => Assert.EndsWith("(0 more set aside for this kind of reason since the last such line, at most one a minute; each in GET /api/ingest/sqs/poison)", l, StringComparison.Ordinal));
        Assert.Single(first, l => l.Contains("the limit is 1024 (Collector:MaxRequestBodyBytes)", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromMinutes(1));
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"cut""" });
        await run.WaitAsync(s => s.Poison >= 12);
        await run.StopAsync();

        var all = Lines(run.Log);
        Assert.Equal(3, all.Count);
        Assert.DoesNotContain("the limit is", all[2], StringComparison.Ordinal);
        Assert.Contains("(9 more set aside for this kind of reason since", all[2], StringComparison.Ordinal);
        Assert.Equal(12, (await run.Poison.ListAsync(100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Run_AFormatAttributeWithANewline_ThePoisonLineKeepsItEscapedOnOneLine()
    {
        // The reason quotes the producer's tl-format attribute ("unknown message format '…'"): written raw, a newline in it
        // began a line of the collector's log that the producer wrote (log forging), as a request path once did (LoggedText).
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("poisonforged");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = """{"msg":"hello","levelno":20}""",
            MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = "json\ncrit: FORGED collector line" } },
        });
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System);
        await run.WaitAsync(s => s.Poison >= 1);
        await run.StopAsync();

        var line = Assert.Single(Lines(run.Log));
        Assert.DoesNotContain('\n', line); // before: the attribute's newline, raw
        Assert.Contains("json\\ncrit: FORGED collector line", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoDifferent400ReasonsWithinAMinute_TwoLines_TheSameReasonWithOtherValuesOne()
    {
        // b8f0892 keyed the poison lines by status only: every 400 shared one line, whatever its reason. The key is now the
        // status and the reason's kind (its template): a malformed body and an unknown format are two lines.
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("poisonreasons");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"cut""" });
        foreach (var format in new[] { "yaml", "toml" })
        {
            await client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = """{"msg":"hello","levelno":20}""",
                MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = format } },
            });
        }

        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await run.WaitAsync(s => s.Poison >= 3);
        await run.StopAsync();

        var lines = Lines(run.Log);
        Assert.True(lines.Count == 2, run.Log.Text()); // before: 1, the 400s shared a line
        Assert.Single(lines, l => l.Contains("unknown message format", StringComparison.Ordinal)); // 'yaml' and 'toml': one kind
        Assert.Single(lines, l => !l.Contains("unknown message format", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_BodiesThatAreInvalidJsonLiteralsWithAnApostrophe_OneKindOneLine()
    {
        // System.Text.Json quotes the rest of the body after an invalid literal: "'tru's order for ann failed' is an invalid
        // JSON literal". The kind masked a quote up to the next apostrophe, so the text after "tru's" stayed in the key:
        // each such body was a kind, and a line, of its own.
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("poisonapostrophe");
        using var client = sqs.CreateClient();
        foreach (var who in new[] { "ann", "bob", "cy" })
        {
            await client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = $"tru's order for {who} failed]}}",
                MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = SqsMessageAttributes.SeedRecordFormat } },
            });
        }

        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await run.WaitAsync(s => s.Poison >= 3);
        await run.StopAsync();

        var line = Assert.Single(Lines(run.Log)); // before: 3, a line per body
        Assert.Contains("is an invalid JSON literal", line, StringComparison.Ordinal);
        Assert.Equal(3, (await run.Poison.ListAsync(100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Run_TwoReasonsThatBeginWithAQuotedName_TwoKindsTwoLines()
    {
        // cf515cb ended a reason's kind at its first quote, so reasons that differ only after a quoted name shared a kind:
        // "line 1: '@t' (the event's time) is missing" and "line 1: '@r' must be an array of strings" were both
        // "line #: '…'", and the second reason's first line was never said (within the minute).
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("poisonquotedname");
        using var client = sqs.CreateClient();
        foreach (var body in new[] { """{"@mt":"no time"}""", """{"@t":"2026-12-06T10:00:00Z","@mt":"bad {X}","@r":5}""", """{"@mt":"no time either"}""" })
        {
            await client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = body,
                MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = "clef" } },
            });
        }

        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await run.WaitAsync(s => s.Poison >= 3);
        await run.StopAsync();

        var lines = Lines(run.Log);
        Assert.True(lines.Count == 2, run.Log.Text()); // before: 1, the '@r' reason never said
        Assert.Single(lines, l => l.Contains("'@t' (the event's time) is missing", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("'@r' must be an array of strings", StringComparison.Ordinal));
    }

    [Fact]
    public void Kind_QuotedNamesMasked_TheQuotedRestOfABodyCut_TextAfterItsClosingQuoteKept()
    {
        Assert.Equal(SqsPoisonReasonKind.Of("line 1: '@t' (the event's time) is missing"), SqsPoisonReasonKind.Of("line 7: '@t' (the event's time) is missing"));
        Assert.NotEqual(SqsPoisonReasonKind.Of("line 1: '@t' (the event's time) is missing"), SqsPoisonReasonKind.Of("line 1: '@r' must be an array of strings"));
        Assert.NotEqual(SqsPoisonReasonKind.Of("event 0: 'level' must be Trace, Debug"), SqsPoisonReasonKind.Of("event 0: 'exception' must be an object, a string or null"));
        Assert.Equal(SqsPoisonReasonKind.Of("unknown message format 'yaml' (expected clef)"), SqsPoisonReasonKind.Of("unknown message format 'toml' (expected clef)"));
        var literal = SqsPoisonReasonKind.Of("body: malformed JSON: 'tru's order for ann failed]}' is an invalid JSON literal. Expected the literal 'true'. LineNumber: 0 | BytePositionInLine: 3.");
        Assert.Equal(literal, SqsPoisonReasonKind.Of("body: malformed JSON: 'tru's order for bob failed]}' is an invalid JSON literal. Expected the literal 'true'. LineNumber: 0 | BytePositionInLine: 3."));
        Assert.Equal(literal, SqsPoisonReasonKind.Of("body: malformed JSON: 'tru's bill' is an invalid JSON literal. Expected the literal 'true'. LineNumber: 0 | BytePositionInLine: 3."));
        Assert.DoesNotContain("ann", literal, StringComparison.Ordinal);
        Assert.Contains("is an invalid JSON literal", literal, StringComparison.Ordinal);
    }

    private static List<string> Lines(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Message.Contains("set aside as poison", StringComparison.Ordinal)).Select(e => e.Message)];
}
