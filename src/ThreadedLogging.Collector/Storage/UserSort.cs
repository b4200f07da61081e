namespace ThreadedLogging.Collector.Storage;

/// <summary>Orders of the users list; ties are broken by the user's name.</summary>
internal enum UserSort
{
    /// <summary>Most recently seen first.</summary>
    LastSeen,

    /// <summary>Most recent error (Error or Critical) first; users without one last.</summary>
    LatestError,

    /// <summary>By name (ordinal).</summary>
    Name,
}
