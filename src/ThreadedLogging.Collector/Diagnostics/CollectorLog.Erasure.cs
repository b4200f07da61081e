namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about erasures of a user's data (ids 600+).</summary>
internal static partial class CollectorLog
{
    /// <summary>The record of the request: who asked, for whom, how many events; never what they said.</summary>
    [LoggerMessage(600, LogLevel.Information, "Erased the data of user {User}: {Count} events, by {By}")]
    public static partial void UserErased(ILogger logger, string user, long count, string by);
}
