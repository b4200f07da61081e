namespace ThreadedLogging;

/// <summary>
/// The spool's own directory deleted (or replaced, or its lock file alone deleted) while the app runs. Before, the handler
/// wrote on into files no name led to: what it held was sent only if the collector answered before the app quit, the
/// close said it "remains in the spool" and the next start found nothing (review15: 0 of 3,000). Now the check at each
/// fsync (<see cref="Sync"/>) and at the close notices it, makes the directory again and writes there again what it
/// held, from the handle each of its segments keeps open (<see cref="SpoolSegment.Kept"/>); when it cannot be made, what
/// it held is still read and sent through those handles, and at the close counted and said lost.
/// </summary>
internal sealed partial class DurableSpool
{
    /// <summary>
    /// Checks that this instance's directory is still there, its lock file the one it holds; if not, makes it again (a new
    /// lock file) and writes there again the segments no longer found at their paths, from their handles. Adopted segments
    /// whose files went with it, and that are not being read, are counted dropped.
    /// </summary>
    /// <exception cref="IOException">The directory was gone and could not be made again; the spool's own directory is then not open (<see cref="OwnOpen"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The same, for want of rights.</exception>
    public void KeepOwn()
    {
        if (_lock is null || OwnIntact())
        {
            return;
        }

        var lost = _directory;
        var held = OwnPending();
        OwnDeleted = true;
        _lock.Dispose();
        _lock = null;
        StopWriting(); // the file being written is read to its end through its handle, and the next record starts another
        _bookmark.Dispose();
        DropGoneAdopted();
        try
        {
            OpenOwn();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Report?.Invoke($"The spool's directory {lost} was deleted or replaced while in use (its lock file is gone) and could not be made again ({e.GetType().Name}: {e.Message}): the {Counted.Events(held)} it held are still sent through the files still open, and lost if the app quits first.");
            throw new IOException($"The spool's directory {lost} was deleted while in use and could not be made again: {e.Message}", e);
        }

        Report?.Invoke($"The spool's directory {lost} was deleted or replaced while in use (its lock file is gone): it is made again{(lost == _directory ? "" : $" as {_directory}")}, and the {Counted.Events(held)} it held are written there again from the files still open.");
    }

    /// <summary>Gets whether this instance's directory was found deleted while in use (<see cref="KeepOwn"/>), made again since or not.</summary>
    public bool OwnDeleted { get; private set; }

    /// <summary>
    /// At the close, after <see cref="KeepOwn"/> failed: this instance's segments whose files are gone are dropped, their
    /// events counted (<see cref="SpoolDropReason.Deleted"/>). Returns how many.
    /// </summary>
    public long DropOwnGone()
    {
        if (_lock is not null)
        {
            return 0;
        }

        long dropped = 0;
        foreach (var segment in _segments.Where(s => !s.Adopted && !File.Exists(s.Path)).ToList())
        {
            dropped += segment.PendingEvents;
            Remove(segment, SpoolDropReason.Deleted);
        }

        return dropped;
    }

    /// <summary>Whether the lock file at this directory's path is the one held: there, and as long as its mark (<see cref="NamesHeldLock"/>).</summary>
    private bool OwnIntact()
    {
        var named = new FileInfo(Path.Combine(_directory, LockFileName));
        return named.Exists && named.Length == System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(_directory) + "\n");
    }

    private long OwnPending() => _segments.Where(s => !s.Adopted).Sum(s => (long)s.PendingEvents);

    /// <summary>Adopted segments whose files are gone (the whole BufferDirectory deleted) and that no reader holds open: dropped, counted.</summary>
    private void DropGoneAdopted()
    {
        foreach (var segment in _segments.Where(s => s.Adopted && s != _reading && !File.Exists(s.Path)).ToList())
        {
            if (segment.PendingEvents > 0)
            {
                Report?.Invoke($"The adopted spool segment {segment.Path} was deleted while in use: its {Counted.Events(segment.PendingEvents)} are lost.");
            }

            Remove(segment, SpoolDropReason.Deleted);
        }
    }

    /// <summary>
    /// Once this instance's directory is locked (again): its segments no longer at their paths there are written again from
    /// the handles they keep, whole (the bookmark's offsets stay true), fsynced, then read from the new files; the bookmark
    /// is written again. Nothing to do at the first open. On a failure the copies made are deleted, and it throws.
    /// </summary>
    private void RewriteOwn()
    {
        var moved = new List<(SpoolSegment Segment, string Path)>();
        try
        {
            foreach (var segment in _segments)
            {
                if (segment.Adopted || segment.Kept is not { } kept)
                {
                    continue;
                }

                var path = Path.Combine(_directory, segment.Name);
                if (path == segment.Path && File.Exists(path))
                {
                    continue; // still there: the lock file alone was deleted
                }

                using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
                moved.Add((segment, path));
                Copy(kept, copy, segment.Length);
                copy.Flush(flushToDisk: true);
            }
        }
        catch
        {
            foreach (var (_, path) in moved)
            {
                TryDelete(path);
            }

            throw;
        }

        foreach (var (segment, path) in moved)
        {
            var kept = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (_reader == segment.Kept)
            {
                _reader = kept;
            }

            segment.Kept!.Dispose();
            segment.Kept = kept;
            segment.Path = path;
        }

        if (moved.Count > 0 && _segments.FirstOrDefault(s => !s.Adopted) is { } first && (first.Delivered > 0 || first.FirstSettled > 0))
        {
            WriteBookmark(first, first.Delivered, first.FirstSettled, first.FirstSettledCounted);
        }
    }

    private static void Copy(FileStream from, FileStream to, long length)
    {
        var buffer = new byte[81920];
        from.Position = 0;
        for (var left = length; left > 0;)
        {
            var read = from.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new IOException($"{to.Name} could not be written again: its open file ended {left} bytes early.");
            }

            to.Write(buffer, 0, read);
            left -= read;
        }
    }
}
