using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>The real collector app (CollectorApp.Build, real Kestrel on 127.0.0.1:0) draining emulator queues.</summary>
internal sealed class SqsCollectorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SqsCollectorHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    internal IEventStore Store => _app.Services.GetRequiredService<IEventStore>();

    internal SqsIngestStatistics Statistics => _app.Services.GetRequiredService<SqsIngestStatistics>();

    internal IServiceProvider Services => _app.Services;

    /// <summary>Starts a collector on <paramref name="dataDirectory"/> that drains <paramref name="queueName"/> on the emulator.</summary>
    internal static async Task<SqsCollectorHost> StartAsync(
        SqsEmulatorFixture sqs, string dataDirectory, string queueName, Dictionary<string, string>? settings = null,
        Func<IReadOnlyList<Amazon.SQS.Model.Message>, CancellationToken, Task>? beforeDelete = null, Action<IServiceCollection>? configureServices = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Collector:Sqs:Queues:0:Name"] = queueName,
            ["Collector:Sqs:Queues:0:ServiceUrl"] = sqs.ServiceUrl,
            ["Collector:Sqs:Queues:0:AccessKey"] = "test",
            ["Collector:Sqs:Queues:0:SecretAccessKey"] = "test",
            ["Collector:Sqs:WaitTimeSeconds"] = "1",
            ["Collector:Sqs:RetryDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--data", dataDirectory };
        args.AddRange(all.Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = CollectorApp.Build([.. args], configureServices);
        app.Services.GetRequiredService<SqsIngestService>().BeforeDelete = beforeDelete;
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SqsCollectorHost(app, address);
    }

    /// <summary>Every stored event (newest first), all pages.</summary>
    internal async Task<List<StoredEvent>> AllEventsAsync()
    {
        var all = new List<StoredEvent>();
        EventCursor? before = null;
        while (true)
        {
            var page = await Store.QueryAsync(new EventQuery { Limit = 1000, Before = before }, CancellationToken.None);
            all.AddRange(page.Events);
            if (page.Next is null)
            {
                return all;
            }

            before = page.Next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
