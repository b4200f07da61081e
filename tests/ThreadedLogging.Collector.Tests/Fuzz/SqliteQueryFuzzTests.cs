using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The read and level-rules fuzzing on the default store, SQLite.</summary>
public sealed class SqliteQueryFuzzTests() : QueryFuzzTests(TestStore.Sqlite);
