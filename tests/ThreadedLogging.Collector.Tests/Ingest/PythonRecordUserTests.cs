using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// Whose event a CPython <c>HTTPHandler</c> record is: the user named by its path (<c>/log/priya</c>), even when the app
/// logs a <c>user</c> of its own with <c>extra=</c>; that field stays a property (docs/WIRE-FORMAT.md §2).
/// </summary>
public sealed class PythonRecordUserTests
{
    private const string Script = """
        import logging, logging.handlers, sys
        handler = logging.handlers.HTTPHandler(sys.argv[1], '/log/priya', method='POST')
        log = logging.getLogger('accounts')
        log.propagate = False
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.info('Password reset for %s', 'someone-else', extra={'user': 'someone-else', 'ticket': 'T-7'})
        log.info('Own profile viewed', extra={'user': 'priya'})
        """;

    [Fact]
    public async Task HttpHandler_ExtraUserOtherThanPath_StoredUnderPathUserExtraKeptAsProperty()
    {
        await using var collector = await CollectorFixture.StartAsync();

        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority);

        var events = await collector.EventsAsync("user=priya");
        Assert.Equal(2, events.Count);
        Assert.Empty(await collector.EventsAsync("user=someone-else"));
        var reset = Assert.Single(await collector.EventsAsync("property=user%3Dsomeone-else"));
        Assert.Equal("priya", reset.GetProperty("user").GetString());
        Assert.Equal("Password reset for someone-else", reset.GetProperty("message").GetString());
        Assert.Equal("T-7", reset.GetProperty("properties").GetProperty("ticket").GetString());
        var own = events.Single(e => e.GetProperty("message").GetString() == "Own profile viewed");
        Assert.False(own.GetProperty("properties").TryGetProperty("user", out _), "a user equal to the path's is not repeated as a property");
    }

    [Fact]
    public async Task DeleteUser_PathUserOfRecordsWithExtraUser_ErasesThemAll()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority);
        Assert.Equal(2, (await collector.EventsAsync("user=priya")).Count);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/priya");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Empty(await collector.EventsAsync());
    }
}
