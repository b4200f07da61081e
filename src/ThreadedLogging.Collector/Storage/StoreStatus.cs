namespace ThreadedLogging.Collector.Storage;

/// <summary>What a store says of itself for <c>/health</c> and <c>/metrics</c> (<see cref="IStoreStatus"/>).</summary>
/// <param name="Bytes">What it takes on disk (SQLite: its files with their WAL; PostgreSQL: the database's size, read at most every 30 s); null while unknown.</param>
/// <param name="FreeBytes">Free bytes of the filesystem of the data folder (SQLite); null for PostgreSQL, whose disk is the server's.</param>
/// <param name="IndexBehind">Committed events a search cannot find yet (SQLite's full-text index); 0 for PostgreSQL, which indexes in the transaction.</param>
/// <param name="IndexFailingSince">When the full-text index's writes began to fail, or null.</param>
internal sealed record StoreStatus(long? Bytes, long? FreeBytes, long IndexBehind, DateTimeOffset? IndexFailingSince);
