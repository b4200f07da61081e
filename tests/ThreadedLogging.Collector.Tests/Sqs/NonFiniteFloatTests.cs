using System.Text.Json;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// A Python record with a float that is not finite: <c>json.dumps</c> writes <c>NaN</c>, <c>Infinity</c>,
/// <c>-Infinity</c> (not JSON), and the seed's SQS record carrying one was set aside as poison. CPython's own output, sent as
/// the seed's ThreadedAwsHandler sends it and as HTTPHandler's form; both stored alike: the message as Python rendered it,
/// each such value as Python's text of it (<c>nan</c>, <c>inf</c>, <c>-inf</c>).
/// </summary>
public sealed class NonFiniteFloatTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    /// <summary>The record, by the seed's SQS handler (its boto queue replaced by stdout: one base64 body) or by HTTPHandler.</summary>
    private const string Script = """
        import base64, json, logging, logging.handlers, sys

        class SeedAwsHandler(logging.Handler):
            def emit(self, record):
                record_dict = dict(user='bob', revision=42)
                record_dict.update(record.__dict__)
                print(base64.b64encode(json.dumps(record_dict).encode('utf-8')).decode('ascii'))

        log = logging.getLogger('camelot.model')
        log.propagate = False
        log.addHandler(SeedAwsHandler() if sys.argv[1] == 'sqs' else logging.handlers.HTTPHandler(sys.argv[1], '/log/bob', method='POST'))
        nan, inf = float('nan'), float('inf')
        log.warning('Ratio %.2f of %s, floor %r', nan, inf, -inf, extra={'ratio': nan, 'limits': [inf, 1.5, -inf], 'label': 'NaN'})
        """;

    [Fact]
    public async Task Ingest_SeedRecordWithNaNAndInfinity_StoredAsPythonWritesThem_NotPoison()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("nonfinite");
        using var client = sqs.CreateClient();
        var body = (await PythonProcess.RunAsync(Script, "sqs")).Trim();
        Assert.Contains("NaN", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(body)), StringComparison.Ordinal);
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.EventsStored + s.Poison >= 1, new CancellationTokenSource(Budget).Token);

        var stored = Assert.Single(await collector.AllEventsAsync());
        Assert.Equal((LogLevel.Warning, "Ratio nan of inf, floor -inf"), (stored.Level, stored.Message));
        using var properties = JsonDocument.Parse(stored.PropertiesJson!);
        AssertNonFiniteAsText(properties.RootElement, limitsAsList: true);
    }

    [Fact]
    public async Task HttpHandler_RecordWithNaNAndInfinity_StoredAsTheSeedRecordIs()
    {
        await using var collector = await CollectorFixture.StartAsync();

        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority);

        var stored = Assert.Single(await collector.EventsAsync("user=bob"));
        Assert.Equal("Ratio nan of inf, floor -inf", stored.GetProperty("message").GetString());
        AssertNonFiniteAsText(stored.GetProperty("properties"), limitsAsList: false);
    }

    /// <summary>The form carries every value as its <c>str()</c> (a list too); JSON keeps a list a list.</summary>
    private static void AssertNonFiniteAsText(JsonElement properties, bool limitsAsList)
    {
        Assert.Equal("nan", properties.GetProperty("ratio").GetString());
        Assert.Equal("NaN", properties.GetProperty("label").GetString());
        var limits = properties.GetProperty("limits");
        if (limitsAsList)
        {
            Assert.Equal("""["inf",1.5,"-inf"]""", limits.GetRawText());
        }
        else
        {
            Assert.Equal("[inf, 1.5, -inf]", limits.GetString());
        }
    }
}
