using System.Diagnostics;

namespace ThreadedLogging.Testing;

/// <summary>Runs CPython (python3 from the machine, stdlib only) as a child process, e.g. its logging.handlers.HTTPHandler.</summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
public static class PythonProcess
{
    /// <summary>Runs <paramref name="script"/> with <c>python3 -c</c> and returns its standard output; fails the test unless it exits 0.</summary>
    public static async Task<string> RunAsync(string script, params string[] args)
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
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // never left running (nor what it started) after the test
            throw;
        }

        Assert.True(process.ExitCode == 0, $"python3 exited {process.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }
}
