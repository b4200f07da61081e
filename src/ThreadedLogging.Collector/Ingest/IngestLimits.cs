namespace ThreadedLogging.Collector.Ingest;

/// <summary>The per-request checks of issue 3: field lengths, event size, timestamps before 1970; a fast client clock (<see cref="EventTime"/>).</summary>
internal sealed class IngestLimits(CollectorOptions options, DateTimeOffset now)
{
    public CollectorOptions Options { get; } = options;

    public DateTimeOffset Now { get; } = now;

    public string? Field(string? value, string name, int index)
    {
        if (value is not null && value.Length > Options.MaxFieldLength)
        {
            throw IngestRejectedException.BadRequest(
                $"{Where(index)}field '{name}' is {value.Length} characters; the limit is {Options.MaxFieldLength} (Collector:MaxFieldLength)");
        }

        return value;
    }

    /// <summary>
    /// A batch's key as the client wrote it (<c>batchId</c>, <c>Idempotency-Key</c>): <see cref="Field"/>'s length, and no
    /// U+0000, which PostgreSQL text cannot hold (its insert failed: a 500). Replaced by U+FFFD there as other texts are
    /// (PostgresText), two keys would become one and the second batch would be answered as a resend of the first, not stored.
    /// </summary>
    public string? BatchKey(string? value, string name)
    {
        if (Field(value, name, -1) is { } key && key.Contains('\0', StringComparison.Ordinal))
        {
            throw IngestRejectedException.BadRequest($"field '{name}' contains a NUL character (U+0000), which no batch id may hold");
        }

        return value;
    }

    public void EventSize(long bytes, int index)
    {
        if (bytes > Options.MaxEventBytes)
        {
            throw IngestRejectedException.TooLarge(
                $"{(index < 0 ? "event" : $"event {index}")} is {bytes} bytes; the limit is {Options.MaxEventBytes} (Collector:MaxEventBytes)");
        }
    }

    public void EventCount(int count)
    {
        if (count > Options.MaxEventsPerBatch)
        {
            throw IngestRejectedException.TooLarge(
                $"batch has {count} events or more; the limit is {Options.MaxEventsPerBatch} (Collector:MaxEventsPerBatch)");
        }
    }

    /// <summary>
    /// The time to store for a client's <paramref name="timestamp"/>: itself, or the receive time (<see cref="Now"/>)
    /// with the client's kept aside when it is more than <c>Collector:MaxClockSkew</c> ahead (<see cref="EventTime"/>).
    /// </summary>
    public EventTime Timestamp(DateTimeOffset timestamp, int index)
    {
        if (timestamp < DateTimeOffset.UnixEpoch)
        {
            throw IngestRejectedException.BadRequest($"{Where(index)}timestamp {timestamp:O} is before 1970");
        }

        return timestamp > Now + Options.MaxClockSkew
            ? new EventTime(Now.ToUniversalTime(), timestamp)
            : new EventTime(timestamp.ToUniversalTime(), null);
    }

    /// <summary>The prefix of a reason about one event of a batch; none when <paramref name="index"/> is negative (the caller says where).</summary>
    private static string Where(int index) => index < 0 ? string.Empty : $"event {index}: ";
}
