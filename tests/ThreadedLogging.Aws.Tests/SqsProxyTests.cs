using System.Net;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Aws.Tests;

/// <summary>
/// <see cref="ThreadedAwsHandlerOptions.Proxy"/>: an app on a company network reaches SQS through its proxy. A real proxy
/// (tinyproxy, asking for Basic credentials) in front of the SQS emulator: a request that did not go through it would
/// not need its credentials, so refused credentials show that every call went through it.
/// </summary>
public sealed class SqsProxyTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan FlushBudget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Proxy_UrlWithCredentials_EveryEventReachesTheQueueThroughIt()
    {
        var (name, url) = await sqs.CreateQueueAsync("proxied");
        await using var proxy = await TinyProxy.StartAsync("ops", "s3cret");
        var options = sqs.Options(name);
        options.Proxy = $"http://ops:s3cr%65t@127.0.0.1:{proxy.Port}"; // percent-encoded, as in a URL
        await using var handler = new ThreadedAwsHandler(options);
        var log = handler.CreateLogger("Payroll");
        for (var i = 0; i < 3; i++)
        {
            log.LogInformation("through the proxy {Number}", i);
        }

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token), handler.Statistics.LastError);
        using var client = sqs.CreateClient();
        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(["through the proxy 0", "through the proxy 1", "through the proxy 2"], events.Select(e => e.Message));
    }

    [Fact]
    public async Task Proxy_RefusesTheCredentials_EventsKeptAndRetriedNothingQueuedPasswordNeverShown()
    {
        var (name, url) = await sqs.CreateQueueAsync("proxy-refused");
        await using var proxy = await TinyProxy.StartAsync("ops", "s3cret");
        var options = sqs.Options(name);
        options.Proxy = $"http://ops:Wr0ngPassword@127.0.0.1:{proxy.Port}";
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(200); // the kept event cannot go out: do not wait for it at the end
        var selfLog = new List<string>();
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        options.SelfLog = line =>
        {
            lock (selfLog)
            {
                selfLog.Add(line);
            }
        };
        ThreadedAwsHandler? watched = null;
        using var failures = new SendFailures(() =>
        {
            // At each failed send (the self-log says an outage's repeats of one reason at most once every 10 minutes).
            if (Volatile.Read(ref watched) is { Statistics.Failed: >= 2 })
            {
                retried.TrySetResult();
            }
        });
        await using var handler = new ThreadedAwsHandler(options);
        Volatile.Write(ref watched, handler);
        handler.CreateLogger("Payroll").LogInformation("kept");

        _ = handler.FlushAsync();
        await retried.Task.WaitAsync(FlushBudget);

        var statistics = handler.Statistics;
        Assert.Matches("40[17]", statistics.LastError); // tinyproxy answers 401 where others answer 407
        Assert.Equal(0, statistics.Sent);
        Assert.Equal(0, statistics.Dropped); // kept, as with refused AWS keys: the proxy's password can be fixed while the app runs
        Assert.True(statistics.Failed >= 1);
        lock (selfLog)
        {
            Assert.All(selfLog.Append(statistics.LastError!), line => Assert.DoesNotContain("Wr0ngPassword", line, StringComparison.Ordinal));
        }

        using var client = sqs.CreateClient();
        Assert.Empty(await QueueReader.DrainAsync(client, url));
    }

    [Theory]
    [InlineData("ftp://proxy.corp:21")]
    [InlineData("proxy.corp:3128")]
    [InlineData("http://ops:TopSecret@proxy.corp:3128/path")]
    [InlineData("http://TopSecret@proxy.corp:3128/path")]  // a token as the user name
    [InlineData("http://TopSecret:@proxy.corp:3128/path")]
    public void Validate_ProxyNotAUrlNorNone_ArgumentExceptionNamesItWithoutItsCredentials(string proxy)
    {
        var options = sqs.Options("q");
        options.Proxy = proxy;

        var e = Assert.ThrowsAny<ArgumentException>(options.Validate);

        Assert.Equal(nameof(ThreadedAwsHandlerOptions.Proxy), e.ParamName);
        Assert.DoesNotContain("TopSecret", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null)] // the SDK's default: the system's proxy
    [InlineData("none", "direct", null)]
    [InlineData("NONE", "direct", null)]
    [InlineData("http://proxy.corp:3128", "http://proxy.corp:3128/", null)]
    [InlineData("socks5://ops:p%40ss@proxy.corp:1080", "socks5://proxy.corp:1080/", "p@ss")]
    public void ClientFactory_Proxy_TheSdkClientGetsTheProxyWithItsCredentialsApart(string? proxy, string? expected, string? password)
    {
        var options = sqs.Options("q");
        options.Proxy = proxy;
        using var client = (Amazon.SQS.AmazonSQSClient)SqsClientFactory.Create(options);

        var webProxy = client.Config.GetWebProxy();
        var target = new Uri("https://sqs.eu-west-1.amazonaws.com/");
        var actual = webProxy switch
        {
            null => null,
            _ when webProxy.IsBypassed(target) => "direct",
            _ => webProxy.GetProxy(target)?.ToString(),
        };
        Assert.Equal(expected, actual);
        Assert.Equal(password, (webProxy?.Credentials as NetworkCredential)?.Password);
    }
}
