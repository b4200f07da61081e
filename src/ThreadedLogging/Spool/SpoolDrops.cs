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
/// collector too (the self-log, the EventSource and <c>Dropped</c> say it on the app's side). What is pending is also kept
/// in the spool's directory (<see cref="DropNoticeFile"/>, <see cref="Persist"/>), so that a process that ends before its
/// notice is in a record (offline, a cap dropping) leaves it to the next start. Any thread.
/// </summary>
internal sealed class SpoolDrops(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Pending?[] _pending = new Pending?[Enum.GetValues<SpoolDropReason>().Length]; // under _lock
    private string? _batchId; // under _lock: the pending notice's, kept in its file: the batch that carries it goes under it
    private string? _takenBatchId; // under _lock: of the notices taken into a batch not yet spooled
    private Func<string>? _directory; // where the pending notice is kept: the spool's directory (named once it is locked)
    private volatile bool _dirty; // what is pending changed since it was last kept
    private bool _failed; // under _lock: the last write of the file failed (said once until one works)

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
            _batchId ??= BatchDelivery.NewBatchId();
            _dirty = true;
        }
    }

    /// <summary>Keeps what is pending in the directory <paramref name="directory"/> names from now on (<see cref="Persist"/>).</summary>
    public void KeepIn(Func<string> directory)
    {
        lock (_lock)
        {
            _directory = directory;
        }
    }

    /// <summary>
    /// The batch id of the notices <see cref="TakeNotices"/> took last, once: the batch carrying them is spooled under it,
    /// the id their file has, so that a crash between the record's write and the file's deletion sends both under one id.
    /// </summary>
    public string? TakeBatchId()
    {
        lock (_lock)
        {
            var id = _takenBatchId;
            _takenBatchId = null;
            return id;
        }
    }

    /// <summary>
    /// Writes what is pending into the spool's directory if it changed since (after a batch is spooled or read, not per
    /// drop), or deletes the file when nothing is: a notice taken into a batch is in that batch's record once it is
    /// written. A failure is said once (<paramref name="report"/>) and tried again at the next call.
    /// </summary>
    public void Persist(Action<string>? report)
    {
        if (!_dirty)
        {
            return;
        }

        lock (_lock)
        {
            if (!_dirty || _directory is null || _takenBatchId is not null)
            {
                return; // a notice taken, its batch not written yet: the file keeps it until then
            }

            try
            {
                var drops = new List<DropNoticeFile.Entry>();
                for (var reason = 0; reason < _pending.Length; reason++)
                {
                    if (_pending[reason] is { } pending)
                    {
                        drops.Add(new((SpoolDropReason)reason, pending.Count, pending.First, pending.Last));
                    }
                }

                if (drops.Count > 0)
                {
                    DropNoticeFile.Write(_directory(), new(_batchId!, drops));
                }
                else
                {
                    DropNoticeFile.Delete(_directory());
                }

                _dirty = false;
                _failed = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!_failed)
                {
                    _failed = true;
                    report?.Invoke($"Could not keep the spool's drop notice in {_directory()} ({e.GetType().Name}: {e.Message}): if the app ends before it is sent, the collector does not hear of those drops.");
                }
            }
        }
    }

    /// <summary>Adds to <paramref name="batch"/> the warning events of a notice a previous process kept (<see cref="DropNoticeFile"/>).</summary>
    public void AddAdopted(DropNoticeFile.Content adopted, List<LogEvent> batch)
    {
        foreach (var entry in adopted.Drops)
        {
            batch.Add(Notice(new Pending(entry.Count, entry.First, entry.Last), entry.Reason));
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

            if (added > 0)
            {
                // Spooled with the batch it is added to, under the file's id; the file goes once that record is written.
                _takenBatchId = _batchId;
                _batchId = null;
                _dirty = true;
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
