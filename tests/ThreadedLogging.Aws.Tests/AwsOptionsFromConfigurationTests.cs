using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Aws.Tests;

/// <summary>
/// Values of <c>Logging:ThreadedAws</c> and <c>Logging:CloudLaunch</c> that were accepted and then lost events, sent them
/// elsewhere than the configuration said, or threw words naming no option: each must stop the logger factory from being
/// made, naming the option (a key by its position only).
/// </summary>
public sealed class AwsOptionsFromConfigurationTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private const string Key = "AKIDEXAMPLE";

    [Theory]
    // An absolute URI of the scheme 'localhost': every send threw NotSupportedException and its events were dropped.
    [InlineData("ServiceUrl", "localhost:4566", "'localhost:4566'")]
    // A file URI on Unix, and a made-up scheme: answered "queue does not exist" and retried for ever.
    [InlineData("QueueUrl", "/tmp/logs", "'/tmp/logs'")]
    [InlineData("QueueUrl", "queue:logs", "'queue:logs'")]
    [InlineData("QueueUrl", "https://sqs.eu-west-1.amazonaws.com/", "https://sqs.eu-west-1.amazonaws.com/")]
    // QueueUrl won without a word, and every error spoke of QueueName's queue.
    [InlineData("QueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/other", "'other'", "QueueName")]
    // The SDK's own words at start ("not a valid hostname component"), naming no option.
    [InlineData("Region", "eu west 1", "'eu west 1'")]
    [InlineData("Region", "eu-west-1\n", "'eu-west-1\\u000a'")]
    // No number: a region that is none, which the form's check let through.
    [InlineData("Region", "eu-west", "with the region's number (eu-west-1, not eu-west) (was 'eu-west')")]
    [InlineData("Region", "us-east", "(was 'us-east')")]
    // The SDK's "Specified argument was out of the range of valid values. (Parameter 'timeout')".
    [InlineData("RequestTimeout", "100.00:00:00", "100.00:00:00")]
    // Ignored without the keys: the standard chain ran instead ("Failed to resolve AWS credentials", retried for ever).
    [InlineData("SessionToken", "token", "AccessKey", null, true)]
    // A pasted line break: every call answered 400 and retried for ever; a space: a key AWS does not know.
    [InlineData("AccessKey", Key + "\n", "index 11")]
    [InlineData("SecretAccessKey", "wJalrXUtn FEMI", "index 9")]
    // Not a proxy's URL: what looks like credentials is not shown, the user name too (a token may be one).
    [InlineData("Proxy", "proxy.corp:3128", "'proxy.corp:3128'")]
    [InlineData("Proxy", "http://ops:wJalrX@proxy.corp:3128/path", "'http://***@proxy.corp:3128/path'")]
    [InlineData("Proxy", "http://wJalrX@proxy.corp:3128/path", "'http://***@proxy.corp:3128/path'")]
    [InlineData("Proxy", "http://wJalrX:@proxy.corp:3128/path", "'http://***@proxy.corp:3128/path'")]
    public void AddThreadedAws_BadValueInConfiguration_FactoryThrowsNamingIt(string option, string value, string shown, string? named = null, bool withoutKeys = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["QueueName"] = "logs",
            ["ServiceUrl"] = sqs.ServiceUrl,
            ["AccessKey"] = withoutKeys ? null : Key,
            ["SecretAccessKey"] = withoutKeys ? null : "secret",
            [option] = value,
        };

        var error = Assert.ThrowsAny<ArgumentException>(() => Build(b => b.AddThreadedAws(), "ThreadedAws", settings));

        Assert.Equal(named ?? option, error.ParamName);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalr", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // The record's queue, keys and revision replaced these without a word: the events went elsewhere than configured.
    [InlineData("QueueName", "payroll-logs", "'payroll-logs'")]
    [InlineData("QueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/payroll-logs", "payroll-logs")]
    [InlineData("AccessKey", Key, "another key")]
    [InlineData("Revision", "7", "(7)")]
    public void AddCloudLaunch_OptionTheRecordReplaces_FactoryThrowsNamingIt(string option, string value, string shown)
    {
        var record = new CloudRecord { Author = "jane", Name = "payroll", Revision = 3, PublicAccessKey = "k", SecretKey = "s" };
        var settings = new Dictionary<string, string?> { ["ServiceUrl"] = sqs.ServiceUrl, [option] = value };

        var error = Assert.ThrowsAny<ArgumentException>(() => Build(b => b.AddCloudLaunch(record), "CloudLaunch", settings));

        Assert.Equal(option, error.ParamName);
        Assert.Contains("CloudRecord", error.Message, StringComparison.Ordinal);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        if (option == "AccessKey")
        {
            Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddThreadedAws_QueueUrlAsTheServerGivesItAndLimitsInConfiguration_EventsArrive()
    {
        // The checks above let through what a real server hands out: fauxqs's queue URL (a host of its own), both names
        // given and equal, temporary keys with their token, the longest request timeout.
        var (name, url) = await sqs.CreateQueueAsync("configured");
        var settings = new Dictionary<string, string?>
        {
            ["QueueName"] = name,
            ["QueueUrl"] = url,
            ["ServiceUrl"] = sqs.ServiceUrl,
            ["Region"] = "us-east-1",
            ["AccessKey"] = Key,
            ["SecretAccessKey"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY",
            ["SessionToken"] = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
            ["RequestTimeout"] = "01:00:00",
            ["User"] = "alice",
            ["CaptureUnhandledExceptions"] = "false",
        };

        await using (var provider = Build(b => b.AddThreadedAws(), "ThreadedAws", settings))
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Payroll").LogInformation("configured by URL");
            var handler = Assert.Single(provider.GetServices<ILoggerProvider>().OfType<ThreadedAwsHandler>());
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));
        }

        using var client = sqs.CreateClient();
        var logged = Assert.Single(QueueReader.Events(await QueueReader.DrainAsync(client, url)));
        Assert.Equal("configured by URL", logged.Message);
    }

    /// <summary>Makes the services of an app whose configuration holds <paramref name="values"/> under <c>Logging:{alias}</c>, and its logger factory.</summary>
    private static ServiceProvider Build(Action<ILoggingBuilder> add, string alias, Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Where(e => e.Value is not null).Select(e => KeyValuePair.Create($"Logging:{alias}:{e.Key}", e.Value)))
            .Build();
        var provider = new ServiceCollection().AddLogging(b =>
        {
            b.AddConfiguration(configuration.GetSection("Logging"));
            add(b);
        }).BuildServiceProvider();
        try
        {
            provider.GetRequiredService<ILoggerFactory>();
            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }
}
