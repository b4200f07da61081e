using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests;

/// <summary>
/// A start that fails (here Kestrel's, an https endpoint without a certificate, the last hosted service to start) after
/// background services have started: what <c>Program</c> runs, in process, with the host's own log kept.
/// </summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task StartAsync_FailsAfterABackgroundServiceStarted_NothingLoggedWithAStackTrace()
    {
        using var data = new TempDirectory();
        var log = new CollectingLoggerProvider();
        var app = CollectorApp.Build(
            ["--urls", "https://127.0.0.1:0", "--data", data.Path],
            services =>
            {
                services.AddSingleton<ILoggerProvider>(log);
                services.AddHostedService<CanceledByItsToken>();
            });
        await using (app)
        {
            var e = await Assert.ThrowsAsync<CollectorConfigurationException>(() => StartFailure.StartAsync(app));
            Assert.StartsWith("Cannot serve https on https://127.0.0.1:0", e.Message, StringComparison.Ordinal);
        }

        // The host logs a background service whose task ended canceled while the host was not stopping as Critical, with
        // the exception's stack (Microsoft.Extensions.Hosting.Internal.Host, BackgroundServiceStoppingHost): the one
        // category and level CollectorApp's filter lets through, and Program's one line came with ~10 more.
        Assert.True(log.Entries.All(entry => entry.Exception is null), log.Text());
    }

    /// <summary>
    /// A background service whose task ends canceled by its stopping token: as every one of ours does when the thread pool
    /// had not yet run its ExecuteAsync when the app was disposed (.NET 10's BackgroundService.StartAsync is
    /// <c>Task.Run(() =&gt; ExecuteAsync(token), token)</c>, canceled unstarted), which only load makes.
    /// </summary>
    private sealed class CanceledByItsToken : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
    }
}
