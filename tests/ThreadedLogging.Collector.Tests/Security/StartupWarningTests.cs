using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>Security review: weak but allowed settings (short keys, keys over plain http off loopback) are warned about once at start.</summary>
public sealed class StartupWarningTests
{
    [Fact]
    public async Task Build_ShortKeys_OneWarningPerSettingNamingItNeverTheKey()
    {
        var log = await BuildAsync(
            "http://127.0.0.1:0",
            "--Collector:IngestApiKeys:0=AAAAAAAAAAAAAAAAAAAAAAAA", "--Collector:IngestApiKeys:1=short-ingest",
            "--Collector:ReadApiKey=short-read", "--Collector:AdminApiKey=BBBBBBBBBBBBBBBB");

        var warnings = log.Where(m => m.Contains("short key", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Collector:IngestApiKeys:1 is 12 characters long", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("Collector:ReadApiKey is 10 characters long", warnings[1], StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.Contains("openssl rand -hex 32", w, StringComparison.Ordinal));
        Assert.DoesNotContain(log, m => m.Contains("short-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_LongKeysOnLoopback_NoWarning()
    {
        var log = await BuildAsync("http://127.0.0.1:0", "--Collector:IngestApiKeys:0=AAAAAAAAAAAAAAAAAAAAAAAA", "--Collector:ReadApiKey=BBBBBBBBBBBBBBBB");

        Assert.Empty(log);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0", true)]
    [InlineData("http://127.0.0.1:0;http://192.168.1.10:5080", true)]
    [InlineData("https://0.0.0.0:0", false)]
    [InlineData("http://localhost:0", false)]
    public async Task Build_KeysOverPlainHttpOffLoopback_OneWarningNamingTheAddress(string urls, bool warned)
    {
        var log = await BuildAsync(urls, "--Collector:IngestApiKeys:0=AAAAAAAAAAAAAAAAAAAAAAAA", "--Collector:ReadApiKey=BBBBBBBBBBBBBBBB");

        if (warned)
        {
            var warning = Assert.Single(log);
            Assert.Contains(urls.Split(';')[^1], warning, StringComparison.Ordinal);
            Assert.Contains("clear text", warning, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(log);
        }
    }

    [Fact]
    public async Task Build_KeysWithHttpsPortsOrKestrelHttpsEndpoint_NoClearTextWarning()
    {
        string[] keys = ["--Collector:IngestApiKeys:0=AAAAAAAAAAAAAAAAAAAAAAAA", "--Collector:ReadApiKey=BBBBBBBBBBBBBBBB"];

        // HTTPS_PORTS was read as http://*:port; --urls beside Kestrel:Endpoints is not bound (the systemd unit's
        // --urls http://0.0.0.0:5080 plus README's certificate endpoint warned of an address Kestrel never listens on).
        var ports = await BuildAsync("https://127.0.0.1:0", [.. keys, "--https_ports=5443"]);
        var endpoint = await BuildAsync("http://0.0.0.0:5080", [.. keys, "--Kestrel:Endpoints:Https:Url=https://0.0.0.0:0"]);

        Assert.DoesNotContain(ports, m => m.Contains("clear text", StringComparison.Ordinal));
        Assert.DoesNotContain(endpoint, m => m.Contains("clear text", StringComparison.Ordinal));
    }

    /// <summary>Builds the collector (the warnings are logged then; nothing listens) and returns its warnings.</summary>
    private static async Task<List<string>> BuildAsync(string urls, params string[] args)
    {
        using var data = new TempDirectory();
        var log = new CollectingLoggerProvider();
        var app = CollectorApp.Build(["--urls", urls, "--data", data.Path, .. args], services => services.AddSingleton<ILoggerProvider>(log));
        await app.DisposeAsync();
        // The keys are given on the command line here, which has a warning of its own (SecretExposureTests): not these tests'.
        return [.. log.Entries.Where(e => e.Category.StartsWith("ThreadedLogging", StringComparison.Ordinal)).Select(e => e.Message)
            .Where(m => !m.StartsWith("Secrets on the command line", StringComparison.Ordinal))];
    }
}
