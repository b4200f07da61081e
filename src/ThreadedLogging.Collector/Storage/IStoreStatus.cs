namespace ThreadedLogging.Collector.Storage;

/// <summary>The store's size, the free space left to it and its full-text index's lag, cheap enough to read at every scrape and health check.</summary>
internal interface IStoreStatus
{
    /// <summary>Reads the status now (file sizes and a statvfs for SQLite; a cached value for PostgreSQL).</summary>
    StoreStatus Read();
}
