using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>Filters of <c>GET /api/events</c>; every filter is optional and they combine with AND.</summary>
internal sealed record EventQuery
{
    public string? App { get; init; }

    public string? User { get; init; }

    public string? Machine { get; init; }

    /// <summary>Gets a prefix of the ingest path.</summary>
    public string? PathPrefix { get; init; }

    public LogLevel? MinLevel { get; init; }

    /// <summary>Gets the earliest timestamp, inclusive.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the latest timestamp, inclusive.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets words that must all occur in the message (full text).</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    public int Limit { get; init; } = 100;

    /// <summary>Gets the cursor: only events older than this position.</summary>
    public EventCursor? Before { get; init; }
}
