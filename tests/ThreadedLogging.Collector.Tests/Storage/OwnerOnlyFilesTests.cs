using System.Net.Http.Json;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The data folder and a backup are readable by their owner only (security review: under umask 022 they were 0755 and
/// their files 0644). The real collector and the real <c>backup</c> command on new folders; Unix modes, so nothing to
/// check on Windows.
/// </summary>
public sealed class OwnerOnlyFilesTests
{
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Collector_NewDataFolder_FolderAndDatabaseFilesOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "data", "collector");
        await using var collector = await CollectorFixture.StartInAsync(data);
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope("b1", [new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = "zebra crossing" }]));
        using var rule = await collector.Client.PostAsJsonAsync("api/levels", new { user = "alice", level = "Debug", duration = "02:00:00" });
        rule.EnsureSuccessStatusCode();
        Assert.Single(await collector.EventsAsync("q=zebra")); // the full-text index written

        Assert.Equal(OwnerFolder, File.GetUnixFileMode(data));
        string[] expected =
        [
            SqliteEventStore.FileName, SqliteEventStore.FileName + "-wal", SqliteEventStore.FileName + "-shm",
            SqliteFtsIndexer.FileName, SqliteFtsIndexer.FileName + "-wal", SqliteLevelRuleStore.FileName, DataDirectoryLock.FileName,
        ];
        var files = Directory.GetFiles(data).Select(Path.GetFileName).ToList();
        Assert.All(expected, name => Assert.Contains(name, files));
        foreach (var name in files)
        {
            Assert.Equal((name, OwnerFile), (name, File.GetUnixFileMode(Path.Combine(data, name!))));
        }
    }

    [Fact]
    public async Task Backup_NewTargetFolder_FolderAndCopiesOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var root = new TempDirectory();
        var target = Path.Combine(root.Path, "backups", "today");
        await using (var running = await CollectorFixture.StartAsync())
        {
            await Http.PostStoredAsync(running.Client, "log/alice", Http.Envelope("b1", [new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = "zebra" }]));
            using var rule = await running.Client.PostAsJsonAsync("api/levels", new { user = "alice", level = "Debug", duration = "02:00:00" });
            rule.EnsureSuccessStatusCode();

            var (exitCode, _, stderr) = await ProgramExitTests.RunCollectorAsync("backup", "--data", running.DataDirectory, "--to", target);
            Assert.True(exitCode == 0, stderr);
        }

        Assert.Equal(OwnerFolder, File.GetUnixFileMode(target));
        Assert.Equal([SqliteEventStore.FileName, SqliteLevelRuleStore.FileName], Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(target))
        {
            Assert.Equal(OwnerFile, File.GetUnixFileMode(file));
        }
    }
}
