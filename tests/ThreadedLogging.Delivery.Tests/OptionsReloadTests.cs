using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// The handler's own options in appsettings.json (<c>Logging:ThreadedHttp:Level</c>) changed while the app runs, as a
/// Serilog <c>MinimumLevel</c> with ReloadOnChange or NLog's <c>autoReload</c> would be: a real JSON file configuration,
/// reloaded, through the real client into the real collector.
/// </summary>
public sealed class OptionsReloadTests(SharedCollector collector) : IClassFixture<SharedCollector>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tl-reload-").FullName;
    private readonly ConcurrentQueue<string> _selfLog = new();

    [Fact]
    public async Task AddThreadedHttp_LevelChangedInAppsettingsAndReloaded_NewLevelApplied()
    {
        var (appsettings, configuration) = Appsettings("""{ "Level": "Information" }""");

        var events = await collector.LogAsync(
            "reload-level",
            logging => logging.AddConfiguration(configuration.GetSection("Logging")),
            factory =>
            {
                var logger = factory.CreateLogger("Orders");
                logger.LogDebug("debug before the reload");
                Rewrite(appsettings, configuration, """{ "Level": "Debug" }""");
                logger.LogDebug("debug after the reload");
            });

        Assert.Equal(["debug after the reload"], events.Select(e => e.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("""{ "Level": "Verbose" }""", "Level")]
    [InlineData("""{ "Levle": "Debug" }""", "Logging:ThreadedHttp:Levle is not an option")]
    [InlineData("""{ "Level": "Debug", "BatchSize": 0 }""", "BatchSize must be between 1 and 100000 (was 0)")]
    public async Task AddThreadedHttp_ReloadedOptionsInvalid_KeepsTheLevelAndReportsOnce(string reloaded, string reason)
    {
        var (appsettings, configuration) = Appsettings("""{ "Level": "Information" }""");

        var events = await collector.LogAsync(
            "reload-invalid-" + reason.Length,
            logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddThreadedHttp(options => options.SelfLog = _selfLog.Enqueue),
            factory =>
            {
                var logger = factory.CreateLogger("Orders");
                Rewrite(appsettings, configuration, reloaded);
                configuration.Reload(); // a file watcher may fire twice for one save
                logger.LogDebug("debug after the invalid reload");
                logger.LogInformation("information after the invalid reload");
            });

        Assert.Equal(["information after the invalid reload"], events.Select(e => e.GetProperty("message").GetString()));
        var report = Assert.Single(_selfLog, line => line.Contains("was not applied", StringComparison.Ordinal));
        Assert.Contains("The reloaded Logging:ThreadedHttp was not applied, the handler keeps its options (Level Information)", report, StringComparison.Ordinal);
        Assert.Contains(reason, report, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An appsettings.json with MEL's level at Debug and <paramref name="handler"/> as <c>Logging:ThreadedHttp</c>, read with reloadOnChange.</summary>
    private (string Path, IConfigurationRoot Configuration) Appsettings(string handler)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, Json(handler));
        return (path, new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: true).Build());
    }

    /// <summary>Rewrites the file and reloads at once, as the file watcher would after its delay (no waiting on the watcher's timing).</summary>
    private static void Rewrite(string path, IConfigurationRoot configuration, string handler)
    {
        File.WriteAllText(path, Json(handler));
        configuration.Reload();
    }

    private static string Json(string handler) => $$"""{ "Logging": { "LogLevel": { "Default": "Debug" }, "ThreadedHttp": {{handler}} } }""";
}
