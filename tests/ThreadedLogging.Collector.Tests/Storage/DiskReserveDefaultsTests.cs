using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using Xunit.Abstractions;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The reserve's defaults (review13: a 48 MB tmpfs, default settings, one fast client filled the disk to 0 bytes: a
/// reserve of 1%, 480 KB, and WALs that grew up to 128 MiB each before a checkpoint). The reserve is 1% of the
/// filesystem between 8 MiB (a quarter of a smaller one) and 256 MiB, and each WAL's budget a quarter of it at most.
/// </summary>
public sealed class DiskReserveDefaultsTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(16 * MiB, 4 * MiB, 1 * MiB)] // a quarter of the disk
    [InlineData(48_000_000, 8 * MiB, 2 * MiB)] // review13's tmpfs: the floor, not 1% (480 KB)
    [InlineData(200_000_000, 8 * MiB, 2 * MiB)]
    [InlineData(2_000_000_000, 20_000_000, 5_000_000)] // 1%
    [InlineData(1L << 40, 256 * MiB, 64 * MiB)] // 256 MiB from 25 GiB on: a quarter of it, not 128 MiB, for each WAL
    public void Defaults_FilesystemOfSize_ReserveOnePercentWithinItsBounds_WalAQuarterOfIt(long filesystem, long reserve, long wal)
    {
        var reserveBytes = new RetentionOptions().ReserveBytes(filesystem);

        Assert.Equal(reserve, reserveBytes);
        Assert.Equal(wal, SqliteCommands.WalBytesFor(null, reserveBytes));
    }

    [Theory]
    [InlineData(null, 0, 128 * MiB)] // no reserve, no cap: as before
    [InlineData(20_000_000L, 0, 2_500_000)] // no reserve: an eighth of the cap
    [InlineData(20_000_000L, 8 * MiB, 2 * MiB)] // the smaller
    [InlineData(null, 256 * MiB, 64 * MiB)]
    [InlineData(null, 1 * MiB, 256 * 1024)]
    [InlineData(null, 128 * 1024, 64 * 1024)] // never under 64 KiB (the default reserve of a 512 KiB filesystem)
    public void WalBytesFor_CapAndReserve_TheSmallerOfAnEighthOfTheCapAndAQuarterOfTheReserve(long? maxBytes, long reserve, long wal) =>
        Assert.Equal(wal, SqliteCommands.WalBytesFor(maxBytes, reserve));

    [Fact]
    public void ReserveBytes_FilesystemUnknownOrSet_DefaultOrTheSetting()
    {
        Assert.Equal(256 * MiB, new RetentionOptions().ReserveBytes(null));
        Assert.Equal(3 * MiB, new RetentionOptions { MinFreeBytes = 3 * MiB }.ReserveBytes(48_000_000));
        Assert.Equal(0, new RetentionOptions { MinFreeBytes = 0 }.ReserveBytes(48_000_000));
    }

    /// <summary>
    /// Default settings on a 48 MB disk (the one fake: the filesystem's size and free bytes, its size less the data
    /// folder's files) with retention held until the refusal: ingest is refused with the reserve's 503 while the files
    /// are still well within the disk (before, they outgrew it: SQLite's SQLITE_FULL on a real one, retention's deletes
    /// refused with it), retention then deletes within the disk, and ingest resumes.
    /// </summary>
    [Fact]
    public async Task Ingest_DefaultsOnA48MBDisk_RefusedAsDiskNearlyFullWithinTheDisk_RetentionDeletesAndIngestResumes()
    {
        const long Disk = 48_000_000;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HeldRetention? held = null;
        var runs = new LogSignal(typeof(RetentionService).FullName!);
        await using var collector = await CollectorFixture.StartAsync(
            services =>
            {
                services.AddSingleton(new DataFolderSpace(folder => Disk - FolderBytes(folder), _ => Disk));
                services.AddSingleton<IEventRetention>(sp => held = new HeldRetention(sp.GetRequiredService<SqliteEventStore>(), release.Task));
                services.AddSingleton<ILoggerProvider>(runs);
            },
            $"--Logging:LogLevel:{typeof(RetentionService).FullName}=Information");
        var reserve = collector.Services.GetRequiredService<DiskReserve>();
        var store = collector.Services.GetRequiredService<SqliteEventStore>();

        var peak = 0L;
        var posts = 0;
        HttpStatusCode status;
        string body;
        while ((status = (await PostAsync(collector, posts * 200, 200)).Status) == HttpStatusCode.OK)
        {
            Assert.True(++posts < 100, "never refused: 100 requests of 800 KB on a 48 MB disk");
            peak = Math.Max(peak, FolderBytes(collector.DataDirectory));
        }

        Assert.True(peak < Disk - (2 * MiB), $"the files took {peak} bytes of the {Disk}"); // before: beyond the disk (SQLITE_FULL on a real one)
        (_, body) = await PostAsync(collector, posts * 200, 1);
        release.SetResult();
        var removed = await runs.NextAsync().WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a run that never comes, not a timing assertion
        var resumed = await PostAsync(collector, (posts + 1) * 200, 200);
        var retentionPeak = held!.Peak;
        output.WriteLine($"{posts} requests stored; the files at most {peak} bytes, {FolderBytes(collector.DataDirectory)} after retention, at most {retentionPeak} during it (the events' WAL at most {held.WalPeak}); {removed}");

        Assert.Equal((8 * MiB, 2 * MiB, 2 * MiB), (reserve.MinFreeBytes, reserve.WalBytes, store.WalBytes));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("disk nearly full", Http.Error(body), StringComparison.Ordinal);
        Assert.True(retentionPeak < Disk, $"retention's deletes took the files to {retentionPeak} bytes of the {Disk}");
        Assert.StartsWith("Retention removed 0 events older than", removed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, resumed.Status);
    }

    /// <summary>Every file under <paramref name="folder"/> (a file may go while they are counted: SQLite's, the start's write check).</summary>
    private static long FolderBytes(string folder)
    {
        long bytes = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                bytes += file.Length;
            }
            catch (FileNotFoundException)
            {
            }
        }

        return bytes;
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(CollectorFixture collector, int first, int count)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(first, count).Select(i => new
        {
            timestamp = start.AddMilliseconds(i).ToString("O"),
            level = "Information",
            category = "App",
            message = $"ev{i:D6} {new string('x', 4096)}",
        }).ToArray();
        return await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(JsonSerializer.Serialize(new { app = "Payroll", instanceId = "inst-1", events })), "application/json");
    }

    /// <summary>The store's retention, its runs held until <paramref name="release"/>; <see cref="Peak"/>: the data folder's bytes as each chunk committed.</summary>
    private sealed class HeldRetention(SqliteEventStore store, Task release) : IEventRetention
    {
        private long _peak;
        private long _walPeak;

        public long Peak => Volatile.Read(ref _peak);

        /// <summary>Gets the most bytes of the events' WAL as a chunk committed (its deletes; the index's follow).</summary>
        public long WalPeak => Volatile.Read(ref _walPeak);

        public async Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, Action<RetentionReason, long>? removed = null)
        {
            await release.WaitAsync(cancellationToken);
            return await store.RemoveExpiredAsync(options, now, cancellationToken, (reason, events) =>
            {
                Volatile.Write(ref _peak, Math.Max(Peak, FolderBytes(Path.GetDirectoryName(store.DatabasePath)!)));
                Volatile.Write(ref _walPeak, Math.Max(WalPeak, new FileInfo(store.DatabasePath + "-wal").Length));
                removed?.Invoke(reason, events);
            });
        }
    }
}
