// A small app that logs through ThreadedHttpHandler to the collector (README's main job).
// Usage: dotnet run --project samples/ThreadedLogging.Sample -- [host:port] [user] [count]
using Microsoft.Extensions.Logging;
using ThreadedLogging;

var host = args.Length > 0 ? args[0] : "127.0.0.1:5080";
var user = args.Length > 1 ? args[1] : Environment.UserName;
var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;

await using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
{
    Host = host,
    Url = "/log/{user}",
    Format = HttpLogFormat.JsonBatch,
    User = user,
    App = "ThreadedLogging.Sample",
    ShutdownTimeout = TimeSpan.FromSeconds(3),
    SelfLog = Console.Error.WriteLine,
});
using var factory = LoggerFactory.Create(builder => builder.AddProvider(handler).AddConsole());
var logger = factory.CreateLogger("Sample.Payroll");

for (var i = 0; i < count; i++)
{
    logger.LogInformation("Paid {Employee} {Amount} (run {Run})", $"employee-{i}", 1000m + i, i);
}

try
{
    throw new InvalidOperationException("The bank refused the transfer");
}
catch (InvalidOperationException e)
{
    logger.LogError(e, "Payment {Run} failed", count);
}

var delivered = handler.Flush(TimeSpan.FromSeconds(5));
Console.WriteLine($"delivered={delivered} {handler.Statistics}");
