using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The databases that released collectors wrote on PostgreSQL (<c>Fixtures/Released/postgres-v{schema}-{commit}.sql</c>:
/// the same mix as the SQLite folders, ingested by the build of that commit, <c>pg_dump</c>ed; README there), restored
/// and opened by this version: upgraded to <see cref="PostgresSchema.Version"/> once, every event, user and level rule
/// still there and answering as the same mix written by this version does, and new writes go in beside them.
/// </summary>
public sealed class ReleasedPostgresDatabaseTests
{
    /// <summary>After the fixtures' level rules were made (2026-12-06, 00:37–00:41 UTC) and before the first expired.</summary>
    private static readonly DateTimeOffset RulesLive = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("postgres-v4-f892336")]
    [InlineData("postgres-v8-2bfe4c0")]
    [InlineData("postgres-v10-7886cee")]
    [InlineData("postgres-v11-bcb5ce4")]
    public async Task Start_OnAReleasedVersionsDatabase_UpgradesOnceAndAnswersEverything(string release)
    {
        var server = PostgresServer.Instance;
        var database = server.CreateDatabase();
        try
        {
            Restore(server, database, Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "Released", release + ".sql"));
            string[] arguments = ["--Collector:Retention:MaxAge=3650.00:00:00", .. server.CollectorArguments(database)];
            await using (var collector = await CollectorFixture.StartAsync(arguments))
            {
                await ReleasedSqliteFileTests.AssertAnswersAsync(collector);
                var rules = collector.Services.GetRequiredService<ILevelRuleStore>();
                Assert.Equal(["alice Debug", "Billing Trace"], (await rules.ListLiveAsync(RulesLive, CancellationToken.None)).Select(r => $"{r.User ?? r.App} {r.Level}"));
                Assert.Equal(2, (await rules.AuditAsync(100, CancellationToken.None)).Count);

                using var added = await collector.PostJsonAsync("log/alice", new { batchId = "a2", app = "Shop", user = "alice", instanceId = "after-upgrade", events = new[] { new { timestamp = "2026-12-06T09:00:00Z", level = "Error", category = "x", message = "written after the upgrade", sequence = 1 } } }, "a2");
                Assert.True(added.IsSuccessStatusCode, collector.Log.Text());
                Assert.Equal("written after the upgrade", Assert.Single(await collector.EventsAsync("q=upgrade")).GetProperty("message").GetString());
            }

            await using (var again = await CollectorFixture.StartAsync(arguments))
            {
                Assert.Equal(132, (await again.EventsAsync()).Count);
            }

            await using var connection = new NpgsqlConnection(server.ConnectionString(database));
            await connection.OpenAsync();
            await using var version = new NpgsqlCommand("SELECT version FROM tl_schema", connection);
            Assert.Equal(PostgresSchema.Version, await version.ExecuteScalarAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            server.DropDatabase(database);
        }
    }

    /// <summary>Runs the fixture's SQL (pg_dump's plain format: COPY from stdin) through psql, stopping at the first error.</summary>
    private static void Restore(PostgresServer server, string database, string file)
    {
        var start = new ProcessStartInfo(Path.Combine(server.BinDirectory, "psql")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", PostgresServer.User, "-d", database, "-q", "-v", "ON_ERROR_STOP=1", "-f", file])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = PostgresServer.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        Assert.True(process.ExitCode == 0, $"psql exited {process.ExitCode}: {errors}");
    }
}
