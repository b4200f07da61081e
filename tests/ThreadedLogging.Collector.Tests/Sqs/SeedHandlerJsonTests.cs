using System.Text.Json;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// Records as the Python seed's <c>ThreadedAwsHandler</c> and <c>CloudLaunchHandler</c> put them on SQS
/// (../shared/seed): <c>json.dumps</c> of <c>dict(user=…, revision=…)</c> updated with <c>record.__dict__</c>, formatted
/// first when it has an exception, written through boto's <c>Message</c> (base64), no message attributes.
/// </summary>
public sealed class SeedHandlerJsonTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    /// <summary>The seed's <c>emit</c> (its boto queue replaced by stdout), run by CPython: one base64 body a line.</summary>
    private const string SeedScript = """
        import base64, json, logging

        class SeedAwsHandler(logging.Handler):
            def emit(self, record):
                ei = record.exc_info
                if ei:
                    self.format(record)
                    record.exc_info = None
                record_dict = dict(user='bob', revision=42)
                record_dict.update(record.__dict__)
                # boto.sqs.message.Message.encode: the body travels as base64
                print(base64.b64encode(json.dumps(record_dict).encode('utf-8')).decode('ascii'))
                if ei:
                    record.exc_info = ei

        log = logging.getLogger('camelot.view')
        log.propagate = False
        log.setLevel(logging.DEBUG)
        log.addHandler(SeedAwsHandler())
        log.warning('Order %s of %d failed: %r', 'A-7', 3, "it's", extra={'order_id': 42, 'paid': True, 'tags': ['a', 1], 'ratio': 0.5, 'note': None})
        log.info('Totals %(n)d for %(who)s', {'n': 5, 'who': 'ann'})
        try:
            1 / 0
        except ZeroDivisionError:
            log.exception('Boom %s', 'x')
        """;

    [Fact]
    public async Task Ingest_SeedHandlersJsonFromCPython_RenderedNumbersAsNumbersEveryFieldMapped()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("seedjson");
        using var client = sqs.CreateClient();
        var bodies = (await PythonProcess.RunAsync(SeedScript)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, bodies.Length);
        foreach (var body in bodies)
        {
            await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });
        }

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.EventsStored + s.Poison >= 3, new CancellationTokenSource(Budget).Token);

        var stored = await collector.AllEventsAsync();
        Assert.Equal(3, stored.Count);
        Assert.All(stored, e => Assert.Equal(("bob", "42", "camelot.view"), (e.User, e.Version, e.Category)));
        Assert.All(stored, e => Assert.True(e.Timestamp > DateTimeOffset.UnixEpoch.AddYears(50), $"created → timestamp: {e.Timestamp}"));

        // args: the tuple (a JSON array) and the dict (a JSON object) msg % args rendered, as Python rendered them.
        var order = stored.Single(e => e.Level == LogLevel.Warning);
        Assert.Equal("Order A-7 of 3 failed: \"it's\"", order.Message);
        Assert.Equal("Order %s of %d failed: %r", order.Template);
        Assert.Equal("Totals 5 for ann", stored.Single(e => e.Level == LogLevel.Information).Message);

        // The app's fields keep their JSON types; the source location as over HTTP; None and the bookkeeping left out.
        using var properties = JsonDocument.Parse(order.PropertiesJson!);
        var p = properties.RootElement;
        Assert.Equal(42, p.GetProperty("order_id").GetInt64());
        Assert.Equal(JsonValueKind.True, p.GetProperty("paid").ValueKind);
        Assert.Equal("""["a",1]""", p.GetProperty("tags").GetRawText());
        Assert.Equal(0.5, p.GetProperty("ratio").GetDouble());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("lineno").ValueKind);
        Assert.Equal("<string>", p.GetProperty("pathname").GetString());
        Assert.Equal("<module>", p.GetProperty("funcName").GetString());
        Assert.Equal(
            ["funcName", "lineno", "order_id", "paid", "pathname", "ratio", "tags"],
            p.EnumerateObject().Select(x => x.Name).Where(n => n != "clientTimestamp").Order(StringComparer.Ordinal));
        using var context = JsonDocument.Parse(order.ContextJson!);
        Assert.Equal(JsonValueKind.Number, context.RootElement.GetProperty("processId").ValueKind);

        // The seed formats a record with an exception first: exc_text is the traceback, exc_info null.
        var boom = stored.Single(e => e.Level == LogLevel.Error);
        Assert.Equal("Boom x", boom.Message);
        using var exception = JsonDocument.Parse(boom.ExceptionJson!);
        Assert.Equal("ZeroDivisionError", exception.RootElement.GetProperty("type").GetString());
        Assert.Equal("division by zero", exception.RootElement.GetProperty("message").GetString());
        Assert.StartsWith("Traceback (most recent call last):", exception.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The seed's <c>ThreadedAwsHandler(access_key, secret_access_key, queue_name)</c> without a revision sends its default,
    /// <c>revision=0</c>: no revision, as the .NET client's <c>Revision</c> 0 is. It was stored as the version "0", so every
    /// user's events read "only 0" in the console's "since which version".
    /// </summary>
    [Fact]
    public async Task Ingest_SeedHandlersDefaultRevision0FromCPython_StoredWithoutAVersion()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("seedrev0");
        using var client = sqs.CreateClient();
        var bodies = (await PythonProcess.RunAsync(SeedScript.Replace("revision=42", "revision=0", StringComparison.Ordinal))).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, bodies.Length);
        foreach (var body in bodies)
        {
            await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });
        }

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.EventsStored + s.Poison >= 3, new CancellationTokenSource(Budget).Token);

        var stored = await collector.AllEventsAsync();
        Assert.Equal(3, stored.Count);
        Assert.All(stored, e => Assert.Equal(("bob", (string?)null), (e.User, e.Version))); // before: "0"
    }
}
