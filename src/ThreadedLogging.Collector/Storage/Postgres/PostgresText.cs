namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>PostgreSQL text cannot hold U+0000: what is stored and what is looked for both carry U+FFFD in its place.</summary>
internal static class PostgresText
{
    public static string WithoutNul(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
}
