namespace ThreadedLogging;

/// <summary>
/// Marks a sink that reads a batch's events only while <see cref="ILogBatchSink.SendAsync"/> runs (it
/// serializes or copies what it needs) and keeps no reference afterwards, so the worker may read the next
/// queued records into the same <see cref="LogEvent"/> objects. Internal: sinks of users get fresh events.
/// </summary>
internal interface ICopiesEvents
{
}
