namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// A strict OpenMetrics 1.0 parser: Python's <c>prometheus_client.openmetrics.parser</c> (Debian's python3-prometheus-client,
/// installed by scripts/install-test-deps.sh). <c>promtool check metrics</c> parses only the text format 0.0.4 and
/// refuses any OpenMetrics exposition at its first <c>info</c> family (prometheus/prometheus issue 8932).
/// </summary>
internal static class OpenMetricsParser
{
    // Every family as "name type samples" on a line of its own; a parse error on stderr with exit code 1.
    private const string Script = """
        import sys
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
        try:
            for family in text_string_to_metric_families(sys.stdin.read()):
                print(family.name, family.type, len(family.samples))
        except Exception as error:
            print("openmetrics parse error:", error, file=sys.stderr)
            sys.exit(1)
        """;

    /// <summary>Parses an exposition; returns the exit code, and the families read (or what was wrong).</summary>
    public static Task<(int ExitCode, string Output)> ParseAsync(string exposition) =>
        // The system's Python, where Debian's package is (a pyenv shim earlier on PATH would not have it).
        PipedProcess.RunAsync("/usr/bin/python3", exposition, "-c", Script);
}
