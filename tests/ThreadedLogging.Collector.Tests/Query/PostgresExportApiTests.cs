using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The export on a real PostgreSQL (a database per collector started).</summary>
public sealed class PostgresExportApiTests() : ExportApiTests(TestStore.Postgres);
