using System.Diagnostics;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>Runs CPython (stdlib only) as a child process, e.g. its logging.handlers.HTTPHandler.</summary>
internal static class PythonProcess
{
    /// <summary>Runs <paramref name="script"/> with <c>python3 -c</c>; fails the test unless it exits 0.</summary>
    public static async Task RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A bound on a hung child, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);
        Assert.True(process.ExitCode == 0, $"python3 exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
