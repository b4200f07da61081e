using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The read and level-rules fuzzing on a real PostgreSQL.</summary>
public sealed class PostgresQueryFuzzTests() : QueryFuzzTests(TestStore.Postgres);
