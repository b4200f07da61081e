using System.Text.Json;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// The repository's sample app (samples/ThreadedLogging.Sample: the generic host, <c>AddThreadedHttp()</c>, options from
/// its appsettings.json) run as a process against the real collector process: what an adopting team copies works.
/// </summary>
public sealed class SampleAppTests(SharedCollector collector) : IClassFixture<SharedCollector>
{
    [Fact]
    public async Task Sample_RunAgainstTheCollector_StoresItsPaymentsAndItsErrorWithTheException()
    {
        await using var sample = ChildProcess.Start(
            "samples/ThreadedLogging.Sample",
            "ThreadedLogging.Sample",
            "--Logging:ThreadedHttp:Host=" + collector.Host,
            "--Logging:ThreadedHttp:User=sample-user",
            "--count",
            "5");

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, string.Join('\n', sample.Output));
        Assert.Contains("sent=6 dropped=0 pending=0", sample.Output);
        var events = await collector.EventsAsync("sample-user");
        Assert.Equal(6, events.Count);
        var paid = events[0];
        Assert.Equal("ThreadedLogging.Sample", paid.GetProperty("app").GetString());
        Assert.Equal("Payroll", paid.GetProperty("category").GetString());
        Assert.Equal("Paid {Employee} {Amount}", paid.GetProperty("template").GetString());
        Assert.Equal("Paid employee-0 1000", paid.GetProperty("message").GetString());
        Assert.Equal(1000m, paid.GetProperty("properties").GetProperty("Amount").GetDecimal());
        Assert.Equal("2026-12", paid.GetProperty("context").GetProperty("scopes")[0].GetProperty("PayrollRun").GetString());
        var failed = events[5];
        Assert.Equal("Error", failed.GetProperty("level").GetString());
        Assert.Equal("Payment 5 failed", failed.GetProperty("message").GetString());
        Assert.Equal("System.InvalidOperationException", failed.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, failed.GetProperty("exception").GetProperty("stackTrace").ValueKind);
    }
}
