namespace ThreadedLogging.Collector.Storage;

/// <summary>The values of <c>Collector:Store</c>.</summary>
internal static class StoreEngines
{
    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    public static bool IsKnown(string? engine) =>
        string.Equals(engine, Sqlite, StringComparison.OrdinalIgnoreCase) || string.Equals(engine, Postgres, StringComparison.OrdinalIgnoreCase);

    public static bool IsPostgres(string? engine) => string.Equals(engine, Postgres, StringComparison.OrdinalIgnoreCase);
}
