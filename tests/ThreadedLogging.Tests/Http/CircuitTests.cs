using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// README: "after 5 failures in a row the circuit opens". Each failed send counts toward it whichever path sent it — a
/// spooled envelope as a batch from memory, a 500 that makes the batch split as the 500s retried before it — against a
/// real Kestrel receiver, the backoff's waits on the handler's clock (<see cref="WatchedTime"/>: Retry-After 13 s).
/// </summary>
public sealed class CircuitTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(13);

    [Fact]
    public async Task Spool_ReceiverDown_EachFailedSendWaitsItsBackoffTheFifthOpensTheCircuitAndASuccessClosesIt()
    {
        // The spool sends a stored batch as its envelope first: a 503 to it counted in Failed but not toward the circuit,
        // and the events' resend followed at once (Failed 5 with CircuitOpen false against a down collector).
        var down = true;
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult<IResult>(Volatile.Read(ref down) ? new RetryAfterResult(StatusCodes.Status503ServiceUnavailable) : Results.Ok());
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var options = ThreadedHttpHandlerTests.Options(server, o => (o.BufferDirectory, o.TimeProvider, o.LevelPollInterval) = (directory.Path, time, TimeSpan.Zero));
        await using var handler = new CircuitHandler(new HttpBatchSink(options), options);

        var backoff = time.Armed(RetryAfter);
        handler.CreateLogger("Payroll").LogInformation("Paid {Employee}", "e1");
        var flushed = handler.FlushAsync();
        for (var failed = 1; failed <= 5; failed++)
        {
            await backoff.WaitAsync(Safety); // the send failed and its backoff began
            var statistics = handler.Statistics;
            Assert.Equal((failed, (long)failed, failed >= 5), (server.Requests.Count, statistics.Failed, statistics.CircuitOpen));
            Assert.Equal(failed >= 5 ? 1 : 0, CircuitGauge());
            backoff = time.Armed(RetryAfter);
            if (failed < 5)
            {
                time.Advance(RetryAfter);
            }
        }

        Volatile.Write(ref down, false);
        time.Advance(RetryAfter);
        Assert.True(await flushed.WaitAsync(Safety));

        var after = handler.Statistics;
        Assert.Equal((6, 1L, 5L, false), (server.Requests.Count, after.Sent, after.Failed, after.CircuitOpen));
        Assert.Equal(0, CircuitGauge());
    }

    [Fact]
    public async Task Memory_ReceiverAnswers500_TheFifthAnswerThatDropsTheEventOpensTheCircuit()
    {
        // The 5th 500 in a row to a lone event drops it (the receiver fails on it): it counted in Failed but not toward the
        // circuit, as the 4 retried before it did.
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult<IResult>(new RetryAfterResult(StatusCodes.Status500InternalServerError));
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var options = ThreadedHttpHandlerTests.Options(server, o => (o.TimeProvider, o.LevelPollInterval) = (time, TimeSpan.Zero));
        await using var handler = new CircuitHandler(new HttpBatchSink(options), options);

        var backoff = time.Armed(RetryAfter);
        handler.CreateLogger("Payroll").LogInformation("Paid {Employee}", "e1");
        var flushed = handler.FlushAsync();
        for (var failed = 1; failed < BatchDelivery.ServerFaultsBeforeIsolating; failed++)
        {
            await backoff.WaitAsync(Safety);
            Assert.False(handler.Statistics.CircuitOpen);
            backoff = time.Armed(RetryAfter);
            time.Advance(RetryAfter);
        }

        Assert.True(await flushed.WaitAsync(Safety)); // the 5th 500: the event dropped

        var statistics = handler.Statistics;
        Assert.Equal((5, 5L, 1L, true), (server.Requests.Count, statistics.Failed, statistics.Dropped, statistics.CircuitOpen));
    }

    /// <summary>The <c>threadedlogging.circuit.open</c> gauge of <see cref="CircuitHandler"/>'s series, as a listener collects it now.</summary>
    private static long CircuitGauge()
    {
        long? measured = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ThreadedLogging" && instrument.Name == "threadedlogging.circuit.open")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "threadedlogging.handler" && (string?)tag.Value == typeof(CircuitHandler).FullName)
                {
                    measured = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measured ?? throw new InvalidOperationException("no circuit.open measurement for the handler's series");
    }

    /// <summary>
    /// An HTTP handler of its own type: the gauge's series is this test's handler alone. Options with no level polls, as
    /// it has no poller to end the start's hold of the first calls.
    /// </summary>
    private sealed class CircuitHandler(ILogBatchSink sink, ThreadedHandlerOptions options) : ThreadedHandler(sink, options);

    /// <summary>An answer with <c>Retry-After: 13</c>, so that the backoff's wait is one timer of a known length (a 500 with the collector's JSON body).</summary>
    private sealed class RetryAfterResult(int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.RetryAfter = ((long)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

            // A 500 is the receiver failing on the request only when it is the collector's (JSON): a proxy's page is an outage.
            return status == StatusCodes.Status500InternalServerError
                ? httpContext.Response.WriteAsJsonAsync(new { error = "internal error while ingesting; the request was not stored" })
                : Task.CompletedTask;
        }
    }
}
