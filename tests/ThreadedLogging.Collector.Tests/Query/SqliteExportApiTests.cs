using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The export on the default store, SQLite.</summary>
public sealed class SqliteExportApiTests() : ExportApiTests(TestStore.Sqlite);
