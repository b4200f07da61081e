using System.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>The real executable refuses a non-loopback address without keys: message on stderr, exit code 2, nothing bound.</summary>
public sealed class ProgramExitTests
{
    [Fact]
    public async Task Main_NonLoopbackWithoutKeys_ExitsWithMessage()
    {
        using var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CollectorApp).Assembly.Location);
        foreach (var arg in (string[])["--urls", "http://0.0.0.0:0", "--data", data.Path])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A bound on a hung child, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);

        Assert.Equal(2, process.ExitCode);
        var message = await stderr;
        Assert.Contains("Refusing to listen on http://0.0.0.0:0", message, StringComparison.Ordinal);
        Assert.Contains("Collector:IngestApiKeys", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", await stdout, StringComparison.Ordinal);
    }
}
