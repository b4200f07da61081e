using System.Diagnostics;
using System.Globalization;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// README's backup of a PostgreSQL store, <c>pg_dump -Fc</c>, restored by <c>pg_restore</c> into an empty database (a
/// move to another server, an upgrade of PostgreSQL): the restore completes and a collector started on it finds every
/// event, in full text too.
/// </summary>
public sealed class PostgresBackupRestoreTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task PgDumpOfTheStore_RestoresIntoAnEmptyDatabase_AndAnswersAsBefore()
    {
        var server = PostgresServer.Instance;
        await using var source = PostgresDatabase.Create();
        await using (var collector = await CollectorFixture.StartAsync(source.CollectorArguments))
        {
            var events = Enumerable.Range(0, 20).Select(i => new
            {
                timestamp = "2026-12-05T22:00:00Z",
                level = i % 2 == 0 ? "Error" : "Information",
                category = "Billing",
                message = $"invoice {i} rejected by café",
                properties = new { orderId = 48151600 + i },
                sequence = i + 1,
            });
            using var stored = await collector.PostJsonAsync("log/alice", new { batchId = "b1", app = "Billing", user = "alice", instanceId = "i-1", events }, "b1");
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        var dump = Path.Combine(_files.Path, "events.dump");
        var target = server.CreateDatabase();
        try
        {
            Run(server, "pg_dump", "-Fc", "-f", dump, source.Name);
            var (restored, errors) = Run(server, "pg_restore", "--no-owner", "--exit-on-error", "-d", target, dump);

            Assert.True(restored == 0, errors); // before: "function tl_search_text(text) does not exist", no events table
            await using var collector = await CollectorFixture.StartAsync(["--Collector:Retention:MaxAge=3650.00:00:00", .. server.CollectorArguments(target)]);
            Assert.Equal(20, (await collector.EventsAsync()).Count);
            Assert.Equal(20, (await collector.EventsAsync("q=cafe+rejected")).Count);
            Assert.Single(await collector.EventsAsync("property=orderId%3D48151607"));
            Assert.Equal(10, (await collector.EventsAsync("user=ALICE&level=Error")).Count);
        }
        finally
        {
            server.DropDatabase(target);
        }
    }

    /// <summary>Runs one of the server's client tools against it; returns its exit code and what it wrote to stderr.</summary>
    private static (int ExitCode, string Errors) Run(PostgresServer server, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(server.BinDirectory, tool)) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", PostgresServer.User, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = PostgresServer.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, $"{tool} exited {process.ExitCode}: {errors}");
    }
}
