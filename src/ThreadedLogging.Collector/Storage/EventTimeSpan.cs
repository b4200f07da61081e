namespace ThreadedLogging.Collector.Storage;

/// <summary>The oldest and newest timestamps among the events a query selects.</summary>
internal readonly record struct EventTimeSpan(DateTimeOffset First, DateTimeOffset Last);
