using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

public sealed class RedactorTests
{
    [Fact]
    public void IsSensitive_NameAskedAgain_SameVerdictFromTheCacheWhateverTheStringObject()
    {
        var redactor = new Redactor(["password", "api_key"]);
        const string name = "Password";

        Assert.True(redactor.IsSensitive(name));
        Assert.True(redactor.IsSensitive(name)); // the cached verdict
        Assert.True(redactor.IsSensitive(new string(name.AsSpan()))); // same text, another object
        Assert.True(redactor.IsSensitive("X-ApiKey"));
        Assert.False(redactor.IsSensitive("UserId"));
        Assert.False(redactor.IsSensitive("UserId"));
    }

    [Fact]
    public void IsSensitive_NoPatterns_NothingIsSensitive()
    {
        var redactor = new Redactor([]);

        Assert.False(redactor.IsSensitive("password"));
    }

    [Fact]
    public async Task Worker_SameCallSiteManyTimes_EveryEventRedacted()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) });
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 100; i++)
        {
            logger.LogInformation("Login {UserId} with {Password}", i, "hunter2");
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(100, sink.Delivered.Count);
        Assert.All(sink.Delivered, e => Assert.EndsWith(" with ***", e.Message, StringComparison.Ordinal));
        Assert.All(sink.Delivered, e => Assert.Equal("***", e.Properties.Single(p => p.Key == "Password").Value));
    }
}
