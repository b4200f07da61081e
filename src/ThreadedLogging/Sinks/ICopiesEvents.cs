namespace ThreadedLogging;

/// <summary>
/// Marks a sink that reads a batch's events only while <see cref="ILogBatchSink.SendAsync"/> runs (it
/// serializes or copies what it needs) and keeps no reference afterwards, so the handler may reuse the
/// <see cref="LogEvent"/> objects through <see cref="LogEventPool"/>. Internal: sinks of users keep
/// fresh events.
/// </summary>
internal interface ICopiesEvents
{
}
