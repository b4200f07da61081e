using System.Diagnostics;
using System.Diagnostics.Metrics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// The collector's own metrics, on the meter <see cref="MeterName"/> (System.Diagnostics.Metrics, created through the
/// host's <see cref="IMeterFactory"/>): what operators watch on a server — ingest requests by format and outcome, events
/// stored, the time from admission to commit, requests in progress, live streams, retention and SQS. Read them with
/// <c>dotnet-counters monitor -n ThreadedLogging.Collector --counters ThreadedLogging.Collector</c>, or have them pushed
/// over OTLP (<see cref="CollectorMetricsExport"/>). Counting is a few atomic additions per request, never per event.
/// </summary>
internal sealed class CollectorMetrics
{
    /// <summary>The meter's name, as <c>dotnet-counters</c> and OpenTelemetry's <c>AddMeter</c> take it.</summary>
    public const string MeterName = "ThreadedLogging.Collector";

    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _requests;
    private readonly Counter<long> _events;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retained;
    private readonly Counter<long> _alertsFired;
    private readonly Counter<long> _erasures;
    private readonly Counter<long> _erased;
    private readonly Counter<long> _alertWebhookFailures;

    public CollectorMetrics(IMeterFactory meters, IngestAdmission admission, LiveStreamLimiter liveStreams, SqsIngestStatistics sqs, IStoreStatus store, StoreWriteState writes)
    {
        var meter = meters.Create(MeterName);
        AddStoreGauges(meter, store, writes);
        _requests = meter.CreateCounter<long>(
            "threadedlogging.collector.ingest.requests", "{request}",
            "Ingest requests answered, by format, outcome and HTTP status (gRPC requests by the HTTP status they map to).");
        _events = meter.CreateCounter<long>(
            "threadedlogging.collector.ingest.events", "{event}",
            "Events stored by ingest requests, by format; a duplicate batch stores none.");
        _duration = meter.CreateHistogram(
            "threadedlogging.collector.ingest.duration", "s",
            "Time from admission to the answer of an admitted ingest request: decoding and the store's transaction.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableUpDownCounter(
            "threadedlogging.collector.ingest.active", () => admission.Pending, "{request}",
            "Ingest requests being decoded or stored now (admission refuses more than Collector:MaxPendingIngests with 429).");
        meter.CreateObservableUpDownCounter(
            "threadedlogging.collector.live_streams.active", () => liveStreams.Open, "{stream}",
            "Open live streams of the support console and the read API.");
        _retained = meter.CreateCounter<long>(
            "threadedlogging.collector.retention.removed", "{event}",
            "Events removed by retention, by reason: age (Retention:MaxAge), size (Retention:MaxBytes) or free_space (Retention:MinFreeBytes).");
        _erasures = meter.CreateCounter<long>(
            "threadedlogging.collector.erasure.requests", "{request}",
            "Erasures of a user's data completed (DELETE /api/users/{user}), an unknown user's included.");
        _erased = meter.CreateCounter<long>(
            "threadedlogging.collector.erasure.events", "{event}",
            "Events erased by DELETE /api/users/{user}.");
        _alertsFired = meter.CreateCounter<long>(
            "threadedlogging.collector.alerts.fired", "{notification}",
            "Alert notifications delivered (the webhook answered 2xx), by rule.");
        _alertWebhookFailures = meter.CreateCounter<long>(
            "threadedlogging.collector.alerts.webhook_failures", "{request}",
            "Alert notifications the webhook did not take (refused connection, non-2xx, timeout), by rule; sent again at the next evaluation.");
        meter.CreateObservableCounter(
            "threadedlogging.collector.sqs.messages", () => SqsMessages(sqs.Snapshot()), "{message}",
            "SQS messages by what happened to them: received, stored, duplicate, poison, deleted, expired, overloaded (left in the queue: Collector:MaxReceivingBytes spent); errors counts failed calls.");
    }

    /// <summary>Counts one ingest request's answer; <paramref name="admittedAt"/> (a <see cref="TimeProvider"/> timestamp) when it was admitted.</summary>
    public void IngestAnswered(string format, IngestOutcome outcome, TimeProvider time, long? admittedAt)
    {
        var name = OutcomeName(outcome);
        var tags = new TagList
        {
            { "format", format },
            { "outcome", name },
            { "http.response.status_code", outcome.StatusCode },
        };
        _requests.Add(1, tags);
        if (outcome.Decoded is not null && !outcome.Result.Duplicate)
        {
            _events.Add(outcome.Result.Stored, new KeyValuePair<string, object?>("format", format));
        }

        if (admittedAt is { } start)
        {
            _duration.Record(time.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("outcome", name));
        }
    }

    /// <summary>Counts a request refused before its body was read (its Content-Type has no decoder, or its ingest key was refused).</summary>
    public void IngestRefused(string format, int statusCode) =>
        _requests.Add(1, new TagList { { "format", format }, { "outcome", "rejected" }, { "http.response.status_code", statusCode } });

    /// <summary>Counts events retention removed (each committed deletion of a run, so that a run that fails midway is counted).</summary>
    public void Retained(RetentionReason reason, long events)
    {
        if (events > 0)
        {
            _retained.Add(events, new KeyValuePair<string, object?>("reason", reason switch
            {
                RetentionReason.Age => "age",
                RetentionReason.Size => "size",
                _ => "free_space",
            }));
        }
    }

    /// <summary>Counts one completed erasure of a user and the events it erased.</summary>
    public void UserErased(long events)
    {
        _erasures.Add(1);
        _erased.Add(events);
    }

    /// <summary>Counts a delivered notification of the rule <paramref name="alert"/>.</summary>
    public void AlertFired(string alert) => _alertsFired.Add(1, new KeyValuePair<string, object?>("alert", alert));

    /// <summary>Counts a notification of the rule <paramref name="alert"/> its webhook did not take.</summary>
    public void AlertWebhookFailed(string alert) => _alertWebhookFailures.Add(1, new KeyValuePair<string, object?>("alert", alert));

    /// <summary>
    /// The store's gauges, read at each collection: its size on disk, the data folder's free space (SQLite), the full-text
    /// index's lag and whether writes fail. A value the engine does not know (PostgreSQL's free space) has no series.
    /// </summary>
    private static void AddStoreGauges(Meter meter, IStoreStatus store, StoreWriteState writes)
    {
        meter.CreateObservableGauge(
            "threadedlogging.collector.store.size", () => Known(store.Read().Bytes), "By",
            "Bytes the event store takes on disk: SQLite's collector.db and collector-fts.db with their -wal and -shm files; PostgreSQL's pg_database_size, read at most every 30 s.");
        meter.CreateObservableGauge(
            "threadedlogging.collector.store.free", () => Known(store.Read().FreeBytes), "By",
            "Free bytes of the filesystem of the data folder (SQLite only), as the collector may use them.");
        meter.CreateObservableGauge(
            "threadedlogging.collector.fulltext.behind", () => store.Read().IndexBehind, "{event}",
            "Committed events a search cannot find yet: the full-text index's lag (SQLite; a group or two normally, growing while its writes fail).");
        meter.CreateObservableGauge(
            "threadedlogging.collector.store.writes_failing", () => writes.Current is null ? 0 : 1, null,
            "1 while the store refuses writes (a full disk; ingest answers 503), else 0; /health says since when and why.");
    }

    private static IEnumerable<Measurement<long>> Known(long? value) => value is { } v ? [new Measurement<long>(v)] : [];

    private static string OutcomeName(IngestOutcome outcome) => outcome.StatusCode switch
    {
        _ when outcome.Decoded is not null => outcome.Result.Duplicate ? "duplicate" : "stored", // 200, Seq's 201
        StatusCodes.Status429TooManyRequests => "overloaded",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 500 => "failed",
        _ => "rejected",
    };

    private static IEnumerable<Measurement<long>> SqsMessages(SqsIngestSnapshot s) =>
    [
        new(s.Received, new KeyValuePair<string, object?>("outcome", "received")),
        new(s.Stored, new KeyValuePair<string, object?>("outcome", "stored")),
        new(s.Duplicates, new KeyValuePair<string, object?>("outcome", "duplicate")),
        new(s.Poison, new KeyValuePair<string, object?>("outcome", "poison")),
        new(s.Deleted, new KeyValuePair<string, object?>("outcome", "deleted")),
        new(s.Expired, new KeyValuePair<string, object?>("outcome", "expired")),
        new(s.Overloaded, new KeyValuePair<string, object?>("outcome", "overloaded")),
        new(s.Errors, new KeyValuePair<string, object?>("outcome", "error")),
    ];
}
