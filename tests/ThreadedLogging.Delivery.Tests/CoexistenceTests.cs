using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Serilog;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// AddThreadedHttp in one app beside the providers apps already have — Serilog.Extensions.Logging, NLog.Extensions.Logging
/// and OpenTelemetry's logging, the real packages — with per-provider levels from configuration: each provider gets the
/// events its own level lets through, with the call's scope, and the collector gets what <c>Logging:ThreadedHttp</c>
/// allows; disposing the app disposes every provider once, without error.
/// </summary>
public sealed class CoexistenceTests(SharedCollector collector) : IClassFixture<SharedCollector>
{
    [Fact]
    public async Task AddThreadedHttp_BesideSerilogNLogAndOpenTelemetry_EachProviderGetsItsLevelsAndTheScope()
    {
        var seen = new ConcurrentQueue<string>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:OpenTelemetry:LogLevel:Default"] = "Debug",
            ["Logging:ThreadedHttp:LogLevel:Default"] = "Warning",
        }).Build();
        var nlog = new NLog.Config.LoggingConfiguration();
        var memory = new NLog.Targets.MemoryTarget("memory") { Layout = "${level} ${message} ${scopeproperty:Request}" };
        nlog.AddRule(NLog.LogLevel.Info, NLog.LogLevel.Fatal, memory);

        var events = await collector.LogAsync(
            "cora",
            logging => logging
                .AddConfiguration(configuration.GetSection("Logging"))
                .AddSerilog(new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(new SerilogSink(seen)).CreateLogger(), dispose: true)
                .AddNLog(nlog)
                .AddOpenTelemetry(otel =>
                {
                    otel.IncludeScopes = true;
                    otel.AddProcessor(new OpenTelemetryProcessor(seen));
                }),
            factory =>
            {
                var logger = factory.CreateLogger("Orders");
                using (logger.BeginScope("Request {Request}", "r-1"))
                {
                    logger.LogDebug("Checked {N}", 1);
                    logger.LogInformation("Placed {N}", 2);
                    logger.LogWarning("Late {N}", 3);
                }
            });

        Assert.Equal(["Placed 2 r-1", "Late 3 r-1"], seen.Where(s => s.StartsWith("serilog ", StringComparison.Ordinal)).Select(s => s["serilog ".Length..]));
        Assert.Equal(["Checked {N} r-1", "Placed {N} r-1", "Late {N} r-1"], seen.Where(s => s.StartsWith("otel ", StringComparison.Ordinal)).Select(s => s["otel ".Length..]));
        Assert.Equal(["Info Placed 2 r-1", "Warn Late 3 r-1"], memory.Logs);
        var shipped = Assert.Single(events);
        Assert.Equal("Late 3", shipped.GetProperty("message").GetString());
        Assert.Equal("r-1", shipped.GetProperty("context").GetProperty("scopes")[0].GetProperty("Request").GetString());
    }

    private sealed class SerilogSink(ConcurrentQueue<string> seen) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) =>
            seen.Enqueue($"serilog {logEvent.RenderMessage()} {(logEvent.Properties.TryGetValue("Request", out var request) ? request.ToString().Trim('"') : "-")}");
    }

    private sealed class OpenTelemetryProcessor(ConcurrentQueue<string> seen) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
            var request = new string?[1];
            data.ForEachScope(
                static (scope, found) =>
                {
                    foreach (var pair in scope)
                    {
                        if (pair.Key == "Request")
                        {
                            found[0] = pair.Value?.ToString();
                        }
                    }
                },
                request);
            seen.Enqueue($"otel {data.Body} {request[0] ?? "-"}");
        }
    }
}
