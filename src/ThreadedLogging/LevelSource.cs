namespace ThreadedLogging;

/// <summary>Where a handler's shipping level comes from (<see cref="ThreadedHandlerStatistics.LevelSource"/>).</summary>
public enum LevelSource
{
    /// <summary>The handler's configured <c>Level</c> (and the app's filter rules for this provider).</summary>
    Configured,

    /// <summary>A support-controlled level rule of the collector, until it expires.</summary>
    Rule,
}
