using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// The app's MEL filter rules as an app sets them — filter functions, appsettings.json reloaded — applied to
/// AddThreadedHttp as MEL applies them to every other provider, through the real client into the real collector.
/// </summary>
public sealed class FilterRulesTests(SharedCollector collector) : IClassFixture<SharedCollector>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tl-filters-").FullName;

    [Fact]
    public async Task AddFilter_FilterFunctions_AppliedToThreadedHttpAsToOtherProviders()
    {
        var events = await collector.LogAsync(
            "fran",
            logging => logging
                .AddFilter("Microsoft.EntityFrameworkCore", level => level >= LogLevel.Warning)
                .AddFilter((provider, category, level) => !category!.StartsWith("Noisy", StringComparison.Ordinal)),
            factory =>
            {
                factory.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").LogInformation("SELECT 1");
                factory.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").LogWarning("slow query");
                factory.CreateLogger("Noisy.Poller").LogWarning("tick");
                factory.CreateLogger("Orders").LogInformation("order placed");
            });

        Assert.Equal(["slow query", "order placed"], events.Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task AddConfiguration_AppsettingsLevelChangedAndReloaded_NewLevelApplied()
    {
        var appsettings = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(appsettings, """{ "Logging": { "LogLevel": { "Default": "Warning" } } }""");
        var configuration = new ConfigurationBuilder().AddJsonFile(appsettings, optional: false, reloadOnChange: false).Build();

        var events = await collector.LogAsync(
            "rhea",
            logging => logging.AddConfiguration(configuration.GetSection("Logging")),
            factory =>
            {
                var logger = factory.CreateLogger("Orders");
                logger.LogInformation("before the reload");
                File.WriteAllText(appsettings, """{ "Logging": { "LogLevel": { "Default": "Information" } } }""");
                configuration.Reload(); // what reloadOnChange does when the file changes
                logger.LogInformation("after the reload");
            });

        Assert.Equal(["after the reload"], events.Select(e => e.GetProperty("message").GetString()));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
