namespace ThreadedLogging;

/// <summary>
/// Spools of other processes, or of other handlers of this process, whose lock was held when this one opened: a live
/// process's, or one a worker of this process abandoned at its shutdown that did not let go within
/// <see cref="AbandonedSpools.MaxWait"/>. Before, they were skipped until the next start of the app, so what such a
/// handler or process left when it died or was disposed later stayed on disk meanwhile. The worker looks again on a later
/// pass (<see cref="AdoptReleased"/>): an abandoned worker's directory as soon as it lets go (<see cref="HeldReleased"/>
/// wakes the worker), another's after a back-off (<see cref="FirstAdoptionRetry"/>, doubled up to
/// <see cref="MaxAdoptionRetry"/>): one failed lock attempt each time, not a wait, so neither the log call nor the
/// worker's sending waits for it.
/// </summary>
internal sealed partial class DurableSpool
{
    /// <summary>How long after a spool was found held its lock is tried again.</summary>
    internal static readonly TimeSpan FirstAdoptionRetry = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two tries of a spool still held (a live process's, which may run for days).</summary>
    internal static readonly TimeSpan MaxAdoptionRetry = TimeSpan.FromMinutes(10);

    private readonly List<HeldSpool> _held = [];

    /// <summary>
    /// Called, on any thread, when an abandoned worker of this process let go of a spool this one found held: the worker
    /// should make a pass (<see cref="AdoptReleased"/>) without waiting for its interval.
    /// </summary>
    public Action? HeldReleased { get; set; }

    /// <summary>Gets whether spools found held by another process or handler are still to be adopted.</summary>
    public bool HasHeld => _held.Count > 0;

    /// <summary>
    /// Tries again the spools found held whose turn it is (an abandoned worker's once released, another's after its
    /// back-off) and adopts those now free, their segments sent before this process's own; a spool still held is tried
    /// again after twice the wait. Not to be called while a record is being sent (between <see cref="TryReadNext"/> and
    /// <see cref="Acknowledge"/>). The events adopted are those <see cref="PendingEvents"/> gains.
    /// </summary>
    /// <remarks>A free spool that cannot be read is said once (<see cref="CouldNotAdopt"/>), left as it was, and tried again after its back-off too.</remarks>
    public void AdoptReleased()
    {
        foreach (var held in _held.ToList())
        {
            var due = held.Released is { } released ? released.IsCompleted : _time.GetElapsedTime(held.Since) >= held.Wait;
            if (!due)
            {
                continue;
            }

            _held.Remove(held);
            if (TryAdopt(held.Directory) != Adoption.Done)
            {
                // Still held: a live process's (or the released worker's close failed before its lock went); or it cannot
                // be read (a fault that may pass: a folder made unreadable, an I/O error): tried again later.
                _held.Add(held with { Released = null, Since = _time.GetTimestamp(), Wait = held.Released is null ? Min(held.Wait * 2, MaxAdoptionRetry) : FirstAdoptionRetry });
            }
        }
    }

    /// <summary>A spool whose lock was held at <see cref="Open"/>: tried again once <paramref name="released"/> completes (an abandoned worker's) or after the back-off.</summary>
    private void Hold(string directory, Task? released)
    {
        _held.Add(new HeldSpool(directory, released, _time.GetTimestamp(), FirstAdoptionRetry));
        if (released is not null)
        {
            Report?.Invoke($"The spool {directory} is still held, after {AbandonedSpools.MaxWait.TotalSeconds:0} s, by a worker of this process that outlived its handler's disposal: it is adopted once that worker lets go of it.");
            released.ContinueWith(_ => HeldReleased?.Invoke(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <param name="Directory">The spool directory.</param>
    /// <param name="Released">Completes when the abandoned worker of this process holding it lets go; null for another holder.</param>
    /// <param name="Since">When it was last found held (the clock's timestamp).</param>
    /// <param name="Wait">How long after <paramref name="Since"/> it is tried again, unless <paramref name="Released"/> says.</param>
    private sealed record HeldSpool(string Directory, Task? Released, long Since, TimeSpan Wait);
}
