using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// A receiver that takes the request and never answers (real Kestrel, the answer gated): until the request timeout the
/// send fails nothing and sets no error, so <see cref="ThreadedHandlerStatistics.SendingSince"/> is what tells of it.
/// </summary>
public sealed class HungSendTests
{
    [Fact]
    public async Task Statistics_ReceiverNeverAnswers_SendingSinceIsWhenTheSendBeganUntilItsAnswer()
    {
        var began = new DateTimeOffset(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(began);
        var answer = new TaskCompletionSource<IResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => answer.Task;
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => (o.TimeProvider, o.RequestTimeout) = (time, TimeSpan.FromMinutes(10))));
        Assert.Null(handler.Statistics.SendingSince);

        handler.CreateLogger("Payroll").LogInformation("Paid {Employee}", "e1");
        var flushed = handler.FlushAsync();
        await server.WaitForRequestsAsync(1);
        time.Advance(TimeSpan.FromSeconds(40)); // the send has waited 40 s on the handler's clock

        var hung = handler.Statistics;
        Assert.Equal(began, hung.SendingSince);
        Assert.Equal((0L, 0L, (string?)null, false), (hung.Failed, hung.Sent, hung.LastError, hung.CircuitOpen)); // all the rest says nothing is wrong

        answer.SetResult(Results.Ok());
        Assert.True(await flushed.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((1L, (DateTimeOffset?)null), (handler.Statistics.Sent, handler.Statistics.SendingSince));
    }
}
