using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The users list (<c>GET /api/users</c>) of a collector process on PostgreSQL, cold — its first request after a start:
/// a new connection, PostgreSQL's caches of the partitions' relations empty — and warm (the next requests), over a store
/// of <c>--events</c> loaded straight into it (or the database of <c>--connection</c>, loaded once and kept). Two
/// windows: the default (the last 24 hours: the generator's events are older, the tallies find none) and the data's
/// last day (every one of the page's users has events in it).
/// </summary>
internal static class PostgresUsersBench
{
    private const int Warm = 5;

    public static async Task RunAsync(int events, int batchSize, int rounds, string? connectionString)
    {
        var server = connectionString is null ? PostgresServer.StartPrivate() : null;
        connectionString ??= server!.ConnectionString(server.CreateDatabase());
        await using (var source = NpgsqlDataSource.Create(connectionString))
        {
            var stored = await PostgresBench.LoadOnceAsync(source, events, batchSize);
            Console.WriteLine($"{stored:N0} events; {rounds} collector starts per window, {Warm} warm requests after each; {Environment.ProcessorCount} cores");
        }

        var lastDay = EventGenerator.Start + EventGenerator.Span;
        (string Name, string Path)[] windows =
        [
            ("default window (last 24 h)", "api/users"),
            ("the data's last day", $"api/users?from={lastDay.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}&to={lastDay:yyyy-MM-ddTHH:mm:ssZ}"),
        ];
        Console.WriteLine("| /api/users on PostgreSQL | cold ms (each start) | cold median | warm median |");
        Console.WriteLine("|---|---|---:|---:|");
        foreach (var (name, path) in windows)
        {
            var cold = new List<double>();
            var warm = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                await using var collector = await CollectorChild.StartAsync("--Collector:Store=postgres", "--ConnectionStrings:Events=" + connectionString);
                cold.Add(await TimeAsync(collector.Client, path));
                for (var i = 0; i < Warm; i++)
                {
                    warm.Add(await TimeAsync(collector.Client, path));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" / ", cold.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))} | {Median(cold):N0} | {Median(warm):N1} |"));
        }

        Console.WriteLine($"(load average {PostgresBench.LoadAverage()})");
        server?.Stop();
    }

    private static async Task<double> TimeAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
