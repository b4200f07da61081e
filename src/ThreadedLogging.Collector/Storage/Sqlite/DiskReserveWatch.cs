using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Measures the data folder's free space every <see cref="Period"/> (<see cref="DiskReserve.Measure"/>): a disk that
/// another process fills, or one that gets room again, is seen without a write, and retention is asked for at once.
/// </summary>
/// <remarks>
/// A measure that fails (the store's files unreadable a moment: SQLite's I/O, busy or cannot-open errors) keeps the last
/// one and is logged at most once a minute: an exception ending this service would stop the whole collector.
/// </remarks>
internal sealed class DiskReserveWatch(SqliteEventStore store, DiskReserve reserve, TimeProvider time, ILogger<DiskReserveWatch> logger) : BackgroundService
{
    /// <summary>How often the free space is measured (a statvfs; two small reads of the files when under the reserve).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        var failures = new LogRateLimiter(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (store.IsReady)
                    {
                        reserve.Measure(store.ReusableBytes);
                    }
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
                {
                    var key = "measure";
                    if (failures.TryAcquire(ref key, out var suppressed))
                    {
                        CollectorLog.DiskReserveMeasureFailed(logger, e.Message, suppressed);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
