using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Aws.Tests;

public sealed class AwsLoggingBuilderExtensionsTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    [Fact]
    public async Task AddThreadedAws_OptionsFromLoggingThreadedAwsSection_LogsReachTheQueue()
    {
        var (name, url) = await sqs.CreateQueueAsync("config");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:ThreadedAws:QueueName"] = name,
            ["Logging:ThreadedAws:ServiceUrl"] = sqs.ServiceUrl,
            ["Logging:ThreadedAws:Region"] = "us-east-1",
            ["Logging:ThreadedAws:MessageFormat"] = "SeedRecord",
            ["Logging:ThreadedAws:Revision"] = "9",
            ["Logging:ThreadedAws:User"] = "bob",
            ["Logging:ThreadedAws:CaptureUnhandledExceptions"] = "false",
        }).Build();
        var services = new ServiceCollection().AddLogging(b => b
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddThreadedAws(o => { o.AccessKey = "test"; o.SecretAccessKey = "test"; }));

        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Payroll").LogInformation("configured");
            var handler = Assert.Single(provider.GetServices<ILoggerProvider>().OfType<ThreadedAwsHandler>());
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
        }

        using var client = sqs.CreateClient();
        var message = Assert.Single(await QueueReader.DrainAsync(client, url));
        using var json = System.Text.Json.JsonDocument.Parse(message.Json);
        Assert.Equal("bob", json.RootElement.GetProperty("user").GetString());
        Assert.Equal(9, json.RootElement.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task AddThreadedAws_AppCategoryStartingWithAmazon_ArrivesAndSendingLogsNothing()
    {
        // Before: "Amazon" and "AWSSDK" were plain prefixes forced into every AWS handler's exclusions, so an app's
        // "AmazonShop.Cart" was never shipped. The SDK (AWSSDK.Core 4 has its own logger, no Microsoft.Extensions.Logging
        // dependency) logs nothing through the app's factory: with no exclusion at all, sending adds no event.
        var (name, url) = await sqs.CreateQueueAsync("amazonshop");
        var services = new ServiceCollection().AddLogging(b => b
            .SetMinimumLevel(LogLevel.Trace)
            .AddThreadedAws(o =>
            {
                o.QueueName = name;
                o.ServiceUrl = sqs.ServiceUrl;
                o.AccessKey = "test";
                o.SecretAccessKey = "test";
                o.ExcludedCategories.Clear();
                o.CaptureUnhandledExceptions = false;
            }));

        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("AmazonShop.Cart").LogInformation("cart checked out");
            var handler = Assert.Single(provider.GetServices<ILoggerProvider>().OfType<ThreadedAwsHandler>());
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
            Assert.Equal(1, handler.Statistics.Enqueued);
        }

        using var client = sqs.CreateClient();
        var message = Assert.Single(await QueueReader.DrainAsync(client, url));
        using var json = System.Text.Json.JsonDocument.Parse(message.Json);
        var logged = Assert.Single(json.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal("AmazonShop.Cart", logged.GetProperty("category").GetString());
    }

    [Fact]
    public async Task AddCloudLaunch_RecordFile_LogsReachTheAppsQueue()
    {
        var name = $"app{Guid.NewGuid():N}"[..20];
        using var data = new TempDirectory();
        var path = Path.Combine(data.Path, "cloud.json");
        await File.WriteAllTextAsync(path, $$"""{"author":"Jane Doe","name":"{{name}}","revision":3,"public_access_key":"k","secret_key":"s","region":"us-east-1"}""");
        using var client = sqs.CreateClient();
        var url = (await client.CreateQueueAsync($"cloudlaunch-Jane_Doe-{name}-logging")).QueueUrl;
        var services = new ServiceCollection().AddLogging(b => b.AddCloudLaunch(path, o => (o.ServiceUrl, o.CaptureUnhandledExceptions) = (sqs.ServiceUrl, false)));

        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Payroll").LogInformation("from the record");
            var handler = Assert.Single(provider.GetServices<ILoggerProvider>().OfType<CloudLaunchHandler>());
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
            Assert.Equal("3", handler.Identity.Version);
        }

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal("from the record", Assert.Single(events).Message);
    }

    [Fact]
    public async Task AddCloudLaunch_WithAddThreadedAws_EachHandlerKeepsItsOwnOptions()
    {
        var record = new CloudRecord { Author = "jane", Name = $"app{Guid.NewGuid():N}"[..20], PublicAccessKey = "k", SecretKey = "s" };
        var services = new ServiceCollection().AddLogging(b => b
            .AddThreadedAws(o => { o.QueueName = "other"; o.ServiceUrl = sqs.ServiceUrl; })
            .AddCloudLaunch(record, o => o.ServiceUrl = sqs.ServiceUrl));

        await using var provider = services.BuildServiceProvider();
        var handlers = provider.GetServices<ILoggerProvider>().ToList();

        Assert.Single(handlers.OfType<ThreadedAwsHandler>());
        Assert.Single(handlers.OfType<CloudLaunchHandler>());
    }
}
