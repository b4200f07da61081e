using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// <c>Collector:Identity</c> names the properties that carry an event's user (and app, version, machine). Given as one
/// value, as the README shows it and the command line and environment give it, it was skipped by the binder (only
/// indexed items were read) and the defaults stayed: Serilog's <c>EnvironmentUserName</c> events had no user.
/// </summary>
public sealed class IdentitySettingTests
{
    private const string Event = """{"@t":"2026-11-30T10:00:00Z","@mt":"signed in","EnvironmentUserName":"vm\\root","Login":"alice","UserName":"bob"}""";

    [Theory]
    [InlineData("vm\\root", "--Collector:Identity:User=EnvironmentUserName")]
    [InlineData("alice", "--Collector:Identity:User=Login, EnvironmentUserName")] // a list, first present wins
    [InlineData("alice", "--Collector:Identity:User:0=Login", "--Collector:Identity:User:1=EnvironmentUserName")]
    [InlineData("bob")] // the default names
    public async Task Clef_IdentityUserSetting_NamesTheUsersProperty(string user, params string[] args)
    {
        await using var collector = await CollectorFixture.StartAsync(args);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", Http.Utf8(Event + "\n"), "application/vnd.serilog.clef");

        Assert.True(status == HttpStatusCode.Created, body);
        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal(user, stored.GetProperty("user").GetString());
    }
}
