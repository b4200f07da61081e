using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// One collector per SQLite data folder: a second one on the same folder stops at start naming the folder, and the
/// first goes on untouched. Before, the second started and wrote beside the first (500s once their group numbers met).
/// </summary>
public sealed class DataDirectoryLockTests
{
    [Fact]
    public async Task SecondCollector_SameFolder_RefusedNamingTheFolder_FirstGoesOn()
    {
        await using var first = await CollectorFixture.StartAsync();
        await PostAsync(first, "before");

        var error = Assert.Throws<CollectorUnavailableException>(() => CollectorApp.Build(["--urls", "http://127.0.0.1:0", "--data", first.DataDirectory]));

        Assert.Contains($"Collector:DataDirectory (--data) '{first.DataDirectory}' is in use by another collector process, or by the backup command", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'cat {Path.Combine(first.DataDirectory, DataDirectoryLock.FileName)}' shows that process's id", error.Message, StringComparison.Ordinal);
        Assert.Contains("Collector:Store=postgres", error.Message, StringComparison.Ordinal);
        Assert.Equal($"{Environment.ProcessId}\n", ReadWithoutTheLock(Path.Combine(first.DataDirectory, DataDirectoryLock.FileName)));
        await PostAsync(first, "after");
        Assert.Equal(["after", "before"], (await first.EventsAsync("user=alice")).Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Restart_AfterTheFirstStopped_OpensTheFolderWithItsEvents()
    {
        using var data = new TempDirectory();
        await using (var first = await CollectorFixture.StartInAsync(data.Path))
        {
            await PostAsync(first, "kept");
        }

        await using var second = await CollectorFixture.StartInAsync(data.Path);

        Assert.Equal(["kept"], (await second.EventsAsync("user=alice")).Select(e => e.GetProperty("message").GetString()));
        Assert.True(File.Exists(Path.Combine(data.Path, DataDirectoryLock.FileName)));
    }

    /// <summary>
    /// Exit code 3, as a port in use: the folder is free once the other process ends (a backup command of a stopped
    /// collector's folder, a collector being replaced), and the sample unit restarts on 3, not on 2 (it gave up: the
    /// collector stayed down after the backup).
    /// </summary>
    [Fact]
    public async Task SecondCollectorProcess_SameFolder_ExitCode3NamingTheFolder()
    {
        await using var first = await CollectorFixture.StartAsync();

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync("--urls", "http://127.0.0.1:0", "--data", first.DataDirectory);

        Assert.Equal(3, exitCode);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"'{first.DataDirectory}' is in use by another collector process", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
        await PostAsync(first, "still served");
    }

    [Fact]
    public void Start_LockFileThatCannotBeOpenedForAnotherReason_NotCalledInUse()
    {
        // A socket where the lock file should be: it exists, and opening it fails (ENXIO), but no process holds a lock.
        // Told apart by the error itself (Linux EAGAIN), not by the file's existing: it was called "in use by another
        // collector process", sending the operator to look for one.
        using var data = new TempDirectory();
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(data.Path, DataDirectoryLock.FileName)));

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--urls", "http://127.0.0.1:0", "--data", data.Path]));

        Assert.DoesNotContain("in use by another collector", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Collector:DataDirectory (--data) '{data.Path}': its lock file {DataDirectoryLock.FileName} cannot be opened", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The file's text as <c>cat</c> reads it: flock is advisory, but .NET's own open takes a lock and would wait for none.</summary>
    private static string ReadWithoutTheLock(string file)
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [file]) { RedirectStandardOutput = true })!;
        var text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text;
    }

    private static Task PostAsync(CollectorFixture collector, string message) =>
        Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { timestamp = DateTimeOffset.UtcNow, level = "Error", message }));
}
