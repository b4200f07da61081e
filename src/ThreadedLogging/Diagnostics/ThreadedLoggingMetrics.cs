using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace ThreadedLogging;

/// <summary>
/// The handlers' counters as <see cref="System.Diagnostics.Metrics"/> instruments of the meter <c>ThreadedLogging</c>
/// (<see cref="MeterName"/>), so that an app's OpenTelemetry metrics (<c>AddMeter("ThreadedLogging")</c>), Prometheus or
/// <c>dotnet-counters</c> watch its logging: events enqueued, sent, dropped, pending and spooled, failed send attempts,
/// open circuits. Observable instruments: each reads <see cref="ThreadedHandler.Statistics"/> when a listener collects,
/// so a log call pays nothing for them. One series per handler type (tag <c>threadedlogging.handler</c>:
/// <c>ThreadedHttpHandler</c>, <c>ThreadedAwsHandler</c>, …, see <see cref="SeriesOf"/>), summed over its live handlers and those disposed before,
/// and a counter reports the highest value it has reported (a collection racing a disposal can see a handler both live
/// and retired), so that it never goes back; a disposed handler's counts are its totals at its disposal.
/// </summary>
internal static class ThreadedLoggingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ThreadedLogging";

    /// <summary>The tag naming the handler type of a measurement.</summary>
    public const string HandlerTag = "threadedlogging.handler";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<ThreadedHandler, string> Live = []; // each live handler and its series
    private static readonly Dictionary<string, Totals> Retired = new(StringComparer.Ordinal);
    private static readonly Dictionary<(string Instrument, string Type), long> Reported = [];

    // Created on the first handler, never disposed: instruments live as long as the process.
    private static readonly Meter Meter = CreateMeter();

    /// <summary>Counts <paramref name="handler"/> in the measurements from now on.</summary>
    public static void Register(ThreadedHandler handler)
    {
        lock (Gate)
        {
            Live[handler] = SeriesOf(handler.GetType());
        }
    }

    /// <summary>A disposed handler: its counts at the disposal stay in its type's counters; it holds no events any more.</summary>
    public static void Retire(ThreadedHandler handler)
    {
        var last = Totals.Of(handler.Statistics);
        lock (Gate)
        {
            if (Live.Remove(handler, out var type))
            {
                Retired[type] = Retired.TryGetValue(type, out var before) ? before + last.Monotonic() : last.Monotonic();
            }
        }
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName, typeof(ThreadedLoggingMetrics).Assembly.GetName().Version?.ToString());
        meter.CreateObservableCounter("threadedlogging.events.enqueued", () => Measure(t => t.Enqueued, counter: "enqueued"), "{event}", "Events the handlers took: the app's accepted into their queues, and those adopted from a dead process's spool.");
        meter.CreateObservableCounter("threadedlogging.events.sent", () => Measure(t => t.Sent, counter: "sent"), "{event}", "Events delivered.");
        meter.CreateObservableCounter("threadedlogging.events.dropped", () => Measure(t => t.Dropped, counter: "dropped"), "{event}", "Events lost: queue full, refused by the receiver, unreadable on the worker, left at shutdown, logged after the disposal began.");
        meter.CreateObservableCounter("threadedlogging.send.failures", () => Measure(t => t.Failed, counter: "failures"), "{attempt}", "Send attempts that failed (each is retried or ends in a drop).");
        meter.CreateObservableUpDownCounter("threadedlogging.events.pending", () => Measure(t => t.Pending), "{event}", "Events queued, in flight or spooled.");
        meter.CreateObservableUpDownCounter("threadedlogging.events.spooled", () => Measure(t => t.Spooled), "{event}", "Events in the disk spool, not yet delivered.");
        meter.CreateObservableUpDownCounter("threadedlogging.circuit.open", () => Measure(t => t.CircuitOpen), "{handler}", "Handlers whose receiver is considered down: their attempts are probes.");
        meter.CreateObservableGauge("threadedlogging.send.age", MeasureSendAge, "s", "How long the oldest send in flight has waited for the receiver's answer (0: none in flight): a receiver that never answers holds a send until the request timeout, and counts nothing failed meanwhile.");
        return meter;
    }

    /// <summary>Per handler type, what <paramref name="read"/> gives of its totals (a counter: no less than it reported before).</summary>
    /// <param name="read">The instrument's number of a handler type's totals.</param>
    /// <param name="counter">A counter's name, to report no less than it reported before; null for an up-down counter.</param>
    private static List<Measurement<long>> Measure(Func<Totals, long> read, string? counter = null)
    {
        KeyValuePair<ThreadedHandler, string>[] live;
        Dictionary<string, Totals> sums;
        lock (Gate)
        {
            live = [.. Live];
            sums = new Dictionary<string, Totals>(Retired, StringComparer.Ordinal);
        }

        foreach (var (handler, type) in live)
        {
            var totals = Totals.Of(handler.Statistics);
            sums[type] = sums.TryGetValue(type, out var before) ? before + totals : totals;
        }

        var measured = new List<Measurement<long>>(sums.Count);
        foreach (var (type, totals) in sums)
        {
            var value = read(totals);
            if (counter is not null)
            {
                lock (Gate)
                {
                    value = Math.Max(value, Reported.GetValueOrDefault((counter, type)));
                    Reported[(counter, type)] = value;
                }
            }

            measured.Add(new Measurement<long>(value, new KeyValuePair<string, object?>(HandlerTag, type)));
        }

        return measured;
    }

    /// <summary>
    /// Per handler type, the age of the oldest send in flight among its live handlers, in seconds on each handler's clock;
    /// 0 when none of them is sending (a disposed handler sends nothing).
    /// </summary>
    private static List<Measurement<double>> MeasureSendAge()
    {
        KeyValuePair<ThreadedHandler, string>[] live;
        lock (Gate)
        {
            live = [.. Live];
        }

        var oldest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (handler, type) in live)
        {
            var age = handler.Statistics.SendingSince is { } since ? Math.Max(0, (handler.Time.GetUtcNow() - since).TotalSeconds) : 0;
            oldest[type] = Math.Max(age, oldest.GetValueOrDefault(type));
        }

        return [.. oldest.Select(o => new Measurement<double>(o.Value, new KeyValuePair<string, object?>(HandlerTag, o.Key)))];
    }

    /// <summary>
    /// The series (the <see cref="HandlerTag"/> value) of a handler type: the short name of the library's own types, which
    /// the README documents (<c>ThreadedHttpHandler</c>); the full name of any other (<c>Billing.AuditHandler</c>). By
    /// short name alone, two types of an app named alike in two namespaces, or an app's own <c>ThreadedHttpHandler</c>,
    /// were summed into one series and their counts could not be told apart. A generic type is named as C# writes it
    /// (<c>Billing.AuditHandler&lt;System.String&gt;</c>): its <see cref="Type.FullName"/> carries every type argument's
    /// assembly, version and key, which would change the series at each upgrade of the app or the runtime.
    /// </summary>
    internal static string SeriesOf(Type type) =>
        type.Namespace == nameof(ThreadedLogging) && !type.IsGenericType && type.Assembly.GetName().Name is "ThreadedLogging" or "ThreadedLogging.Aws"
            ? type.Name
            : Readable(type);

    private static string Readable(Type type)
    {
        if (type.IsArray)
        {
            return Readable(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsGenericParameter || !type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition().FullName ?? type.Name;
        var name = Regex.Replace(definition, "`[0-9]+", string.Empty);
        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(Readable)) + ">";
    }

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
