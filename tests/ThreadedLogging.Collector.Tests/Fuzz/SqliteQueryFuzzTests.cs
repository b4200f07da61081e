namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The read and level-rules fuzzing on the default store, SQLite.</summary>
public sealed class SqliteQueryFuzzTests : QueryFuzzTests
{
    private protected override PostgresDatabase? NewDatabase() => null;
}
