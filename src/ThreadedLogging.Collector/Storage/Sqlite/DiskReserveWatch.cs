namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Measures the data folder's free space every <see cref="Period"/> (<see cref="DiskReserve.Measure"/>): a disk that
/// another process fills, or one that gets room again, is seen without a write, and retention is asked for at once.
/// </summary>
internal sealed class DiskReserveWatch(SqliteEventStore store, DiskReserve reserve, TimeProvider time) : BackgroundService
{
    /// <summary>How often the free space is measured (a statvfs; two small reads of the files when under the reserve).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (store.IsReady)
                {
                    reserve.Measure(store.ReusableBytes);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
