using System.Globalization;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// Issue 14 (a burst's caller shares two cores with the logger): the worker's CPU work — records read back into events,
/// a batch written as JSON and compressed — runs on a thread of its own below the app's priority, so that the app's
/// threads come first. On Linux a thread's nice value is inherited by the threads it creates and cannot be raised back
/// without privilege, so no other thread of the process may end up lowered.
/// </summary>
public sealed class WorkerLaneTests
{
    [Fact]
    public void Run_StepRunsOnTheLanesThread_ItsResultReturned_ItsExceptionRethrownAndTheLaneGoesOn()
    {
        using var lane = WorkerLane.Start(ThreadPriority.BelowNormal, "lane test")!;
        var caller = Environment.CurrentManagedThreadId;

        var ran = WorkerLane.Run(lane, static _ => Thread.CurrentThread.Name, 0);
        Assert.Equal("lane test", ran);
        Assert.NotEqual(caller, WorkerLane.Run(lane, static _ => Environment.CurrentManagedThreadId, 0));

        var thrown = Assert.Throws<InvalidOperationException>(() => WorkerLane.Run<int, int>(lane, static _ => throw new InvalidOperationException("step failed"), 0));
        Assert.Equal("step failed", thrown.Message);
        Assert.Equal(42, WorkerLane.Run(lane, static x => x * 2, 21));
        Assert.Equal(4, lane.StepsRun);
    }

    [Fact]
    public void Run_NoLaneOrAfterDispose_RunsInPlace()
    {
        Assert.Null(WorkerLane.Start(ThreadPriority.Normal, "none"));
        var caller = Environment.CurrentManagedThreadId;
        Assert.Equal(caller, WorkerLane.Run(null, static _ => Environment.CurrentManagedThreadId, 0));

        var lane = WorkerLane.Start(ThreadPriority.Lowest, "lane test")!;
        lane.Dispose();
        Assert.True(lane.Thread.Join(TimeSpan.FromMinutes(1)), "the lane's thread ends once disposed");
        Assert.Equal(caller, WorkerLane.Run(lane, static _ => Environment.CurrentManagedThreadId, 0));
    }

    [Theory]
    [InlineData(ThreadPriority.BelowNormal, 10)]
    [InlineData(ThreadPriority.Lowest, 19)]
    public void Lane_OnLinux_ItsThreadAloneIsLowered(ThreadPriority priority, int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var lane = WorkerLane.Start(priority, "lane test")!;
        Assert.Equal(nice, WorkerLane.Run(lane, static _ => NiceOf("thread-self"), 0));
        Assert.Equal(nice, lane.Nice);
        Assert.Equal(0, NiceOf("thread-self")); // the caller's thread is untouched
    }

    [Fact]
    public async Task Handler_AtDefaults_ReadsRecordsAndWritesBatchesOnItsLane_AndNoOtherThreadOfTheProcessIsLowered()
    {
        await using var server = await LoopbackServer.StartAsync();
        var decodedOn = new HashSet<string?>();
        using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions { CaptureUnhandledExceptions = false, Host = server.Host, Url = "/lane", Format = HttpLogFormat.JsonBatch, BatchSize = 100 });
        var lane = handler.WorkerLane;
        Assert.NotNull(lane);
        Assert.Equal(ThreadPriority.BelowNormal, lane.Priority);
        handler.Queue.DecodeFault = _ =>
        {
            lock (decodedOn)
            {
                decodedOn.Add(Thread.CurrentThread.Name);
            }
        };

        var logger = handler.CreateLogger("Lane");
        for (var i = 0; i < 1_000; i++)
        {
            logger.LogInformation("Event {N} of {Total}", i, 1_000);
        }

        Assert.True(handler.Flush(TimeSpan.FromMinutes(5)));
        Assert.Equal(1_000, handler.Statistics.Sent);
        Assert.Equal(["ThreadedLogging worker"], decodedOn); // every record was read back on the lane

        // Each batch: one step to fill it, one to write it (10 batches of 100 at least; more fills that found nothing).
        Assert.True(lane.StepsRun >= 20, $"{lane.StepsRun} steps on the lane");
        Assert.True(server.Requests.Count >= 10);

        if (OperatingSystem.IsLinux())
        {
            // Only lanes (this handler's, and those of other tests' handlers in this process) are below normal: a thread
            // a lane had started (a pool thread) would have stayed lowered for good.
            var lowered = Directory.GetDirectories("/proc/self/task")
                .Select(task => (Nice: NiceOf("self/task/" + Path.GetFileName(task)), Name: File.ReadAllText(Path.Combine(task, "comm")).Trim()))
                .Where(t => t.Nice != 0)
                .ToList();
            Assert.NotEmpty(lowered);
            Assert.All(lowered, t => Assert.Equal("ThreadedLogging", t.Name)); // comm keeps 15 characters of "ThreadedLogging worker"
        }
    }

    [Fact]
    public async Task HttpSink_JsonBatchWrittenOnTheLane()
    {
        await using var server = await LoopbackServer.StartAsync();
        var options = new ThreadedHttpHandlerOptions { Host = server.Host, Url = "/lane", Format = HttpLogFormat.JsonBatch };
        using var sink = new HttpBatchSink(options);
        using var lane = WorkerLane.Start(ThreadPriority.BelowNormal, "lane test")!;
        sink.Lane = lane;
        var identity = new LogIdentity { App = "a", Version = "1", User = "u", Machine = "m", ProcessId = 1, InstanceId = "i" };
        var logEvent = new LogEvent { Category = "Lane", Level = LogLevel.Information, Timestamp = DateTimeOffset.UnixEpoch };
        logEvent.SetMessage("written on the lane");

        var result = await sink.SendAsync(new LogBatch("b1", [logEvent], identity), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Equal(1, lane.StepsRun);
        Assert.Contains("written on the lane", Assert.Single(server.Requests).BodyText, StringComparison.Ordinal);
    }

    /// <summary>The nice value of <c>/proc/{task}/stat</c> (its 19th field; the 2nd, the name, may hold spaces).</summary>
    private static int NiceOf(string task)
    {
        var stat = File.ReadAllText($"/proc/{task}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture); // field 19 counted from the state, field 3
    }
}
