namespace ThreadedLogging.Collector.Storage;

/// <summary>The outcome of <see cref="IEventStore.AppendAsync"/>.</summary>
/// <param name="Accepted">Events of the batch (for a duplicate batch: of the batch stored first).</param>
/// <param name="Stored">Events newly stored by this call (less those already known by instance id and sequence).</param>
/// <param name="Duplicate">The batch key was stored before; nothing was written.</param>
/// <param name="RemovedForAge">
/// Events of the batch left out because retention was removing their day (PostgreSQL, a day being detached: past
/// <see cref="RetentionOptions.MaxAge"/>), counted as removed by retention for age.
/// </param>
internal readonly record struct AppendResult(int Accepted, int Stored, bool Duplicate, int RemovedForAge = 0)
{
    /// <summary>
    /// Gets how many of <see cref="Accepted"/> were stored before this call: all of them for a duplicate batch, else those
    /// whose (instance id, sequence) was known (a resend under a new batch key; an event twice in the batch).
    /// </summary>
    public int Duplicates => Duplicate ? Accepted : Accepted - Stored - RemovedForAge;
}
