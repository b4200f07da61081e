using System.Text.Json.Nodes;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Hosting;

/// <summary>
/// Review17: keys on the command line (and a PostgreSQL password in <c>ConnectionStrings:Events</c>) are readable by every
/// local user in <c>/proc/PID/cmdline</c>, and a <c>--config</c> file holding keys at 0644 by every local user too; a real
/// collector process now warns at start (events 705, 706), naming the settings and the file, never a secret.
/// </summary>
public sealed class SecretExposureTests
{
    private const string ReadKey = "Gm3vUc8rXk1bWq5zTe0j";
    private const string AdminKey = "Pf7nLy2sDa9hRo4iVx6c";
    private const string Password = "Wd5qNs0kTz8mBe3yHa7r";

    [Fact]
    public async Task Start_KeyAndPasswordOnTheCommandLineConfigFileReadableByOthers_WarnsOfEachNeverASecret()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // file modes are Unix's
        }

        await using var started = await StartAsync(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            $"--Collector:AdminApiKey={AdminKey}", $"--ConnectionStrings:Events=Host=127.0.0.1;Username=tl;Password={Password}");
        var (collector, config) = (started.Collector, started.Config);

        var commandLine = await collector.NextLineAsync("Secrets on the command line");
        var file = await collector.NextLineAsync("Secrets readable by every user of this machine");
        using var http = await collector.ClientAsync(); // started: every start line is out

        Assert.Contains("Secrets on the command line (--Collector:AdminApiKey, --ConnectionStrings:Events): every user of this machine can read a process's arguments", commandLine, StringComparison.Ordinal);
        Assert.Contains($"Secrets readable by every user of this machine: the settings file '{config}' (--config) holds keys at mode 0644; chmod 600 it", file, StringComparison.Ordinal);
        Assert.Contains("warn: ThreadedLogging.Collector.Security[705]", collector.Output, StringComparison.Ordinal);
        Assert.Contains("warn: ThreadedLogging.Collector.Security[706]", collector.Output, StringComparison.Ordinal);
        foreach (var secret in new[] { ReadKey, AdminKey, Password })
        {
            Assert.All(Enumerable.Range(0, secret.Length - 5), at => Assert.DoesNotContain(secret.Substring(at, 6), collector.Output, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Start_KeysFromAConfigFileOnlyItsUserReads_NoWarning()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var started = await StartAsync(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var collector = started.Collector;

        await collector.NextLineAsync("Read keys:");
        using var http = await collector.ClientAsync(); // started: every start line is out

        Assert.DoesNotContain("Secrets on the command line", collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Secrets readable", collector.Output, StringComparison.Ordinal);
    }

    /// <summary>A copy of the collector started with a <c>--config</c> file of <paramref name="mode"/> holding the read key, and <paramref name="args"/>.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task<Started> StartAsync(UnixFileMode mode, params string[] args)
    {
        var folder = new TempDirectory();
        var app = CollectorCopy.CopyOfTheProgram(folder.Path);
        var config = Path.Combine(folder.Path, "collector.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["Collector"] = new JsonObject { ["ReadApiKeys"] = new JsonArray(ReadKey) } }.ToJsonString());
        File.SetUnixFileMode(config, mode);
        return new Started(folder, CollectorCopy.Start(app, ["--urls", "http://127.0.0.1:0", "--data", Path.Combine(folder.Path, "data"), "--config", config, .. args]), config);
    }

    /// <summary>A started copy, its folder removed when it has stopped.</summary>
    private sealed class Started(TempDirectory folder, CollectorCopy collector, string config) : IAsyncDisposable
    {
        public CollectorCopy Collector => collector;

        public string Config => config;

        public async ValueTask DisposeAsync()
        {
            await collector.DisposeAsync();
            folder.Dispose();
        }
    }
}
