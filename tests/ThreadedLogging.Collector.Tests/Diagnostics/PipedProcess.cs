using System.Diagnostics;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>Runs a checking program (promtool, a Python parser) with a text on its standard input.</summary>
internal static class PipedProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>, writes <paramref name="input"/> to it and
    /// returns its exit code and what it said (standard error, then standard output).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, string input, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        // A bound on a hung child, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stderr + await stdout);
    }
}
