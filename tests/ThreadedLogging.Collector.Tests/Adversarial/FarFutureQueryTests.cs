using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>Issue 15 §7: a <c>to</c> after 2248 overflowed the id bound and answered <c>[]</c> while events existed.</summary>
public sealed class FarFutureQueryTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/times",
            Http.Utf8("""{"events":[{"message":"old","timestamp":"1970-01-01T00:00:00.001Z"},{"message":"now"}]}"""), "application/json");
        Assert.True(status == HttpStatusCode.OK, body);
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("to=2300-01-01T00:00:00Z", new[] { "now", "old" })]
    [InlineData("to=2248-09-26T15:10:22.207Z", new[] { "now", "old" })]
    [InlineData("to=9999-12-31T23:59:59.9999999Z", new[] { "now", "old" })]
    [InlineData("from=2300-01-01T00:00:00Z", new string[0])]
    [InlineData("from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", new[] { "now", "old" })]
    [InlineData("to=1970-01-01T00:00:00.001Z", new[] { "old" })]
    [InlineData("to=1969-12-31T23:59:59Z", new string[0])]
    public async Task Events_TimeBoundsAtAndBeyondTheIdRange_ExactAnswer(string query, string[] expected)
    {
        Assert.Equal(expected, await StillServing.MessagesAsync(_collector, "user=times&" + query));
        await StillServing.AssertAsync(_collector);
    }
}
