namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The export on the default store, SQLite.</summary>
public sealed class SqliteExportApiTests : ExportApiTests
{
    private protected override PostgresDatabase? NewDatabase() => null;
}
