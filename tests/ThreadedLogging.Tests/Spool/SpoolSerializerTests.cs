using System.Text;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Tests.Spool;

/// <summary>Spooled envelopes read back into events: every field as written, the texts a batch repeats read once.</summary>
public sealed class SpoolSerializerTests
{
    private static readonly LogIdentity Identity = new() { App = "a", Version = "1", User = "u", Machine = "m", ProcessId = 1, InstanceId = "i" };

    private static LogEvent Event(int n, string category, LogLevel level, params KeyValuePair<string, object?>[] properties)
    {
        var logEvent = LogEvent.Create(new DateTimeOffset(2026, 12, 4, 14, 0, 0, TimeSpan.Zero).AddTicks(n * 1_234_567L), level, category, $"message {n}", properties);
        logEvent.Sequence = n + 1;
        logEvent.EventId = new EventId(n, n % 2 == 0 ? "Shipped" : null);
        logEvent.Template = n % 3 == 0 ? "Order {N} shipped to {Customer}" : null;
        logEvent.ThreadName = n < 4 ? "worker" : "caller";
        return logEvent;
    }

    private static List<LogEvent> Batch() =>
    [
        .. Enumerable.Range(0, Enum.GetValues<LogLevel>().Length).Select(n => Event(n, n < 5 ? "Orders" : "Billing", (LogLevel)n, P("N", n), P("Customer", n < 3 ? "customer-42" : "customer-7"))),
        Event(7, "Billing", LogLevel.Information, P("Customer", "customer-7"), P("N", 7), P("Extra", true)),
        Event(8, "Billing", LogLevel.Information, P("N", 8.5)),
        Event(9, "Billing", LogLevel.Information),
    ];

    private static KeyValuePair<string, object?> P(string name, object? value) => new(name, value);

    private static byte[] Envelope(List<LogEvent> events)
    {
        using var stream = new MemoryStream();
        JsonBatchWriter.WriteEnvelope(stream, new LogBatch("b1", events, Identity));
        return stream.ToArray();
    }

    [Fact]
    public void Deserialize_EventsThatRepeatAndChangeTheirTexts_WrittenAgainTheSame()
    {
        var written = Envelope(Batch());

        var read = SpoolSerializer.Deserialize(written);

        Assert.Equal(Encoding.UTF8.GetString(written), Encoding.UTF8.GetString(Envelope([.. read.Events])));
        Assert.Equal(Enum.GetValues<LogLevel>().Concat([LogLevel.Information, LogLevel.Information, LogLevel.Information]), read.Events.Select(e => e.Level));
        Assert.Equal(["customer-42", "customer-42", "customer-42", "customer-7", "customer-7"], read.Events.Take(5).Select(e => e.Properties[1].Value));
        Assert.Equal(["Customer", "N", "Extra"], read.Events[7].Properties.Select(p => p.Key));
        Assert.Equal(8.5, read.Events[8].Properties[0].Value);
        Assert.Empty(read.Events[9].Properties);
        Assert.All(read.Events, e => Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset));
        Assert.Equal(Batch().Select(e => e.Timestamp), read.Events.Select(e => e.Timestamp));
    }

    [Fact]
    public void Deserialize_TextsRepeatedFromEventToEvent_OneStringEach()
    {
        var read = SpoolSerializer.Deserialize(Envelope(Batch())).Events;

        Assert.Same(read[0].Category, read[4].Category);
        Assert.Same(read[0].Properties[0].Key, read[6].Properties[0].Key);
        Assert.Same(read[0].Properties[1].Value, read[2].Properties[1].Value);
        Assert.Same(read[0].ThreadName, read[3].ThreadName);
    }

    [Fact]
    public void Deserialize_TimestampWithAnOffsetOrNone_ReadAsBefore()
    {
        var json = Encoding.UTF8.GetString(Envelope([Event(0, "Orders", LogLevel.Information), Event(1, "Orders", LogLevel.Information)]));
        json = json.Replace("\"2026-12-04T14:00:00Z\"", "\"2026-12-04T16:00:00+02:00\"", StringComparison.Ordinal)
            .Replace("\"2026-12-04T14:00:00.1234567Z\"", "\"2026-12-04T14:00:00.1234567\"", StringComparison.Ordinal);

        var read = SpoolSerializer.Deserialize(Encoding.UTF8.GetBytes(json)).Events;

        Assert.Equal((new DateTime(2026, 12, 4, 16, 0, 0), TimeSpan.FromHours(2)), (read[0].Timestamp.DateTime, read[0].Timestamp.Offset));
        Assert.Equal((new DateTime(2026, 12, 4, 14, 0, 0).AddTicks(1_234_567), TimeSpan.Zero), (read[1].Timestamp.DateTime, read[1].Timestamp.Offset)); // no offset: UTC
    }
}
