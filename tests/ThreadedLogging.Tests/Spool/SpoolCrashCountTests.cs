using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// What a handler stopped in the middle of a spooled delivery leaves for the next one on the same
/// <see cref="ThreadedHandlerOptions.BufferDirectory"/>: events it settled are not counted again, against a real Kestrel on loopback.
/// </summary>
public sealed class SpoolCrashCountTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    private static ThreadedHttpHandler Handler(LoopbackServer server, string directory, Action<ThreadedHttpHandlerOptions>? configure = null) =>
        new(Http.ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory;
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        }));

    [Fact]
    public async Task SpooledRecordAllRefusedAlone_StoppedDuringTheBackoff_NextHandlerDoesNotCountThemAgain()
    {
        // The round dropped the record's 3 events, each refused alone, then waited the backoff (an hour) before the record
        // was acknowledged: the disposal's deadline ended that wait, the record stayed on disk, and the next handler adopted
        // it and counted its 3 events dropped a second time. Now the record is acknowledged before the wait.
        await using var server = await LoopbackServer.StartAsync();
        server.Respond = _ => Task.FromResult(Results.Text("refused", statusCode: 400));
        using var directory = new TempDirectory();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Handler(server, directory.Path, o =>
        {
            o.BatchSize = 3;
            o.MinRetryDelay = o.MaxRetryDelay = TimeSpan.FromHours(1); // the backoff outlasts the test
            o.SelfLog = line =>
            {
                if (line.Contains("the next batch waits the backoff", StringComparison.Ordinal))
                {
                    waiting.TrySetResult();
                }
            };
        });
        var logger = first.CreateLogger("Payroll");
        for (var i = 0; i < 3; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        _ = first.FlushAsync();
        await waiting.Task.WaitAsync(Safety); // the round ended: 3 refused alone, the backoff begins
        await first.DisposeAsync(); // its deadline ends the wait
        var requests = server.Requests.Count;
        Assert.Equal((0L, 3L, 0L), (first.Statistics.Sent, first.Statistics.Dropped, first.Statistics.Spooled));

        await using var second = Handler(server, directory.Path);
        Assert.True(second.Flush(Safety));

        Assert.Equal((0L, 0L, 0L), (second.Statistics.Adopted, second.Statistics.Sent, second.Statistics.Dropped));
        Assert.Equal(requests, server.Requests.Count); // nothing sent again
    }
}
