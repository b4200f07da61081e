using System.Diagnostics.Metrics;

namespace ThreadedLogging;

/// <summary>
/// The handlers' counters as <see cref="System.Diagnostics.Metrics"/> instruments of the meter <c>ThreadedLogging</c>
/// (<see cref="MeterName"/>), so that an app's OpenTelemetry metrics (<c>AddMeter("ThreadedLogging")</c>), Prometheus or
/// <c>dotnet-counters</c> watch its logging: events enqueued, sent, dropped, pending and spooled, failed send attempts,
/// open circuits. Observable instruments: each reads <see cref="ThreadedHandler.Statistics"/> when a listener collects,
/// so a log call pays nothing for them. One series per handler type (tag <c>threadedlogging.handler</c>:
/// <c>ThreadedHttpHandler</c>, <c>ThreadedAwsHandler</c>, …), summed over its live handlers and those disposed before,
/// and a counter reports the highest value it has reported (a handler's <c>Dropped</c> can fall back while the process
/// ends, when a late disposal delivers what the exit counted lost; a collection racing a disposal can see a handler both
/// live and retired), so that it never goes back; a disposed handler's counts are its totals at its disposal.
/// </summary>
internal static class ThreadedLoggingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ThreadedLogging";

    /// <summary>The tag naming the handler type of a measurement.</summary>
    public const string HandlerTag = "threadedlogging.handler";

    private static readonly Lock Gate = new();
    private static readonly HashSet<ThreadedHandler> Live = [];
    private static readonly Dictionary<string, Totals> Retired = new(StringComparer.Ordinal);
    private static readonly Dictionary<(string Instrument, string Type), long> Reported = [];

    // Created on the first handler, never disposed: instruments live as long as the process.
    private static readonly Meter Meter = CreateMeter();

    /// <summary>Counts <paramref name="handler"/> in the measurements from now on.</summary>
    public static void Register(ThreadedHandler handler)
    {
        lock (Gate)
        {
            Live.Add(handler);
        }
    }

    /// <summary>A disposed handler: its counts at the disposal stay in its type's counters; it holds no events any more.</summary>
    public static void Retire(ThreadedHandler handler)
    {
        var last = Totals.Of(handler.Statistics);
        lock (Gate)
        {
            if (Live.Remove(handler))
            {
                var type = TypeOf(handler);
                Retired[type] = Retired.TryGetValue(type, out var before) ? before + last.Monotonic() : last.Monotonic();
            }
        }
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName, typeof(ThreadedLoggingMetrics).Assembly.GetName().Version?.ToString());
        meter.CreateObservableCounter("threadedlogging.events.enqueued", () => Count("enqueued", t => t.Enqueued), "{event}", "Events the handlers took: the app's accepted into their queues, and those adopted from a dead process's spool.");
        meter.CreateObservableCounter("threadedlogging.events.sent", () => Count("sent", t => t.Sent), "{event}", "Events delivered.");
        meter.CreateObservableCounter("threadedlogging.events.dropped", () => Count("dropped", t => t.Dropped), "{event}", "Events lost: queue full, refused by the receiver, unreadable on the worker, left at shutdown, logged after the disposal began.");
        meter.CreateObservableCounter("threadedlogging.send.failures", () => Count("failures", t => t.Failed), "{attempt}", "Send attempts that failed (each is retried or ends in a drop).");
        meter.CreateObservableUpDownCounter("threadedlogging.events.pending", () => Measure(t => t.Pending), "{event}", "Events queued, in flight or spooled.");
        meter.CreateObservableUpDownCounter("threadedlogging.events.spooled", () => Measure(t => t.Spooled), "{event}", "Events in the disk spool, not yet delivered.");
        meter.CreateObservableUpDownCounter("threadedlogging.circuit.open", () => Measure(t => t.CircuitOpen), "{handler}", "Handlers whose receiver is considered down: their attempts are probes.");
        return meter;
    }

    /// <summary>A counter's measurements: per handler type, the highest of what it reads now and what it reported before.</summary>
    private static List<Measurement<long>> Count(string instrument, Func<Totals, long> read)
    {
        var measured = Measure(read);
        lock (Gate)
        {
            for (var i = 0; i < measured.Count; i++)
            {
                var type = (string)measured[i].Tags[0].Value!;
                var value = Math.Max(measured[i].Value, Reported.GetValueOrDefault((instrument, type)));
                Reported[(instrument, type)] = value;
                measured[i] = new Measurement<long>(value, measured[i].Tags);
            }
        }

        return measured;
    }

    private static List<Measurement<long>> Measure(Func<Totals, long> read)
    {
        ThreadedHandler[] live;
        Dictionary<string, Totals> sums;
        lock (Gate)
        {
            live = [.. Live];
            sums = new Dictionary<string, Totals>(Retired, StringComparer.Ordinal);
        }

        foreach (var handler in live)
        {
            var type = TypeOf(handler);
            var totals = Totals.Of(handler.Statistics);
            sums[type] = sums.TryGetValue(type, out var before) ? before + totals : totals;
        }

        return [.. sums.Select(pair => new Measurement<long>(read(pair.Value), new KeyValuePair<string, object?>(HandlerTag, pair.Key)))];
    }

    private static string TypeOf(ThreadedHandler handler) => handler.GetType().Name;

    private readonly record struct Totals(long Enqueued, long Sent, long Dropped, long Failed, long Pending, long Spooled, long CircuitOpen)
    {
        public static Totals Of(ThreadedHandlerStatistics s) =>
            new(s.Enqueued + s.Adopted, s.Sent, s.Dropped, s.Failed, s.Pending, s.Spooled, s.CircuitOpen ? 1 : 0);

        public static Totals operator +(Totals a, Totals b) =>
            new(a.Enqueued + b.Enqueued, a.Sent + b.Sent, a.Dropped + b.Dropped, a.Failed + b.Failed, a.Pending + b.Pending, a.Spooled + b.Spooled, a.CircuitOpen + b.CircuitOpen);

        /// <summary>The counters alone: a disposed handler holds nothing and its circuit is no longer anyone's.</summary>
        public Totals Monotonic() => this with { Pending = 0, Spooled = 0, CircuitOpen = 0 };
    }
}
