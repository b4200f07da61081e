using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>Options of a <see cref="ThreadedHandler"/>: the queue, the flush clock, shutdown, identity and redaction.</summary>
public class ThreadedHandlerOptions
{
    /// <summary>Gets or sets the flush interval of the <c>ThreadedTimer</c>.</summary>
    /// <value>The default value is 1000 ms, as in the seed.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets the number of events that makes a batch go out at once.</summary>
    /// <value>The default value is 500 (2000 in <see cref="ThreadedHttpHandlerOptions"/>).</value>
    public int BatchSize { get; set; } = 500;

    /// <summary>Gets or sets the approximate number of bytes that makes a batch go out at once.</summary>
    /// <value>The default value is 1 MiB.</value>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many events the in-memory queue holds before new events are dropped.</summary>
    /// <value>The default value is 10000000: the queue is bounded by <see cref="MaxQueueBytes"/>.</value>
    /// <remarks>
    /// Checked before an event is added, so callers on several threads at once may pass it by one each. Use it to
    /// bound the count as well as the bytes.
    /// </remarks>
    public int QueueCapacity { get; set; } = 10_000_000;

    /// <summary>Gets or sets how many bytes of queued events the in-memory queue holds before new events are dropped.</summary>
    /// <value>The default value is 128 MiB.</value>
    /// <remarks>
    /// The queue keeps events as compact binary records outside the garbage-collected heap (about 64 bytes for a
    /// call with two short properties, so about two million such events), allocated in segments as it fills and
    /// kept for the next burst. A call that a record cannot hold (one with an exception, or a property value of
    /// a type other than string, number, bool, date, time span or guid) is kept as an object and charged with its
    /// estimated size.
    /// </remarks>
    public long MaxQueueBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Gets or sets what a log call does when the queue is full.</summary>
    /// <value>The default value is <see cref="QueueFullMode.DropNewest"/>: the call never blocks.</value>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>Gets or sets the minimum level shipped by this handler (the seed's <c>handler.setLevel</c>).</summary>
    /// <value>The default value is <see cref="LogLevel.Trace"/>: the logging filter rules decide.</value>
    public LogLevel Level { get; set; } = LogLevel.Trace;

    /// <summary>Gets or sets the level at or above which an event makes the worker flush immediately.</summary>
    /// <value>The default value is <see cref="LogLevel.Error"/>.</value>
    public LogLevel FlushLevel { get; set; } = LogLevel.Error;

    /// <summary>Gets or sets how long <c>Dispose</c> may spend draining the queue.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the first delay after a failed send; it doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between retries, also the probe interval of an open circuit.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets the directory of the durable spool. When set, the worker writes batches to
    /// append-only files there before sending them and deletes them only after delivery, so events
    /// survive a crash, a kill or a long outage; a later start of the app sends what is left.
    /// Environment variables written as <c>%NAME%</c> are expanded.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: events are kept in memory only.</value>
    public string? BufferDirectory { get; set; }

    /// <summary>Gets or sets the most bytes the spool may hold; the oldest segment is dropped (and counted) beyond it.</summary>
    /// <value>The default value is 256 MiB.</value>
    public long MaxBufferBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets how old spooled events may get before they are dropped (and counted).</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan MaxBufferAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets whether the scopes active at the log call are captured.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeScopes { get; set; } = true;

    /// <summary>Gets or sets the application name sent with every event.</summary>
    /// <value>The default value is <see langword="null"/>: the entry assembly's name.</value>
    public string? App { get; set; }

    /// <summary>Gets or sets the application version (the seed's <c>revision</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the entry assembly's informational version.</value>
    public string? Version { get; set; }

    /// <summary>Gets or sets the user name sent with every event.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Environment.UserName"/>.</value>
    public string? User { get; set; }

    /// <summary>Gets or sets the machine name sent with every event.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Environment.MachineName"/>.</value>
    public string? Machine { get; set; }

    /// <summary>
    /// Gets the patterns of property names whose values are replaced by <c>***</c> before they leave the
    /// process. A name matches when, lower-cased and without punctuation, it contains a pattern.
    /// </summary>
    /// <value>The default value is <c>password, secret, token, apikey, authorization</c>.</value>
    public IList<string> RedactedProperties { get; } = ["password", "secret", "token", "apikey", "authorization"];

    /// <summary>
    /// Gets the categories that are never shipped, each with the categories under it: <c>ThreadedLogging</c> excludes
    /// <c>ThreadedLogging</c> and <c>ThreadedLogging.Collector.Ingest</c>, not <c>ThreadedLoggingDemo</c> (a name
    /// matches at a '.': equal, or followed by '.'; a name ending in '.' matches any category that starts with it).
    /// So that sending logs never produces more logs (the seed's guard against boto's logger).
    /// </summary>
    /// <value>
    /// The default value is <c>ThreadedLogging</c>: the library's own names, under which the collector logs each
    /// request it stores (a collector that ships its own log into itself would log again for every batch). The
    /// handlers' senders log nothing through <c>Microsoft.Extensions.Logging</c> (their own <c>HttpClient</c>, not
    /// one from <c>IHttpClientFactory</c>; the AWS SDK's own logger), so the app's <c>System.Net.Http.HttpClient.*</c>
    /// and other categories are shipped. A wrapped provider (<see cref="ThreadedHandler(ILoggerProvider, ThreadedHandlerOptions?)"/>)
    /// that sends through an <c>IHttpClientFactory</c> client needs that client's category here, e.g.
    /// <c>System.Net.Http.HttpClient.OtlpLogExporter</c>.
    /// </value>
    public IList<string> ExcludedCategories { get; } = ["ThreadedLogging"];

    /// <summary>Gets or sets a callback that receives the handler's own diagnostics (also sent to its EventSource).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<string>? SelfLog { get; set; }

    /// <summary>Gets or sets the clock; tests inject a fake one.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every option and throws an exception naming the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">A list of names holds null, or <see cref="BufferDirectory"/> is empty.</exception>
    public virtual void Validate()
    {
        Check(Interval > TimeSpan.Zero && Interval <= TimeSpan.FromHours(1), nameof(Interval), "between 1 ms and 1 hour", Interval);
        Check(BatchSize is >= 1 and <= 100_000, nameof(BatchSize), "between 1 and 100000", BatchSize);
        Check(MaxBatchBytes is >= 1024 and <= 256 * 1024 * 1024, nameof(MaxBatchBytes), "between 1024 and 268435456", MaxBatchBytes);
        Check(QueueCapacity is >= 1 and <= 10_000_000, nameof(QueueCapacity), "between 1 and 10000000", QueueCapacity);
        Check(MaxQueueBytes is >= 1024 and <= 1L << 38, nameof(MaxQueueBytes), "between 1024 and 274877906944 (256 GiB)", MaxQueueBytes);
        Check(Enum.IsDefined(FullMode), nameof(FullMode), "DropNewest or Wait", FullMode);
        Check(Enum.IsDefined(Level), nameof(Level), "a LogLevel", Level);
        Check(Enum.IsDefined(FlushLevel), nameof(FlushLevel), "a LogLevel", FlushLevel);
        Check(ShutdownTimeout >= TimeSpan.Zero && ShutdownTimeout <= TimeSpan.FromMinutes(10), nameof(ShutdownTimeout), "between 0 and 10 minutes", ShutdownTimeout);
        Check(MinRetryDelay > TimeSpan.Zero, nameof(MinRetryDelay), "positive", MinRetryDelay);
        Check(MaxRetryDelay >= MinRetryDelay, nameof(MaxRetryDelay), "at least MinRetryDelay", MaxRetryDelay);
        Check(MaxBufferBytes >= 64 * 1024, nameof(MaxBufferBytes), "at least 65536", MaxBufferBytes);
        Check(MaxBufferAge > TimeSpan.Zero, nameof(MaxBufferAge), "positive", MaxBufferAge);
        RefuseNull(ExcludedCategories, nameof(ExcludedCategories));
        RefuseNull(RedactedProperties, nameof(RedactedProperties));
        if (BufferDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException("BufferDirectory must be null or a directory path (was empty).", nameof(BufferDirectory));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    /// <summary>A null name would fail later and elsewhere (every <c>CreateLogger</c> of the app, or the worker): refused here, naming the option.</summary>
    private static void RefuseNull(IList<string> names, string option)
    {
        var at = names.IndexOf(null!);
        if (at >= 0)
        {
            throw new ArgumentException($"{option} must not hold null (item {at}).", option);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the option when <paramref name="ok"/> is false.</summary>
    /// <param name="ok">Whether the value is valid.</param>
    /// <param name="name">The option's name.</param>
    /// <param name="expected">What a valid value is.</param>
    /// <param name="value">The value given.</param>
    internal static void Check(bool ok, string name, string expected, object? value)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected} (was {value ?? "null"}).");
        }
    }
}
