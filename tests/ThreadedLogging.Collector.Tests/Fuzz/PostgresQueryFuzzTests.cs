using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The read and level-rules fuzzing on a real PostgreSQL.</summary>
public sealed class PostgresQueryFuzzTests : QueryFuzzTests
{
    private protected override PostgresDatabase? NewDatabase() => PostgresDatabase.Create();
}
