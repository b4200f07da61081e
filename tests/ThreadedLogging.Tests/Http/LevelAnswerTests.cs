using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// The <c>levels</c> of an ingest answer come from whatever answers at the handler's host (a proxy, another
/// version of the collector): an answer the handler cannot read carries no rules, and the batch stays sent.
/// </summary>
public sealed class LevelAnswerTests
{
    public static TheoryData<string, int?> OddAnswers => new()
    {
        { """{"levels":[{"category":"","level":2,"expires":"2030-01-01T00:00:00Z"}]}""", 0 },
        { """{"levels":[{"category":"","level":"Debug","expires":20300101}]}""", 0 },
        { """{"levels":[{"category":"","level":["Debug"],"expires":{"at":"2030"}}]}""", 0 },
        { """{"levels":[{"category":7,"level":"Debug","expires":"2030-01-01T00:00:00Z"}]}""", 0 },
        { """{"levels":[{"level":"Debug","expires":"not a time"}, 5, null, "x", {"category":"Pay","level":"Trace","expires":"2030-01-01T00:00:00Z"}]}""", 1 },
        { """{"levels":{"level":"Debug"}}""", null },
        { """{"levels":[{"level":"Debug","expires":"2030-01-01T00:00:00Z"}""", null },
        { "[1, 2, 3]", null },
        { "\"levels\"", null },
    };

    [Theory]
    [MemberData(nameof(OddAnswers))]
    public void Read_OddShapes_SkippedNeverAnException(string answer, int? readable)
    {
        var rules = LevelAnswer.Read(System.Text.Encoding.UTF8.GetBytes(answer));

        Assert.Equal(readable, rules?.Count);
    }

    [Fact]
    public async Task Send_AnswerWithANumberForALevel_BatchSentOnceAndNotRetried()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.Text("""{"levels":[{"category":"","level":2,"expires":"2030-01-01T00:00:00Z"}]}""", "application/json"));
        var options = new ThreadedHttpHandlerOptions { CaptureUnhandledExceptions = false, Host = server.Host, Url = "/log/alice", Method = "POST", Format = HttpLogFormat.JsonBatch };
        await using (var handler = new ThreadedHttpHandler(options))
        {
            handler.CreateLogger("Payroll").LogInformation("Paid {Employee}", "e1");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, handler.Statistics.Sent);
            Assert.Equal(0, handler.Statistics.Failed);
        }

        Assert.Single(server.Requests);
    }
}
