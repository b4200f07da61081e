// An app that logs to the collector the way most apps do: the generic host, `builder.Logging.AddThreadedHttp()`, the
// handler's options in appsettings.json (`Logging:ThreadedHttp`), any of them overridable on the command line.
// Its first five statements are README's quick start, as written there (SampleAppTests checks that they are).
// Usage (with the collector running: dotnet run --project src/ThreadedLogging.Collector):
//   dotnet run --project samples/ThreadedLogging.Sample [-- --Logging:ThreadedHttp:User=alice --count 10]
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreadedLogging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddThreadedHttp(); // its options: Logging:ThreadedHttp in appsettings.json
using var host = builder.Build();
var log = host.Services.GetRequiredService<ILogger<Payroll>>();
log.LogInformation("Paid {Employee} {Amount}", "ann", 1200m); // enqueues only; a worker sends it

// The rest of the sample: a payroll run's payments in a scope, a failure with its exception, and what the handler counted.
var count = host.Services.GetRequiredService<IConfiguration>().GetValue("count", 10);
using (log.BeginScope(new Dictionary<string, object> { ["PayrollRun"] = "2026-12" }))
{
    for (var i = 0; i < count; i++)
    {
        log.LogInformation("Paid {Employee} {Amount}", $"employee-{i}", 1000m + i);
    }

    try
    {
        throw new InvalidOperationException("The bank refused the transfer");
    }
    catch (InvalidOperationException e)
    {
        log.LogError(e, "Payment {Payment} failed", count); // the payment after the last one made
    }
}

// Flush waits for what is queued (the host's disposal at the end would deliver it too, within ShutdownTimeout).
var handler = host.Services.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single();
handler.Flush(TimeSpan.FromSeconds(10));
var statistics = handler.Statistics;
Console.WriteLine($"sent={statistics.Sent} dropped={statistics.Dropped} pending={statistics.Pending}");
return statistics.Dropped == 0 && statistics.Pending == 0 ? 0 : 1;

/// <summary>The sample's logging category.</summary>
internal sealed class Payroll;
