using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>Every bad alert setting stops the start with a reason naming it (and never quoting the webhook's path or a header).</summary>
public sealed class AlertRuleStartupTests
{
    private const string Hook = "--Collector:Alerts:Rules:0:Webhook=https://hooks.example.com/services/secret-path-XYZ";
    private const string Name = "--Collector:Alerts:Rules:0:Name=errors";

    [Theory]
    [InlineData("Collector:Alerts:Rules:0:Query: unknown parameter 'lvl' (app, user,", Name, Hook, "--Collector:Alerts:Rules:0:Query=lvl=Error")]
    [InlineData("Collector:Alerts:Rules:0:Query: parameter 'level' must be Trace (or Verbose, TRC), Debug (DBG), Information (Info, INF), Warning (Warn, WRN), Error (Fail, ERR) or Critical (Crit, CRT, Fatal), in any case, or 0 to 5 (was 'Eror')", Name, Hook, "--Collector:Alerts:Rules:0:Query=level=Eror")]
    [InlineData("Collector:Alerts:Rules:0:Query: parameter 'from' is not taken by a rule", Name, Hook, "--Collector:Alerts:Rules:0:Query=level=Error&from=2026-12-01")]
    [InlineData("Collector:Alerts:Rules:0:Query: parameter 'limit' is not taken by a rule", Name, Hook, "--Collector:Alerts:Rules:0:Query=limit=5")]
    [InlineData("Collector:Alerts:Rules:0:Query: parameter 'q' has a quote that is not closed", Name, Hook, "--Collector:Alerts:Rules:0:Query=q=\"timeout")]
    [InlineData("Collector:Alerts:Rules:0:Name must be 1 to 100 characters", Hook)]
    [InlineData("Collector:Alerts:Rules:0:Webhook must be an absolute http or https address (it is not set)", Name)]
    [InlineData("Collector:Alerts:Rules:0:Webhook must be an absolute http or https address.", Name, "--Collector:Alerts:Rules:0:Webhook=ftp://hooks.example.com/secret-path-XYZ")]
    [InlineData("Collector:Alerts:Rules:0:Webhook has a user name or password in its address (https://…@hooks.example.com)", Name, "--Collector:Alerts:Rules:0:Webhook=https://u:secret-path-XYZ@hooks.example.com/x")]
    [InlineData("Collector:Alerts:Rules:0:Threshold must be between 1 and 1000000 (was 0)", Name, Hook, "--Collector:Alerts:Rules:0:Threshold=0")]
    [InlineData("Collector:Alerts:Rules:0:Window must be between Collector:Alerts:Interval (00:01:00) and 7.00:00:00, so that no event falls between two evaluations (was 00:00:30)", Name, Hook, "--Collector:Alerts:Rules:0:Window=00:00:30")]
    [InlineData("Collector:Alerts:Rules:0:Cooldown must be between 00:00:00 and 30.00:00:00 (was -00:00:01)", Name, Hook, "--Collector:Alerts:Rules:0:Cooldown=-00:00:01")]
    [InlineData("Collector:Alerts:Interval must be between 00:00:01 and 01:00:00 (was 00:00:00)", "--Collector:Alerts:Interval=00:00:00")]
    [InlineData("Collector:Alerts:Rules:0:Headers:X Bad is not a header a notification can carry", Name, Hook, "--Collector:Alerts:Rules:0:Headers:X Bad=secret-path-XYZ")]
    [InlineData("Collector:Alerts:Rules:0:Headers:Authorization must be a non-empty value of printable ASCII characters", Name, Hook, "--Collector:Alerts:Rules:0:Headers:Authorization=secret-path-XYZ\n")]
    [InlineData("Collector:Alerts:Rules:1:Name 'Errors' is the name of an earlier rule", Name, Hook, "--Collector:Alerts:Rules:1:Name=Errors", "--Collector:Alerts:Rules:1:Webhook=https://hooks.example.com/secret-path-XYZ")]
    [InlineData("Collector:Alerts:Rules:0:Nmae is not a setting (Name, Query, Threshold, Window, Cooldown, Webhook, Headers)", Hook, "--Collector:Alerts:Rules:0:Nmae=errors")]
    [InlineData("Collector:Alerts:Rules:0:Window is '5m', which is not a duration written [d.]hh:mm:ss", Name, Hook, "--Collector:Alerts:Rules:0:Window=5m")]
    [InlineData("Collector:PublicUrl must be an absolute http or https address without a query", "--Collector:PublicUrl=logs.example.com")]
    public async Task Start_BadAlertSetting_RefusedNamingItNeverTheSecret(string reason, params string[] args)
    {
        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(async () =>
        {
            await using var collector = await CollectorFixture.StartAsync(args);
        });

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_BadAlertQuery_ExitCode2NamingTheRuleAndTheParameter()
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["Collector__Alerts__Rules__0__Name"] = "errors",
            ["Collector__Alerts__Rules__0__Query"] = "lvl=Error",
            ["Collector__Alerts__Rules__0__Webhook"] = "https://hooks.example.com/services/secret-path-XYZ",
        };

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync(environment, "--urls", "http://127.0.0.1:0", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("Collector:Alerts:Rules:0:Query: unknown parameter 'lvl'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", stderr + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_GoodRules_TheirQueriesShownAsWritten()
    {
        await using var collector = await CollectorFixture.StartAsync(
            Name, Hook, "--Collector:Alerts:Rules:0:Query=?levels=Critical&property=OrderId=1000&q=\"timed out\"",
            "--Collector:Alerts:Rules:1:Name=none", "--Collector:Alerts:Rules:1:Webhook=http://127.0.0.1:9/", "--Collector:Alerts:Rules:1:Query=noUser=true&template=Payment {Id} failed");

        var alerts = (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts");

        Assert.Equal("levels=Critical&property=OrderId=1000&q=\"timed out\"", alerts[0].GetProperty("query").GetString());
        Assert.Equal("00:05:00", alerts[0].GetProperty("window").GetString());
        Assert.Equal("00:05:00", alerts[0].GetProperty("cooldown").GetString());
        Assert.Equal(1, alerts[0].GetProperty("threshold").GetInt32());
        Assert.Equal("hooks.example.com", alerts[0].GetProperty("webhookHost").GetString());
        Assert.Equal("noUser=true&template=Payment {Id} failed", alerts[1].GetProperty("query").GetString());
    }
}
