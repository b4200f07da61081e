using System.Text.Json;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// Escapes of lone UTF-16 surrogates (CPython's <c>json.dumps</c> of text decoded with <c>surrogateescape</c>) in messages
/// without attributes, whose format the consumer sniffs (the seed's <c>ThreadedAwsHandler</c> sets none): each stored with
/// U+FFFD as over HTTP, in the message, a property's value and a property's name alike; none set aside, none received forever.
/// </summary>
public sealed class SniffedLoneSurrogateTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    /// <summary>
    /// One record, written by the seed's SQS handler (its boto queue replaced by stdout: one base64 body) and by a producer that
    /// sends json.dumps as it is; and a JsonBatch envelope by json.dumps. A lone high surrogate, a lone low one, a high one
    /// followed by an escape that is no low one (é), and a lone surrogate in an extra field's name.
    /// </summary>
    private const string Script = """
        import base64, json, logging

        class SeedAwsHandler(logging.Handler):
            def emit(self, record):
                record_dict = dict(user='bob', revision=42)
                record_dict.update(record.__dict__)
                text = json.dumps(record_dict)
                print(base64.b64encode(text.encode('utf-8')).decode('ascii'))
                print(text)

        log = logging.getLogger('camelot.model')
        log.propagate = False
        log.addHandler(SeedAwsHandler())
        log.warning('Order %s for \ud800 done', 'x\udc00y', extra={'note': 'a\ud800\u00e9b', 'k\udfffey': 'v'})
        print(json.dumps({'events': [{'message': 'batch \ud800\u00e9 \udc00', 'properties': {'p\ud800': 'q\udfff'}}]}))
        """;

    [Fact]
    public async Task Ingest_LoneSurrogateEscapesInMessagesWithoutAttributes_StoredWithReplacementCharacter()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("sniffed-surrogates");
        using var client = sqs.CreateClient();
        var bodies = (await PythonProcess.RunAsync(Script)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, bodies.Length);
        Assert.Contains("\\udfff", bodies[1], StringComparison.Ordinal);
        foreach (var body in bodies)
        {
            await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });
        }

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.Stored + s.Poison >= 3 || s.Errors > 0, new CancellationTokenSource(Budget).Token);

        var statistics = collector.Statistics.Snapshot();
        var (_, poison) = await collector.Services.GetRequiredService<ISqsPoisonStore>().ListAsync(10, CancellationToken.None);
        Assert.True(statistics is { Stored: 3, Poison: 0, Errors: 0 }, $"{statistics}; set aside: {string.Join("; ", poison.Select(p => p.Reason))}");
        var stored = await collector.AllEventsAsync();
        var records = stored.Where(e => e.Category == "camelot.model").ToList();
        Assert.Equal(2, records.Count);
        foreach (var record in records)
        {
            Assert.Equal("Order x\uFFFDy for \uFFFD done", record.Message);
            using var properties = JsonDocument.Parse(record.PropertiesJson!);
            Assert.Equal("a\uFFFD\u00e9b", properties.RootElement.GetProperty("note").GetString());
            Assert.Equal("v", properties.RootElement.GetProperty("k\uFFFDey").GetString());
        }

        var batch = Assert.Single(stored, e => e.Category is null);
        Assert.Equal("batch \uFFFD\u00e9 \uFFFD", batch.Message);
        using (var properties = JsonDocument.Parse(batch.PropertiesJson!))
        {
            Assert.Equal("q\uFFFD", properties.RootElement.GetProperty("p\uFFFD").GetString());
        }
    }
}
