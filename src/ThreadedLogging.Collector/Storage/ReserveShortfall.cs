namespace ThreadedLogging.Collector.Storage;

/// <summary>A retention run ended with the free-space reserve unmet and nothing left to remove: the room it last measured.</summary>
/// <param name="FreeBytes">The data folder's free bytes.</param>
/// <param name="ReusableBytes">The pages free inside the store's files.</param>
/// <param name="MinFreeBytes">The reserve (<see cref="RetentionOptions.MinFreeBytes"/>).</param>
internal sealed record ReserveShortfall(long FreeBytes, long ReusableBytes, long MinFreeBytes);
