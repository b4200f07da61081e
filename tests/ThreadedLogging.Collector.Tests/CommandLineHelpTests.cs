using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests;

/// <summary><c>--help</c> of the real executable: a short usage, exit code 0, nothing started (it ran the collector before).</summary>
public sealed class CommandLineHelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Main_Help_PrintsUsageAndExits0WithoutStarting(string help)
    {
        using var parent = new TempDirectory();
        var data = Path.Combine(parent.Path, "data");

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync("--urls", "http://127.0.0.1:0", "--data", data, help);

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr);
        Assert.Contains("backup --to <folder>", stdout, StringComparison.Ordinal);
        Assert.Contains("Collector__IngestApiKeys", stdout, StringComparison.Ordinal);
        Assert.Contains("appsettings.json", stdout, StringComparison.Ordinal);
        Assert.Contains("README.md", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "the data folder was made: the collector started");
    }

    [Fact]
    public async Task Main_BackupHelp_PrintsUsageAndCopiesNothing()
    {
        using var parent = new TempDirectory();
        var target = Path.Combine(parent.Path, "backup");

        var (exitCode, stdout, _) = await ProgramExitTests.RunCollectorAsync("backup", "--to", target, "--data", Path.Combine(parent.Path, "data"), "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("backup --to <folder>", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }
}
