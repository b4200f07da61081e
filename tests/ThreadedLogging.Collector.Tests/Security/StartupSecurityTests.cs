using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>Issue 3: off loopback, the collector refuses to start without keys unless explicitly opted out.</summary>
public sealed class StartupSecurityTests
{
    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://192.168.1.10:5080")]
    [InlineData("http://logs.example.com:5080")]
    [InlineData("http://127.0.0.1:0;http://0.0.0.0:0")]
    public void Build_NonLoopbackWithoutKeys_RefusesWithMessage(string urls)
    {
        using var data = new TempDirectory();

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--urls", urls, "--data", data.Path]));

        Assert.Contains("Collector:IngestApiKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Collector:ReadApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Collector:AllowUnauthenticated=true", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Collector:IngestApiKeys:0=good-ingest-key", "--Collector:IngestApiKeys:1=change-me-ingest-key", "Collector:IngestApiKeys:1")]
    [InlineData("--Collector:ReadApiKey=change-me-read-key", "--Collector:AdminApiKey=good-admin-key", "Collector:ReadApiKey")]
    [InlineData("--Collector:ReadApiKey=good-read-key", "--Collector:AdminApiKey=Change-Me-admin", "Collector:AdminApiKey")]
    public void Build_SamplePlaceholderKey_RefusedNamingTheSetting(string first, string second, string setting)
    {
        using var data = new TempDirectory();

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--urls", "http://127.0.0.1:0", "--data", data.Path, first, second]));

        Assert.StartsWith($"{setting} is the sample's placeholder", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("change-me-", error.Message, StringComparison.OrdinalIgnoreCase); // never a key's value
    }

    [Fact]
    public void Build_NonLoopbackWithIngestKeyOnly_RefusesNamingReadKey()
    {
        using var data = new TempDirectory();

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(
            ["--urls", "http://0.0.0.0:0", "--data", data.Path, "--Collector:IngestApiKeys:0=k"]));

        Assert.Contains("Collector:ReadApiKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Collector:IngestApiKeys not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HttpPortsEnvironmentStyle_CountsAsNonLoopback()
    {
        using var data = new TempDirectory();

        Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(["--http_ports", "8080", "--data", data.Path]));
    }

    [Theory]
    [InlineData("--Collector:IngestApiKeys:0=ingest", "--Collector:ReadApiKey=read")]
    [InlineData("--Collector:IngestApiKeys=one,two", "--Collector:ReadApiKey=read")]
    [InlineData("--Collector:AllowUnauthenticated=true", "--Logging:LogLevel:Default=Warning")]
    public async Task Build_NonLoopbackWithKeysOrOptOut_Builds(string first, string second)
    {
        using var data = new TempDirectory();

        // Built, not started: the tests listen on 127.0.0.1 only.
        await using var app = CollectorApp.Build(["--urls", "http://0.0.0.0:0", "--data", data.Path, first, second]);

        Assert.NotNull(app);
    }

    [Fact]
    public async Task Start_KeysAndOptOut_OnLoopbackStillEnforced()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:AllowUnauthenticated=true", "--Collector:ReadApiKey=r");

        using var response = await collector.Client.GetAsync(new Uri("api/events", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void Build_InvalidOption_MessageNamesOptionAndValue()
    {
        using var data = new TempDirectory();

        var error = Assert.Throws<CollectorConfigurationException>(() => CollectorApp.Build(
            ["--urls", "http://127.0.0.1:0", "--data", data.Path, "--Collector:MaxEventsPerBatch=0"]));

        Assert.Contains("Collector:MaxEventsPerBatch must be between 1 and 1000000 (was 0)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("https://LOCALHOST", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.0.0.1:5080", false)]
    [InlineData("http://example.com", false)]
    public void IsLoopback_Url_Classified(string url, bool loopback) =>
        Assert.Equal(loopback, ListenAddresses.IsLoopback(url));
}
