using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>Why the spool dropped events (<see cref="DurableSpool.Dropped"/>), said in its drop notice.</summary>
internal enum SpoolDropReason
{
    /// <summary>The size cap (<see cref="ThreadedHandlerOptions.MaxBufferBytes"/>) dropped the oldest events.</summary>
    Full,

    /// <summary>A batch was larger than the whole spool may be.</summary>
    TooLarge,

    /// <summary>The age cap (<see cref="ThreadedHandlerOptions.MaxBufferAge"/>) dropped events.</summary>
    Aged,

    /// <summary>
    /// A record was torn (a crash while writing: the rest of its segment was skipped) or corrupt (whole, its checksum
    /// wrong: it alone was skipped).
    /// </summary>
    Torn,

    /// <summary>A record passed its checksum but could not be read (written by an incompatible version).</summary>
    Unreadable,
}

/// <summary>
/// The events the spool dropped, by reason, with when the first and last drop of each was: the warning events the worker
/// ships about them with its next batch, as <see cref="QueueDrops"/> does for a full queue, so that the gap shows in the
/// collector too (the self-log, the EventSource and <c>Dropped</c> say it on the app's side). Any thread.
/// </summary>
internal sealed class SpoolDrops(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Pending?[] _pending = new Pending?[Enum.GetValues<SpoolDropReason>().Length]; // under _lock

    /// <summary>The spool dropped <paramref name="count"/> of the app's events for <paramref name="reason"/>.</summary>
    public void Add(int count, SpoolDropReason reason)
    {
        if (count <= 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            var pending = _pending[(int)reason];
            _pending[(int)reason] = pending is null ? new Pending(count, now, now) : pending with { Count = pending.Count + count, Last = now };
        }
    }

    /// <summary>Adds to <paramref name="batch"/> one warning event per reason the spool dropped events for since the last call; returns how many it added.</summary>
    public int TakeNotices(List<LogEvent> batch)
    {
        var added = 0;
        lock (_lock)
        {
            for (var reason = 0; reason < _pending.Length; reason++)
            {
                if (_pending[reason] is { } pending)
                {
                    _pending[reason] = null;
                    batch.Add(Notice(pending, (SpoolDropReason)reason));
                    added++;
                }
            }
        }

        return added;
    }

    private LogEvent Notice(Pending pending, SpoolDropReason reason)
    {
        var why = reason switch
        {
            SpoolDropReason.Full => "the spool was full (MaxBufferBytes)",
            SpoolDropReason.TooLarge => "a batch was larger than the whole spool (MaxBufferBytes)",
            SpoolDropReason.Aged => "they were older than MaxBufferAge in the spool",
            SpoolDropReason.Torn => "a spool record was torn",
            _ => "a spool record could not be read",
        };
        var notice = LogEvent.Create(
            time.GetUtcNow(),
            LogLevel.Warning,
            QueueDrops.OwnCategory,
            $"ThreadedLogging dropped {Counted.Events(pending.Count)} between {pending.First:O} and {pending.Last:O}: {why}",
            new("DroppedCount", pending.Count),
            new("FirstDrop", pending.First),
            new("LastDrop", pending.Last));
        notice.IsExtra = true;
        return notice;
    }

    private sealed record Pending(long Count, DateTimeOffset First, DateTimeOffset Last);
}
