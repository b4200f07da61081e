// An app that logs to the collector the way most apps do: the generic host, `builder.Logging.AddThreadedHttp()`, the
// handler's options in appsettings.json (`Logging:ThreadedHttp`), any of them overridable on the command line.
// Usage (with the collector running: dotnet run --project src/ThreadedLogging.Collector):
//   dotnet run --project samples/ThreadedLogging.Sample [-- --Logging:ThreadedHttp:User=alice --count 10]
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreadedLogging;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json next to the app, wherever it is started from
});
builder.Logging.AddThreadedHttp();
var count = builder.Configuration.GetValue("count", 10);

ThreadedHandlerStatistics statistics;
using (var host = builder.Build())
{
    var logger = host.Services.GetRequiredService<ILogger<Payroll>>();
    using (logger.BeginScope(new Dictionary<string, object> { ["PayrollRun"] = "2026-12" }))
    {
        for (var i = 0; i < count; i++)
        {
            logger.LogInformation("Paid {Employee} {Amount}", $"employee-{i}", 1000m + i);
        }

        try
        {
            throw new InvalidOperationException("The bank refused the transfer");
        }
        catch (InvalidOperationException e)
        {
            logger.LogError(e, "Payment {Payment} failed", count); // the payment after the last one made
        }
    }

    // What the handler counts; disposing the host (end of this block) delivers what is queued within ShutdownTimeout.
    var handler = host.Services.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single();
    handler.Flush(TimeSpan.FromSeconds(10));
    statistics = handler.Statistics;
}

Console.WriteLine($"sent={statistics.Sent} dropped={statistics.Dropped} pending={statistics.Pending}");
return statistics.Dropped == 0 && statistics.Pending == 0 ? 0 : 1;

/// <summary>The sample's logging category.</summary>
internal sealed class Payroll;
