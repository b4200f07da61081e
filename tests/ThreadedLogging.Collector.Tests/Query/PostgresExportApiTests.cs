namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The export on a real PostgreSQL (a database per collector started).</summary>
public sealed class PostgresExportApiTests : ExportApiTests
{
    private readonly List<string> _databases = [];

    private protected override Task<string[]> StoreArgumentsAsync()
    {
        var database = PostgresServer.Instance.CreateDatabase();
        _databases.Add(database);
        return Task.FromResult<string[]>(["--Collector:Store=postgres", "--ConnectionStrings:Events=" + PostgresServer.Instance.ConnectionString(database)]);
    }

    private protected override Task DeleteStoresAsync()
    {
        foreach (var database in _databases)
        {
            PostgresServer.Instance.DropDatabase(database);
        }

        return Task.CompletedTask;
    }
}
