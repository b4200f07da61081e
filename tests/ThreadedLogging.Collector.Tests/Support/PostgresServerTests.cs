using System.Diagnostics;
using System.Globalization;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// The throwaway PostgreSQL cluster: its owner stamp (what another test process compares to decide it is orphaned), and
/// the wait for a line of its log, which ends when cancelled.
/// </summary>
public sealed class PostgresServerTests
{
    [Fact]
    public void OwnerStamp_ReadByAnotherProcess_IsTheSame()
    {
        var pid = Environment.ProcessId;
        var start = new ProcessStartInfo("cut") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-d", " ", "-f", "22", $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"])
        {
            start.ArgumentList.Add(arg);
        }

        using var cut = Process.Start(start)!;
        var startTicks = cut.StandardOutput.ReadToEnd().Trim();
        cut.WaitForExit();

        Assert.Equal(0, cut.ExitCode);
        Assert.Equal($"{pid.ToString(CultureInfo.InvariantCulture)} {startTicks}", PostgresServer.OwnerStamp(pid));
        Assert.Equal(PostgresServer.OwnerStamp(pid), PostgresServer.OwnerStamp(pid));
    }

    [Fact]
    public async Task NextLogLine_CancelledWhileWaiting_EndsWithTheCancellation()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = PostgresServer.Instance.NextLogLineAsync(_ => false, cancel.Token);

        await cancel.CancelAsync();

        // A bound on a wait that never ends, not a timing assertion.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromMinutes(1)));
    }
}
