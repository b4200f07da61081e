using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// A pooled event keeps numbers, dates and guids by value instead of the call's box (<see cref="InlineSlot"/>):
/// what leaves the process must be exactly what the box would have given, and the box must not be kept.
/// </summary>
[Collection(PoolingCollection.Name)]
public sealed class InlineValueTests
{
    private const string Template =
        "{Int:D5}|{Long}|{Double:F2}|{Plain}|{NaN}|{Infinity}|{Decimal,10}|{Money:C}|{Flag}|{Utc:O}|{Local}|{Offset:yyyy-MM-dd HH:mm zzz}|{Id}|{Span:c}|{Text}";

    private static readonly object?[] Values =
    [
        42,
        -9_000_000_000L,
        3.14159,
        0.1,
        double.NaN,
        double.PositiveInfinity,
        1200.50m,
        1200.50m,
        true,
        new DateTime(2026, 11, 24, 17, 30, 0, 123, DateTimeKind.Utc),
        new DateTime(2026, 11, 24, 17, 30, 0, DateTimeKind.Local),
        new DateTimeOffset(2026, 11, 24, 17, 30, 0, TimeSpan.FromHours(2)),
        new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
        TimeSpan.FromMilliseconds(90_061_001),
        "text",
    ];

    [Fact]
    public void Capture_ValueTypesKeptInline_RenderAndSerializeAsTheirBoxes()
    {
        var pooled = Capture(new CopyingSink(), pools: true);
        var kept = Capture(new RecordingSink(), pools: false);

        Assert.True(pooled.Inline > 0, "the pooling handler kept no value inline: the test compares nothing");
        Assert.Equal(0, kept.Inline);
        Assert.Equal(kept.Message, pooled.Message);
        Assert.Equal(pooled.Message, pooled.JsonMessage); // the JSON writer renders on its own, into a reused builder
        Assert.Equal(kept.Message, kept.JsonMessage);
        Assert.Equal(kept.Json, pooled.Json);
        Assert.Equal(kept.Properties, pooled.Properties);
        Assert.Equal(Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)), pooled.Properties);
    }

    [Fact]
    public void Log_QueuedPooledEvent_DoesNotKeepTheCallsBoxAlive()
    {
        var sink = new CopyingSink { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, IncludeScopes = false });
        Assert.True(handler.PoolsEvents);
        var logger = handler.CreateLogger("Inline");

        var box = LogBoxedDecimal(logger); // the event is queued or held by the gated sink, not sent
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(box.IsAlive, "the queued event still references the box the call site made");
        sink.Gate.SetResult();
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("Paid 1200.50", Assert.Single(sink.Messages));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference LogBoxedDecimal(ILogger logger)
    {
        object amount = 1200.50m;
        logger.LogInformation("Paid {Amount}", amount);
        return new WeakReference(amount);
    }

    private static Captured Capture(RecordingSink sink, bool pools)
    {
        using (var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, IncludeScopes = false }))
        {
            Assert.Equal(pools, handler.PoolsEvents);
            handler.CreateLogger("Inline").LogInformation(Template, Values);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        return Assert.Single(sink.Captured);
    }

    private sealed record Captured(string Message, string Json, string? JsonMessage, IReadOnlyList<string?> Properties, int Inline);

    /// <summary>The same, declared as copying during the send: its handler pools events.</summary>
    private sealed class CopyingSink : RecordingSink, ICopiesEvents;

    /// <summary>Records, during the send, what the HTTP sink would write: the message and the event's JSON.</summary>
    private class RecordingSink : ILogBatchSink
    {
        private readonly List<Captured> _captured = [];

        public TaskCompletionSource? Gate { get; init; }

        public IReadOnlyList<Captured> Captured
        {
            get
            {
                lock (_captured)
                {
                    return [.. _captured];
                }
            }
        }

        public IReadOnlyList<string> Messages => [.. Captured.Select(c => c.Message)];

        public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            foreach (var e in batch.Events.Where(e => e.Category == "Inline"))
            {
                using var buffer = new MemoryStream();
                using (var json = new Utf8JsonWriter(buffer))
                {
                    JsonBatchWriter.WriteEvent(json, e, null);
                }

                // Only what the call decided: the timestamp, thread and sequence differ between the two handlers.
                var written = JsonDocument.Parse(buffer.ToArray()).RootElement;
                var comparable = $"{written.GetProperty("message")}\n{written.GetProperty("properties").GetRawText()}";
                var inline = 0;
                foreach (var property in e.PropertySpan)
                {
                    inline += property.Value is InlineKind ? 1 : 0;
                }

                lock (_captured)
                {
                    _captured.Add(new Captured(
                        e.Message,
                        comparable,
                        written.GetProperty("message").GetString(),
                        [.. e.Properties.Select(p => Convert.ToString(p.Value, CultureInfo.InvariantCulture))],
                        inline));
                }
            }

            return SendResult.Success;
        }
    }
}
