using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The read and level-rules fuzzing on a real PostgreSQL.</summary>
public sealed class PostgresQueryFuzzTests : QueryFuzzTests
{
    private string? _database;

    private protected override Task<string[]> StoreArgumentsAsync()
    {
        _database = PostgresServer.Instance.CreateDatabase();
        return Task.FromResult<string[]>(["--Collector:Store=postgres", "--ConnectionStrings:Events=" + PostgresServer.Instance.ConnectionString(_database)]);
    }

    private protected override Task DeleteStoreAsync()
    {
        if (_database is not null)
        {
            PostgresServer.Instance.DropDatabase(_database);
        }

        return Task.CompletedTask;
    }
}
