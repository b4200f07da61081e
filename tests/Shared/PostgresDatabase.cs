namespace ThreadedLogging.Testing;

/// <summary>
/// A database of one test's own on the shared <see cref="PostgresServer"/>: created empty, dropped (its connections
/// closed) when disposed. <see cref="CollectorArguments"/> start a collector that stores into it.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private PostgresDatabase(PostgresServer server)
    {
        Server = server;
        Name = server.CreateDatabase();
    }

    public PostgresServer Server { get; }

    public string Name { get; }

    /// <summary>Gets the collector's command-line arguments that make it store into this database.</summary>
    public string[] CollectorArguments => Server.CollectorArguments(Name);

    /// <summary>Creates a new, empty database on the server of this test process.</summary>
    public static PostgresDatabase Create() => new(PostgresServer.Instance);

    /// <summary>A connection string to this database, with the right password unless told another.</summary>
    public string ConnectionString(string password = PostgresServer.Password) => Server.ConnectionString(Name, password);

    public ValueTask DisposeAsync()
    {
        Server.DropDatabase(Name);
        return ValueTask.CompletedTask;
    }
}
