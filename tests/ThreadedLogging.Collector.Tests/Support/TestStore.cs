namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// The store a collector of the tests runs on (<see cref="CollectorFixture.StartOnAsync(TestStore, string[])"/>): a
/// suite run by each engine names one in each of its two classes, and that is all they differ by.
/// </summary>
internal enum TestStore
{
    /// <summary>SQLite in the collector's data folder, the default store.</summary>
    Sqlite,

    /// <summary>A real PostgreSQL, in a database of the collector's own (<see cref="PostgresDatabase"/>).</summary>
    Postgres,
}
