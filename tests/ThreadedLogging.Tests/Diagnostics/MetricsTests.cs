using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Diagnostics;

/// <summary>
/// The handlers' counters as instruments of the meter "ThreadedLogging", read by a real <see cref="MeterListener"/> (what
/// OpenTelemetry's SDK and dotnet-counters use). Each test's handlers are of a type of their own, so the series of the
/// other tests' handlers running meanwhile are others.
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Collect_AfterFlush_EnqueuedSentDroppedAndFailuresAreTheHandlersCounts()
    {
        var sink = new CollectingSink { Decide = b => b.Events.Any(e => e.Message == "poison") ? new SendResult(SendOutcome.Rejected, Error: "HTTP 400 bad") : SendResult.Success }.Open();
        await using var handler = new CountedHandler(sink, new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1), CaptureUnhandledExceptions = false });
        var logger = handler.CreateLogger("App");
        logger.LogInformation("one");
        logger.LogInformation("two");
        logger.LogInformation("poison");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        var measured = Collect(typeof(CountedHandler).FullName!);

        Assert.Equal(3, measured["threadedlogging.events.enqueued"]);
        Assert.Equal(2, measured["threadedlogging.events.sent"]);
        Assert.Equal(1, measured["threadedlogging.events.dropped"]);
        Assert.Equal(0, measured["threadedlogging.events.pending"]);
        Assert.Equal(0, measured["threadedlogging.events.spooled"]);
        Assert.Equal(0, measured["threadedlogging.circuit.open"]);
        Assert.True(measured["threadedlogging.send.failures"] >= 1, "the refused event's attempts failed");
        var statistics = handler.Statistics;
        Assert.Equal((statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Failed), (measured["threadedlogging.events.enqueued"], measured["threadedlogging.events.sent"], measured["threadedlogging.events.dropped"], measured["threadedlogging.send.failures"]));
    }

    [Fact]
    public async Task Collect_SendHeldOnTheGate_PendingCountsTheQueuedEvents()
    {
        var sink = new CollectingSink(); // the gate stays shut: nothing is delivered
        await using var handler = new HeldHandler(sink, new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1), BatchSize = 2, CaptureUnhandledExceptions = false, ShutdownTimeout = TimeSpan.FromMilliseconds(100) });
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("held {N}", i);
        }

        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var measured = Collect(typeof(HeldHandler).FullName!);

        Assert.Equal(5, measured["threadedlogging.events.enqueued"]);
        Assert.Equal(0, measured["threadedlogging.events.sent"]);
        Assert.Equal(5, measured["threadedlogging.events.pending"]);
    }

    [Fact]
    public async Task Collect_SendHeldOnTheGate_SendAgeIsHowLongTheSendHasWaited()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 15, 0, 0, TimeSpan.Zero));
        var sink = new CollectingSink(); // the gate stays shut until the test opens it: a receiver that never answers
        await using var handler = new HungHandler(sink, new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1), CaptureUnhandledExceptions = false, TimeProvider = time });
        Assert.Equal(0, CollectGauge(typeof(HungHandler).FullName!)); // nothing in flight

        handler.CreateLogger("App").LogInformation("held");
        var flushed = handler.FlushAsync();
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(42));
        Assert.Equal(42, CollectGauge(typeof(HungHandler).FullName!));

        sink.Open();
        Assert.True(await flushed.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, CollectGauge(typeof(HungHandler).FullName!));
    }

    [Fact]
    public async Task Collect_AfterTheHandlersAreDisposed_CountersKeepTheirTotalsAndNothingIsPending()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var handler = new DisposedHandler(new CollectingSink().Open(), new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1), CaptureUnhandledExceptions = false });
            handler.CreateLogger("App").LogInformation("one");
            handler.CreateLogger("App").LogInformation("two");
        }

        var measured = Collect(typeof(DisposedHandler).FullName!);

        Assert.Equal(4, measured["threadedlogging.events.enqueued"]);
        Assert.Equal(4, measured["threadedlogging.events.sent"]);
        Assert.Equal(0, measured["threadedlogging.events.dropped"]);
        Assert.Equal(0, measured["threadedlogging.events.pending"]);
    }

    [Fact]
    public async Task Collect_TwoHandlerTypesOfOneNameInTwoNamespaces_EachItsOwnSeries()
    {
        // By short name both were "AuditHandler": one series, their counts summed.
        var options = new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1), CaptureUnhandledExceptions = false };
        await using var billing = new Billing.AuditHandler(new CollectingSink().Open(), options);
        await using var shipping = new Shipping.AuditHandler(new CollectingSink().Open(), options);
        billing.CreateLogger("App").LogInformation("one");
        for (var i = 0; i < 2; i++)
        {
            shipping.CreateLogger("App").LogInformation("two {N}", i);
        }

        Assert.True(billing.Flush(TimeSpan.FromSeconds(30)));
        Assert.True(shipping.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, Collect("ThreadedLogging.Tests.Diagnostics.Billing.AuditHandler")["threadedlogging.events.sent"]);
        Assert.Equal(2, Collect("ThreadedLogging.Tests.Diagnostics.Shipping.AuditHandler")["threadedlogging.events.sent"]);
        Assert.Empty(Collect("AuditHandler"));
    }

    [Theory]
    [InlineData(typeof(ThreadedHttpHandler), "ThreadedHttpHandler")]
    [InlineData(typeof(ThreadedHandler), "ThreadedHandler")]
    [InlineData(typeof(Billing.AuditHandler), "ThreadedLogging.Tests.Diagnostics.Billing.AuditHandler")]
    [InlineData(typeof(Billing.AuditHandler<string>), "ThreadedLogging.Tests.Diagnostics.Billing.AuditHandler<System.String>")]
    [InlineData(typeof(Billing.AuditHandler<List<int[]>>), "ThreadedLogging.Tests.Diagnostics.Billing.AuditHandler<System.Collections.Generic.List<System.Int32[]>>")]
    public void SeriesOf_TheLibrarysTypesByShortNameOthersByFullName(Type type, string series) =>
        Assert.Equal(series, ThreadedLoggingMetrics.SeriesOf(type));

    /// <summary>Every instrument of the meter, as a listener collects it now, for the handler type <paramref name="handlerType"/>.</summary>
    private static Dictionary<string, long> Collect(string handlerType)
    {
        var measured = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ThreadedLogging")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "threadedlogging.handler" && (string?)tag.Value == handlerType)
                {
                    measured[instrument.Name] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }

    /// <summary>The <c>threadedlogging.send.age</c> gauge of <paramref name="handlerType"/>'s series.</summary>
    private static double CollectGauge(string handlerType)
    {
        double? measured = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ThreadedLogging" && instrument.Name == "threadedlogging.send.age")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "threadedlogging.handler" && (string?)tag.Value == handlerType)
                {
                    measured = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measured ?? throw new InvalidOperationException($"no threadedlogging.send.age measurement for {handlerType}");
    }

    private sealed class HungHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);

    private sealed class CountedHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);

    private sealed class HeldHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);

    private sealed class DisposedHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);
}
