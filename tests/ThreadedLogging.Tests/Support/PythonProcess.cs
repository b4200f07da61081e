using System.Diagnostics;

namespace ThreadedLogging.Tests.Support;

/// <summary>Runs a CPython script (python3 from the machine, stdlib only) and waits for it to finish.</summary>
public static class PythonProcess
{
    public static async Task<string> RunAsync(string script)
    {
        var start = new ProcessStartInfo("python3", ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
