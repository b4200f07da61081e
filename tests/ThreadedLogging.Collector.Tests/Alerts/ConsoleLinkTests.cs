using ThreadedLogging.Collector.Alerts;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>A rule's console link carries every filter of its query the console takes, so the page shows the events it counted.</summary>
public sealed class ConsoleLinkTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Path_RuleOnOneVersion_LinkKeepsTheVersionWithItsPlusEscaped()
    {
        var errors = new List<string>();
        var rule = AlertRule.Create(new AlertRuleOptions { Name = "r", Query = "level=Error&app=Shop&version=2.1.0%2Babc&machine=PC-1", Webhook = "http://127.0.0.1:9/hook" }, f => f, TimeSpan.FromMinutes(1), new CollectorOptions(), errors);
        Assert.Empty(errors);

        var path = ConsoleLink.Path(rule!, From, From.AddHours(1));

        Assert.Contains("&app=Shop&version=2.1.0%2Babc&machine=PC-1", path, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_RuleOnEventsWithoutAMachineOrVersion_LinkCarriesTheConsolesNoneFilters()
    {
        var errors = new List<string>();
        var rule = AlertRule.Create(new AlertRuleOptions { Name = "r", Query = "level=Error&app=Shop&noVersion=true&noMachine=true", Webhook = "http://127.0.0.1:9/hook" }, f => f, TimeSpan.FromMinutes(1), new CollectorOptions(), errors);
        Assert.Empty(errors);

        var path = ConsoleLink.Path(rule!, From, From.AddHours(1));

        // The console's own keys (state.js): without them the view listed Shop's events of every version and machine.
        Assert.Contains("&noversion=1&nomachine=1&app=Shop", path, StringComparison.Ordinal);
        Assert.DoesNotContain("noApp", path, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Path_RuleOnOneVersionExactly_LinkCarriesTheConsolesExactVersion()
    {
        var errors = new List<string>();
        var rule = AlertRule.Create(new AlertRuleOptions { Name = "r", Query = "level=Error&version=2.4.1&exactVersion=true", Webhook = "http://127.0.0.1:9/hook" }, f => f, TimeSpan.FromMinutes(1), new CollectorOptions(), errors);
        Assert.Empty(errors);

        var path = ConsoleLink.Path(rule!, From, From.AddHours(1));

        // Without it the view listed 2.4.1's builds too (2.4.1+3f2a9c1), which the rule did not count.
        Assert.Contains("&version=2.4.1&exactversion=1", path, StringComparison.Ordinal);
    }
}
