using System.Buffers;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>The per-request checks of issue 3: field lengths, event size, timestamps before 1970; a fast client clock (<see cref="EventTime"/>).</summary>
internal sealed class IngestLimits(CollectorOptions options, DateTimeOffset now)
{
    /// <summary>The C0 controls and DEL, which no user name holds (the client's <c>ThreadedHandlerOptions.ControlChars</c>).</summary>
    private static readonly SearchValues<char> ControlChars = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\a\b\t\n\v\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

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
    /// A name an event is filed and found under (its app, version, machine, process instance): <see cref="Field"/>'s length,
    /// and no control character (C0, DEL: what the client's <c>App</c>, <c>Version</c> and <c>Machine</c> refuse). U+0000 was
    /// stored as sent by SQLite and as U+FFFD by PostgreSQL, whose text cannot hold it (two names became one there, and a
    /// link or filter with the name found its events on one store only); a line break or a tab was stored on both, a name
    /// apart from the one meant. <paramref name="what"/> is what the reason says no such name may hold.
    /// </summary>
    public string? Name(string? value, string name, int index, string what)
    {
        if (Field(value, name, index) is { } text && text.AsSpan().IndexOfAny(ControlChars) is var at and >= 0)
        {
            throw IngestRejectedException.BadRequest(
                $"{Where(index)}field '{name}' ('{LoggedText.Of(text)}') holds a control character (U+{(int)text[at]:X4} at index {at}), which no {what} may hold");
        }

        return value;
    }

    /// <summary><see cref="Name"/> of an app.</summary>
    public string? App(string? value, string name, int index) => Name(value, name, index, "app name");

    /// <summary><see cref="Name"/> of a version.</summary>
    public string? Version(string? value, string name, int index) => Name(value, name, index, "version");

    /// <summary><see cref="Name"/> of a machine.</summary>
    public string? Machine(string? value, string name, int index) => Name(value, name, index, "machine name");

    /// <summary><see cref="Name"/> of a process instance, half of an event's identity with its sequence.</summary>
    public string? Instance(string? value, string name, int index) => Name(value, name, index, "instance id");

    /// <summary>
    /// A user name, wherever it came from (a format's field, the path's first segment): <see cref="Field"/>'s length, and
    /// none that cannot travel as a segment of a URL path (review14): <c>.</c> and <c>..</c>, which Kestrel and every URL
    /// parser resolve as steps, and a control character (C0, DEL: what the client's <c>User</c> option refuses), NUL among
    /// them, which Kestrel refuses in a path. Such names were stored, and then no <c>DELETE /api/users/{user}</c> reached
    /// them (<c>?user=</c> does, for those stored before).
    /// </summary>
    public string? User(string? value, string name, int index)
    {
        if (Field(value, name, index) is not { } user)
        {
            return null;
        }

        if (user is "." or "..")
        {
            throw IngestRejectedException.BadRequest(
                $"{Where(index)}field '{name}' is '{user}', which is no user name: a URL path (/log/{{user}}, /api/users/{{user}}) reads it as a step, not a name");
        }

        return Name(user, name, index, "user name");
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
