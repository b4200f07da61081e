namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>Prometheus's own <c>promtool check metrics</c> (Debian's prometheus package, installed by scripts/install-test-deps.sh).</summary>
internal static class Promtool
{
    /// <summary>Checks an exposition as Prometheus parses it and lints it; returns promtool's exit code and what it said.</summary>
    public static Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition) =>
        PipedProcess.RunAsync("promtool", exposition, "check", "metrics");
}
