namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The export on the default store, SQLite.</summary>
public sealed class SqliteExportApiTests : ExportApiTests
{
    private protected override Task<string[]> StoreArgumentsAsync() => Task.FromResult<string[]>([]);
}
