using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// <see cref="ThreadedHandlerOptions.ExcludedCategories"/> keeps out what would loop (each send logging again) and
/// nothing else: the app's own categories, its <c>IHttpClientFactory</c> clients' included, arrive.
/// </summary>
public sealed class FeedbackLoopTests
{
    private const string CollectorCategory = "ThreadedLogging.Collector.Ingest.IngestEndpoint";

    [Fact]
    public async Task AddThreadedHttp_AppsHttpClientFactoryClient_ItsLogsArriveAndOurSendsLogNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddThreadedHttp(o =>
            {
                o.Host = server.Host;
                o.Format = HttpLogFormat.JsonBatch;
                o.Interval = TimeSpan.FromHours(1);
                o.LevelPollInterval = TimeSpan.Zero;
                o.CaptureUnhandledExceptions = false;
            }))
            .AddHttpClient("catalog", c => c.BaseAddress = server.BaseAddress).Services;
        await using var provider = services.BuildServiceProvider();
        var handler = provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single();

        using (var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("catalog").GetAsync(new Uri("/catalog", UriKind.Relative)))
        {
            response.EnsureSuccessStatusCode();
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var logged = handler.Statistics.Enqueued;
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal(logged, handler.Statistics.Enqueued); // our own sends added nothing
        var categories = server.Requests.Where(r => r.Method == "POST")
            .SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("category").GetString())
            .ToList();
        Assert.Contains("System.Net.Http.HttpClient.catalog.LogicalHandler", categories);
        Assert.Equal(logged, categories.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_ReceiverLogsUnderOurNamesForEachBatch_ExcludedByDefaultElseEverySendLogsAgain(bool defaults)
    {
        // A collector that ships its own log through the client into itself logs "Stored N events" under
        // ThreadedLogging.Collector.* for each batch it stores, before it answers.
        await using var server = await LoopbackServer.StartAsync();
        var options = new ThreadedHttpHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Host = server.Host,
            Format = HttpLogFormat.JsonBatch,
            Interval = TimeSpan.FromHours(1),
            LevelPollInterval = TimeSpan.Zero,
            ShutdownTimeout = TimeSpan.FromSeconds(1),
        };
        if (!defaults)
        {
            options.ExcludedCategories.Clear();
        }

        await using var handler = new ThreadedHttpHandler(options);
        var collectorLog = handler.CreateLogger(CollectorCategory);
        server.Respond = request =>
        {
            if (request.Method == "POST")
            {
                collectorLog.LogInformation("Stored {Stored} events", JsonDocument.Parse(request.Body).RootElement.GetProperty("events").GetArrayLength());
            }

            return Task.FromResult(Results.Ok());
        };

        handler.CreateLogger("Shop.Orders").LogInformation("order placed");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        if (defaults)
        {
            Assert.Equal(1, handler.Statistics.Enqueued);
            Assert.Single(server.Requests, r => r.Method == "POST");
        }
        else
        {
            // Each flush settled an event whose send logged the next one: a loop that never ends.
            Assert.True(handler.Statistics.Enqueued >= 4, $"enqueued {handler.Statistics.Enqueued}");
            Assert.True(server.Requests.Count(r => r.Method == "POST") >= 3);
        }
    }
}
