using System.Diagnostics;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>Prometheus's own <c>promtool check metrics</c> (Debian's prometheus package, installed by scripts/install-test-deps.sh).</summary>
internal static class Promtool
{
    /// <summary>Checks an exposition as Prometheus parses it and lints it; returns promtool's exit code and what it said.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var start = new ProcessStartInfo("promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        // A bound on a hung child, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stderr + await stdout);
    }
}
