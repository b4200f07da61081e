namespace ThreadedLogging;

/// <summary>
/// Spools of other processes, or of other handlers of this process, that end after this one opened its own. At
/// <see cref="Open"/> the dead ones are adopted; before, that was the only look, so what a process of the app that
/// started after this one (or was running then) left when it crashed stayed on disk until the app's next start — days,
/// for a service. The worker looks again on a later pass (<see cref="AdoptAbandoned"/>): a directory a worker of this
/// process abandoned at its shutdown (held past <see cref="AbandonedSpools.MaxWait"/> at the start) as soon as it lets
/// go (<see cref="HeldReleased"/> wakes the worker); every other directory in the spool's root at each look, after a
/// back-off (<see cref="FirstAdoptionRetry"/>, doubled up to <see cref="MaxAdoptionRetry"/> while a look adopts nothing,
/// back to the first after one that does): one listing of the root, and one lock attempt per directory not known to be
/// ours, never a wait, so neither the log call nor the worker's sending waits for it.
/// </summary>
/// <remarks>
/// Not at once when a flush is asked: a flush waits for what was logged (and adopted) before it, and an app that flushes
/// after each event would list the directory for each; nor while the handler stops (<see cref="SpoolStage"/>): what is
/// found then is the next start's, as at a disposal during <see cref="Open"/>.
/// </remarks>
internal sealed partial class DurableSpool
{
    /// <summary>How long after the start, or after a look that adopted a spool, the spool's root is looked at again.</summary>
    internal static readonly TimeSpan FirstAdoptionRetry = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two looks (the others' spools are often live processes', which may run for days).</summary>
    internal static readonly TimeSpan MaxAdoptionRetry = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a directory must have been empty (no entry made or removed in it) before a start or a look deletes it
    /// (<see cref="DeleteIfLeftEmpty"/>): a maker makes its directory and then its lock file an instant apart, and one
    /// whose directory is deleted in between takes another name and says it lost it (<see cref="LockOwnDirectory"/>).
    /// </summary>
    internal static readonly TimeSpan LeftEmptyAge = TimeSpan.FromMinutes(1);

    private readonly List<(string Directory, Task Released)> _held = []; // held at Open by an abandoned worker of this process
    private readonly HashSet<string> _leftAlone = new(StringComparer.Ordinal); // found with nothing to adopt (of a newer format, or empty and not deletable): not tried again
    private long _lastLook; // the clock's timestamp of the start or the last look
    private TimeSpan _lookWait = FirstAdoptionRetry;

    /// <summary>
    /// Called, on any thread, when an abandoned worker of this process let go of a spool this one found held: the worker
    /// should make a pass (<see cref="AdoptAbandoned"/>) without waiting for its interval.
    /// </summary>
    public Action? HeldReleased { get; set; }

    /// <summary>Whether <see cref="AdoptAbandoned"/> has something to do: a held spool released, or a look due (if <paramref name="look"/>).</summary>
    public bool AdoptionDue(bool look) => _held.Exists(h => h.Released.IsCompleted) || (look && LookDue);

    private bool LookDue => _time.GetElapsedTime(_lastLook) >= _lookWait;

    /// <summary>
    /// Adopts the spools of this process's abandoned workers that let go, and, when a look is due, those of the processes
    /// (and handlers) that ended since the last look, their segments sent before this process's own, exactly as at the
    /// start (their bookmark: what was settled is not sent or counted again). A spool still held is a live one's: looked at
    /// again at the next look. Not to be called while a record is being sent (between <see cref="TryReadNext"/> and
    /// <see cref="Acknowledge"/>). The events adopted are those <see cref="PendingEvents"/> gains.
    /// </summary>
    /// <param name="look">Whether to look for other spools if a look is due (not while the handler stops).</param>
    /// <remarks>A free spool that cannot be read is said once (<see cref="CouldNotAdopt"/>), left as it was, and tried again at the next look.</remarks>
    public void AdoptAbandoned(bool look = true)
    {
        foreach (var held in _held.Where(h => h.Released.IsCompleted).ToList())
        {
            _held.Remove(held);
            TryAdopt(held.Directory); // still held (its close failed before its lock went), or unreadable: the next look's
        }

        if (look && LookDue)
        {
            var adopted = Look();
            _lastLook = _time.GetTimestamp();
            _lookWait = adopted ? FirstAdoptionRetry : Min(_lookWait * 2, MaxAdoptionRetry);
        }
    }

    /// <summary>
    /// One look at the spool's root: every directory that is not this process's, not adopted already, not held by an
    /// abandoned worker of this process and not left alone before is tried (<see cref="TryAdopt"/>); true when one was adopted.
    /// </summary>
    private bool Look()
    {
        string[] directories;
        try
        {
            directories = Directory.GetDirectories(_root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_unadoptable.Add(_root))
            {
                Report?.Invoke($"Could not list the spool's folder {_root} to look for spools that other processes left ({e.GetType().Name}: {e.Message}): it is looked at again later.");
            }

            return false;
        }

        Array.Sort(directories, StringComparer.Ordinal);
        _leftAlone.IntersectWith(directories); // those gone meanwhile (a newer client sent them) are forgotten
        foreach (var gone in _saidOfUnadopted.Keys.Except(directories, StringComparer.Ordinal).ToList())
        {
            _saidOfUnadopted.Remove(gone);
        }

        // Those that could not be read and are gone too: kept, the set grew with every such folder for the life of the
        // process, and one that came back was not said. The root's own entry (a failed listing) goes with them, this
        // listing having worked: kept, a later failure to list the root was never said.
        _unadoptable.RemoveWhere(d => Array.BinarySearch(directories, d, StringComparer.Ordinal) < 0);
        var ownPath = Path.GetFullPath(_directory);
        var adopted = false;
        foreach (var directory in directories)
        {
            if (_leftAlone.Contains(directory)
                || string.Equals(Path.GetFullPath(directory), ownPath, StringComparison.Ordinal)
                || _segments.Exists(s => s.Owner?.Path == directory)
                || _held.Exists(h => h.Directory == directory)
                || AbandonedSpools.ReleaseOf(directory) is { IsCompleted: false })
            {
                continue;
            }

            if (!HasSegments(directory) && !HasBookmark(directory) && !DropNoticeFile.IsIn(directory))
            {
                // Nothing to send, lock file or not: maybe a process creating its directory right now, which has made it (and
                // maybe its lock file: on Unix FileShare.None is an open, then a lock) but not locked it yet. A look that
                // locked it then took it from that process (which ran memory-only for its life; it now tries another
                // directory, LockOwnDirectory), and one that found it empty, let go and deleted its lock file and directory
                // could leave that process holding a lock on a deleted file. A directory a crash left empty (between its
                // making and its lock file's, or during a deletion) is deleted once it has been so for LeftEmptyAge, here
                // or at a start; one left with a bookmark alone (never a maker's: it writes one only once it holds its
                // lock) is adopted and deleted below. Before, from dbf2e62 on, both stayed on disk for ever.
                DeleteIfLeftEmpty(directory);
                continue;
            }

            var pending = PendingEvents;
            if (TryAdopt(directory) == Adoption.Done && PendingEvents > pending)
            {
                adopted = true;
            }
        }

        return adopted;
    }

    /// <summary>Whether a directory holds a segment file of any version; false when it cannot be listed.</summary>
    private static bool HasSegments(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, SpoolSegmentName.SearchPattern).Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether a directory holds a bookmark of any version (<see cref="SpoolBookmark.FileNameOf"/>); false when it cannot be listed.</summary>
    private static bool HasBookmark(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "bookmark*").Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes a directory without lock file, segment or bookmark if it is empty and was left so <see cref="LeftEmptyAge"/>
    /// ago: a crash between its making and its lock file's, or during a deletion, left it. Not one younger: its maker may be
    /// about to make its lock file. The deletion is the directory's alone (never recursive), so one its maker has put its
    /// lock file into since is not deleted; a maker that finds its directory gone takes another name.
    /// </summary>
    private void DeleteIfLeftEmpty(string directory)
    {
        try
        {
            if (_time.GetUtcNow() - Directory.GetLastWriteTimeUtc(directory) >= LeftEmptyAge)
            {
                Directory.Delete(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not empty (a file of another kind, or its maker's lock file made since), or gone already: left as it is.
        }
    }

    /// <summary>A spool held at <see cref="Open"/> by an abandoned worker of this process: adopted once <paramref name="released"/> completes.</summary>
    private void Hold(string directory, Task released)
    {
        _held.Add((directory, released));
        Report?.Invoke($"The spool {directory} is still held, after {AbandonedSpools.MaxWait.TotalSeconds:0} s, by a worker of this process that outlived its handler's disposal: it is adopted once that worker lets go of it.");
        released.ContinueWith(_ => HeldReleased?.Invoke(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
