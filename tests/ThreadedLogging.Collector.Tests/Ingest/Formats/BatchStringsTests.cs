using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// The per-request table of short texts (<see cref="BatchStrings"/>): equal values of one batch share one string,
/// the table stays bounded whatever a batch holds, and nothing is kept from one request to the next.
/// </summary>
public sealed class BatchStringsTests
{
    [Fact]
    public void Get_EqualBytes_ReturnsTheSameString()
    {
        var strings = new BatchStrings();

        var first = strings.Get("Payroll.Orders"u8);
        var second = strings.Get(Encoding.UTF8.GetBytes("Payroll.Orders"));
        var other = strings.Get("Payroll.Invoices"u8);

        Assert.Equal("Payroll.Orders", first);
        Assert.Same(first, second);
        Assert.Equal("Payroll.Invoices", other);
        Assert.Equal(2, strings.Count);
    }

    [Fact]
    public void Get_ThousandDistinctValues_KeepsAtMostMaxEntriesAndReadsEveryValue()
    {
        var strings = new BatchStrings();

        for (var i = 0; i < 1000; i++)
        {
            var text = $"category-{i}";
            Assert.Equal(text, strings.Get(Encoding.UTF8.GetBytes(text)));
        }

        Assert.Equal(BatchStrings.MaxEntries, strings.Count);

        // Kept ones are still shared; values past the bound are read right, each time a string of its own.
        Assert.Same(strings.Get("category-0"u8), strings.Get("category-0"u8));
        Assert.Equal("category-999", strings.Get("category-999"u8));
        Assert.Equal(BatchStrings.MaxEntries, strings.Count);
    }

    [Fact]
    public void Get_LongerThanMaxBytes_IsReadButNotKept()
    {
        var strings = new BatchStrings();
        var text = new string('x', BatchStrings.MaxBytes + 1);

        var value = strings.Get(Encoding.UTF8.GetBytes(text));

        Assert.Equal(text, value);
        Assert.Equal(0, strings.Count);
    }

    [Fact]
    public void Get_JsonStringWithEscapesOrNonAscii_ReadsItsValue()
    {
        using var document = JsonDocument.Parse("""["\u0041bc \"q\"", "café ✓", "café ✓", ""]""");
        var strings = new BatchStrings();
        var values = document.RootElement.EnumerateArray().Select(strings.Get).ToArray();

        Assert.Equal("Abc \"q\"", values[0]);
        Assert.Equal("café ✓", values[1]);
        Assert.Same(values[1], values[2]);
        Assert.Equal(string.Empty, values[3]);
    }

    [Fact]
    public void Decode_JsonBatchOfThousandDistinctCategories_StoresEachEventsOwn()
    {
        var events = Enumerable.Range(0, 1000).Select(i => new { category = $"Area{i}", template = "Step {N}", message = $"Step {i}", properties = new { N = i } });
        var batch = Decode("json-batch", JsonSerializer.SerializeToUtf8Bytes(new { app = "Payroll", events }));

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"Area{i}"), batch.Events.Select(e => e.Category));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"Step {i}"), batch.Events.Select(e => e.Message));
        Assert.All(batch.Events, e => Assert.Same(batch.Events[0].Template, e.Template));
    }

    [Fact]
    public void Decode_JsonBatchWithAlternatingCategories_SharesOneStringEach()
    {
        var events = Enumerable.Range(0, 100).Select(i => new { category = i % 2 == 0 ? "Orders" : "Invoices", message = "Started" });
        var batch = Decode("json-batch", JsonSerializer.SerializeToUtf8Bytes(new { events }));

        Assert.All(batch.Events.Where((_, i) => i % 2 == 0), e => Assert.Same(batch.Events[0].Category, e.Category));
        Assert.All(batch.Events.Where((_, i) => i % 2 == 1), e => Assert.Same(batch.Events[1].Category, e.Category));
        Assert.Equal("Invoices", batch.Events[1].Category);
    }

    [Fact]
    public void Decode_ClefWithRepeatedTemplateAndContext_SharesOneStringEach()
    {
        var body = string.Concat(Enumerable.Range(0, 50).Select(i =>
            $$"""{"@t":"2026-11-30T10:00:00Z","@mt":"Paid {Amount}","Amount":{{i}},"SourceContext":"Payroll","Application":"Billing"}""" + "\n"));
        var batch = Decode("clef", Encoding.UTF8.GetBytes(body));

        Assert.Equal("Paid 7", batch.Events[7].Message);
        Assert.All(batch.Events, e => Assert.Same(batch.Events[0].Template, e.Template));
        Assert.All(batch.Events, e => Assert.Same(batch.Events[0].Category, e.Category));
        Assert.All(batch.Events, e => Assert.Same(batch.Events[0].App, e.App));
    }

    [Fact]
    public void Decode_TwoBatchesWithEqualValues_ShareNoStringAndKeepNoneOfTheFirst()
    {
        var decoder = IngestDecoders.Create(new IdentityPropertyOptions()).ForName("json-batch")!;
        var body = JsonSerializer.SerializeToUtf8Bytes(new { events = new[] { new { category = "Payroll.Orders", message = "Started" } } });

        var first = DecodeAndForget(decoder, body, out var firstCategory);
        var second = Decode(decoder, body).Events[0].Category;

        Assert.True(first);
        Assert.Equal("Payroll.Orders", second);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(firstCategory.TryGetTarget(out _), "the decoder kept a string of an earlier request");
    }

    /// <summary>Decodes and keeps only a weak reference to the event's category (not inlined: no local outlives the call).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DecodeAndForget(IEventDecoder decoder, byte[] body, out WeakReference<string> category)
    {
        var batch = Decode(decoder, body);
        category = new WeakReference<string>(batch.Events[0].Category!);
        return batch.Events.Count == 1;
    }

    private static EventBatch Decode(string format, byte[] body) => Decode(IngestDecoders.Create(new IdentityPropertyOptions()).ForName(format)!, body);

    private static EventBatch Decode(IEventDecoder decoder, byte[] body) =>
        decoder.Decode(new IngestRequest(body, "alice", null), new IngestLimits(new CollectorOptions(), TimeProvider.System.GetUtcNow())).Batch;
}
