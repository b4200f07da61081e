using System.Text.Json;
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

    /// <summary>
    /// The memory queue was full: its notice (<see cref="QueueDrops"/>) was spooled, then dropped by a cap, and taken back
    /// into the spool's pending notice (<see cref="SpoolDrops.Fold"/>).
    /// </summary>
    QueueFull,

    /// <summary>
    /// A log call made by app code running inside a log call inside a log call on one thread (a third level: a formatter or
    /// a scope's <c>ToString</c> that logs, in one that logs): dropped by the queue (<see cref="QueueDrops.AddReentrant"/>),
    /// not for lack of room.
    /// </summary>
    Reentrant,

    /// <summary>A notice whose reason this version does not know (another version's wording) was dropped by a cap and taken back.</summary>
    Other,

    /// <summary>The spool's directory was deleted while the app ran, and its files could not be written again (<see cref="DurableSpool.KeepOwn"/>).</summary>
    Deleted,
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
    private Pending?[]? _taken; // under _lock: the notices taken last, until their batch is written (ReturnTaken)
    private Func<string>? _directory; // where the pending notice is kept: the spool's directory (named once it is locked)
    private volatile bool _dirty; // what is pending changed since it was last kept
    private bool _failed; // under _lock: the last write of the file failed (said once until one works)
    private bool _unsynced; // under _lock: the record carrying the file's notice is written, not yet fsynced: the file keeps it until then

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
            if (!_dirty || _directory is null || _takenBatchId is not null || _unsynced)
            {
                return; // a notice taken, its batch not written yet, or not fsynced: the file keeps it until then
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

    /// <summary>
    /// The batch carrying the notices taken last (<see cref="TakeBatchId"/>) is written, not yet fsynced: the file keeps
    /// them until <see cref="Synced"/> (deleted at once, a power cut could lose the record and keep the deletion).
    /// </summary>
    public void NoticeWritten()
    {
        lock (_lock)
        {
            _unsynced = true;
            _taken = null;
        }
    }

    /// <summary>
    /// The batch carrying the notices taken last, under <paramref name="batchId"/> (<see cref="TakeBatchId"/>), will not be
    /// written nor sent (the books were frozen as it was being spooled: a worker abandoned at shutdown): they are pending
    /// again, under that id, which no record has, and kept in their file (<see cref="Persist"/>) for the next start. Before,
    /// the id was taken and the notices with it, and the close's <see cref="Persist"/>, finding nothing pending, deleted the file.
    /// </summary>
    public void ReturnTaken(string batchId)
    {
        lock (_lock)
        {
            if (_taken is not { } taken)
            {
                return;
            }

            _taken = null;
            for (var reason = 0; reason < taken.Length; reason++)
            {
                if (taken[reason] is { } drops)
                {
                    Merge(reason, drops);
                }
            }

            _batchId = batchId; // one a drop since made (Add) is in no file a record could carry
            _dirty = true;
        }
    }

    /// <summary>Adds <paramref name="drops"/> to what is pending for <paramref name="reason"/>: counts added, the first and last drop kept. Under <see cref="_lock"/>.</summary>
    private void Merge(int reason, Pending drops)
    {
        var pending = _pending[reason];
        _pending[reason] = pending is null
            ? drops
            : new Pending(pending.Count + drops.Count, Min(pending.First, drops.First), Max(pending.Last, drops.Last));
    }

    /// <summary>What was written is fsynced (<see cref="NoticeWritten"/>): what is pending is kept from now on (<see cref="Persist"/>).</summary>
    public void Synced(Action<string>? report)
    {
        lock (_lock)
        {
            _unsynced = false;
        }

        Persist(report);
    }

    /// <summary>
    /// Takes back into what is pending the drop notices of a record (its JSON) a cap dropped, or of a batch too large for the
    /// spool, after its first <paramref name="skip"/> events (delivered before): by reason, the counts added, the first and
    /// last drop's times kept. A notice counts no event, so the drop that took it counted nothing of what it told (an
    /// adopted one, of a first offline run, dropped in a second: the collector never heard of the first run's drops); now
    /// the next notice tells the sum, under the pending notice's batch id, kept in <see cref="DropNoticeFile"/> as any.
    /// </summary>
    /// <param name="json">The record's JSON envelope.</param>
    /// <param name="skip">How many of its first events were delivered before.</param>
    /// <param name="appEvents">
    /// How many of the app's events come first, when the record says so (its header's count, checked, in a record of this
    /// version: <see cref="DurableSpool.NoticesDropped"/>): the notices are the events after them, whatever the app logged
    /// before them. Null for a record of an earlier version: the notices are then known by their category and property names,
    /// which an app logging under category <c>ThreadedLogging</c> with those names would make too (its own count then added).
    /// </param>
    public void Fold(ReadOnlyMemory<byte> json, int skip, int? appEvents = null)
    {
        var found = new List<(SpoolDropReason Reason, Pending Drops)>();
        try
        {
            using var document = JsonDocument.Parse(json);
            var index = 0;
            var from = Math.Max(skip, appEvents ?? 0);
            foreach (var item in document.RootElement.GetProperty(JsonBatchFields.Events).EnumerateArray())
            {
                if (index++ >= from
                    && (appEvents is not null || (item.TryGetProperty(JsonBatchFields.Category, out var category) && category.ValueEquals(QueueDrops.OwnCategory)))
                    && item.TryGetProperty(JsonBatchFields.Properties, out var properties)
                    && properties.TryGetProperty("DroppedCount", out var count) && count.TryGetInt64(out var dropped) && dropped > 0
                    && properties.TryGetProperty("FirstDrop", out var first) && first.TryGetDateTimeOffset(out var firstDrop)
                    && properties.TryGetProperty("LastDrop", out var last) && last.TryGetDateTimeOffset(out var lastDrop))
                {
                    var reason = properties.TryGetProperty(QueueDrops.ReasonProperty, out var named) && named.ValueKind == JsonValueKind.String && ReasonNamed(named.GetString()) is { } known
                        ? known
                        : ReasonOf(item.TryGetProperty(JsonBatchFields.Message, out var text) ? text.GetString() : null); // a notice of an earlier version: its wording
                    found.Add((reason, new Pending(dropped, firstDrop, lastDrop)));
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // Not an envelope this version reads: nothing of it is known, and its app events are counted as the drop counts them.
        }

        if (found.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var (reason, drops) in found)
            {
                Merge((int)reason, drops);
            }

            _batchId ??= BatchDelivery.NewBatchId();
            _dirty = true;
        }
    }

    /// <summary>The reason a notice's <see cref="QueueDrops.ReasonProperty"/> names, or null when this version does not know it (a later version's).</summary>
    private static SpoolDropReason? ReasonNamed(string? name)
    {
        foreach (var reason in Enum.GetValues<SpoolDropReason>())
        {
            if (string.Equals(name, reason.ToString(), StringComparison.Ordinal))
            {
                return reason;
            }
        }

        return null;
    }

    /// <summary>The reason a notice's message gives (<see cref="Why"/>, after the drops' times): <see cref="SpoolDropReason.Other"/> when this version does not know it.</summary>
    private static SpoolDropReason ReasonOf(string? message)
    {
        var at = message?.IndexOf(": ", StringComparison.Ordinal) ?? -1; // the times (ISO 8601, "O") hold no ": "
        if (at < 0)
        {
            return SpoolDropReason.Other;
        }

        var why = message.AsSpan(at + 2);
        foreach (var reason in Enum.GetValues<SpoolDropReason>())
        {
            if (reason == SpoolDropReason.QueueFull ? why.StartsWith(Why(reason), StringComparison.Ordinal) : why.SequenceEqual(Why(reason)))
            {
                return reason; // the queue's may go on (a call kept as an object that found no slot): its count is what matters
            }
        }

        return SpoolDropReason.Other;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

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
            var taken = new Pending?[_pending.Length];
            for (var reason = 0; reason < _pending.Length; reason++)
            {
                if (_pending[reason] is { } pending)
                {
                    _pending[reason] = null;
                    taken[reason] = pending;
                    batch.Add(Notice(pending, (SpoolDropReason)reason));
                    added++;
                }
            }

            if (added > 0)
            {
                // Spooled with the batch it is added to, under the file's id; the file goes once that record is written.
                _taken = taken;
                _takenBatchId = _batchId;
                _batchId = null;
                _dirty = true;
            }
        }

        return added;
    }

    /// <summary>What a notice says of why: the end of its message.</summary>
    internal static string Why(SpoolDropReason reason) => reason switch
    {
        SpoolDropReason.Full => "the spool was full (MaxBufferBytes)",
        SpoolDropReason.TooLarge => "a batch was larger than the whole spool (MaxBufferBytes)",
        SpoolDropReason.Aged => "they were older than MaxBufferAge in the spool",
        SpoolDropReason.Torn => "a spool record was torn",
        SpoolDropReason.Unreadable => "a spool record could not be read",
        SpoolDropReason.QueueFull => "the queue was full",
        SpoolDropReason.Reentrant => "a log call made inside a log call inside a log call on one thread (a formatter or a scope's ToString that logs, a third level) is not recorded",
        SpoolDropReason.Deleted => "the spool's directory was deleted while the app ran",
        _ => "their notice, spooled, was dropped by the spool's caps (its reason unknown to this version)",
    };

    private LogEvent Notice(Pending pending, SpoolDropReason reason)
    {
        var why = Why(reason);
        var notice = LogEvent.Create(
            time.GetUtcNow(),
            LogLevel.Warning,
            QueueDrops.OwnCategory,
            $"ThreadedLogging dropped {Counted.Events(pending.Count)} between {pending.First:O} and {pending.Last:O}: {why}",
            new("DroppedCount", pending.Count),
            new("FirstDrop", pending.First),
            new("LastDrop", pending.Last),
            new(QueueDrops.ReasonProperty, reason.ToString()));
        notice.IsExtra = true;
        return notice;
    }

    private sealed record Pending(long Count, DateTimeOffset First, DateTimeOffset Last);
}
