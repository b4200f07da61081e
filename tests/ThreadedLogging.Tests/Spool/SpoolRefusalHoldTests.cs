using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A receiver that refuses the request whatever it carries (a wrong key, a wrong Url, a redirect) while the events are in
/// the spool (<see cref="ThreadedHandlerOptions.BufferDirectory"/>): they are held on disk and sent once it takes them,
/// against a real Kestrel on loopback; from memory they are still dropped.
/// </summary>
public sealed class SpoolRefusalHoldTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private const string HoldBegins = "holding";
    private const string HoldEnds = "The receiver took a batch again after";

    [Theory]
    [InlineData(401)]
    [InlineData(302)]
    [InlineData(404)]
    public async Task Spooled_ReceiverRefusesThenTakes_EveryEventDeliveredOnceNoneDropped(int status)
    {
        // The operator fixes the key (the Url, the proxy) while the events wait on disk: before, every refused batch was
        // dropped, although it was safe in the spool.
        await using var receiver = await RefusingReceiver.StartAsync(status);
        using var directory = new TempDirectory();
        var selfLog = new List<string>();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(receiver.Server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.BatchSize = 10;
            o.SelfLog = Collect(selfLog);
        }));

        LogNumbered(handler, 30);
        await receiver.ThirdRefusal.Task.WaitAsync(Safety); // two answered refused, the third waits for the key to be fixed
        Assert.Equal((0L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped)); // held, not dropped
        Assert.Single(Lines(selfLog), line => line.Contains(HoldBegins, StringComparison.Ordinal)); // said once, before the retries
        receiver.KeyFixed.TrySetResult();

        Assert.True(handler.Flush(Safety));
        Assert.Equal((30L, 0L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Spooled));
        Assert.Equal(Enumerable.Range(0, 30), receiver.Taken); // each once, in order
        var lines = Lines(selfLog);
        Assert.Single(lines, line => line.Contains(HoldBegins, StringComparison.Ordinal));
        var end = Assert.Single(lines, line => line.Contains(HoldEnds, StringComparison.Ordinal));
        Assert.Contains($"HTTP {status}", end, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.Contains("dropped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotSpooled_ReceiverRefuses401_TheRefusedEventsAreDropped()
    {
        // Memory cannot hold for hours: without a spool a refused batch is dropped and counted, as before.
        await using var receiver = await RefusingReceiver.StartAsync(401);
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(receiver.Server, o => o.BatchSize = 10));

        LogNumbered(handler, 30);
        await receiver.ThirdRefusal.Task.WaitAsync(Safety);
        receiver.KeyFixed.TrySetResult();

        Assert.True(handler.Flush(Safety));
        Assert.True(handler.Statistics.Dropped > 0);
        Assert.Equal(30L, handler.Statistics.Sent + handler.Statistics.Dropped);
        Assert.Equal(handler.Statistics.Sent, receiver.Taken.Count);
    }

    [Fact]
    public async Task Spooled_ReceiverStillRefusesAtDisposal_EventsStayOnDiskNextStartSendsEachOnce()
    {
        // The key is fixed only after the app ended: the disposal returns (the hold's retries end at its deadline), says
        // the hold ended with the events kept, counts none dropped, and the next start sends every one once. The receiver
        // refuses by the key each request carries, not by when it arrives: a retry the disposal gave up on may still reach
        // the server later, and it carries the old key.
        const string FixedKey = "fixed-key";
        var taken = new List<int>();
        await using var receiver = await LoopbackServer.StartAsync();
        receiver.Respond = request =>
        {
            if (!request.Headers.TryGetValue("X-Api-Key", out var key) || key != FixedKey)
            {
                return Task.FromResult(Results.Text("refused", statusCode: 401));
            }

            lock (taken)
            {
                taken.AddRange(JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray()
                    .Select(e => e.GetProperty("properties").GetProperty("N").GetInt32()));
            }

            return Task.FromResult(Results.Ok());
        };
        using var directory = new TempDirectory();
        var selfLog = new List<string>();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(receiver, o =>
        {
            o.BufferDirectory = directory.Path;
            o.BatchSize = 10;
            o.ApiKey = "wrong-key";
            o.SelfLog = line =>
            {
                Collect(selfLog)(line);
                if (line.Contains(HoldBegins, StringComparison.Ordinal))
                {
                    holding.TrySetResult();
                }
            };
        }));

        LogNumbered(first, 30);
        await holding.Task.WaitAsync(Safety);
        await first.DisposeAsync().AsTask().WaitAsync(Safety); // a bound on a hang: the retries end at the deadline

        Assert.Equal((0L, 0L), (first.Statistics.Sent, first.Statistics.Dropped));
        var lines = Lines(selfLog);
        Assert.Single(lines, line => line.Contains("The receiver still refused at the handler's disposal", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("dropped", StringComparison.Ordinal) || line.Contains("lost", StringComparison.Ordinal));

        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(receiver, o =>
        {
            o.BufferDirectory = directory.Path;
            o.ApiKey = FixedKey;
        })))
        {
            Assert.True(next.Flush(Safety));
            Assert.Equal((30L, 0L), (next.Statistics.Sent, next.Statistics.Dropped));
        }

        lock (taken)
        {
            Assert.Equal(Enumerable.Range(0, 30), taken); // each once, in order
        }
    }

    private static void LogNumbered(ThreadedHandler handler, int count)
    {
        var logger = handler.CreateLogger("Payroll");
        for (var i = 0; i < count; i++)
        {
            logger.LogInformation("event {N}", i);
        }
    }

    private static Action<string> Collect(List<string> selfLog) => line =>
    {
        lock (selfLog)
        {
            selfLog.Add(line);
        }
    };

    private static List<string> Lines(List<string> selfLog)
    {
        lock (selfLog)
        {
            return [.. selfLog];
        }
    }

    /// <summary>
    /// A real Kestrel receiver of JsonBatch requests that refuses the first 3 with <c>status</c> (a 302 to another path),
    /// answering the third only once <see cref="KeyFixed"/> completes, and takes (200) and records every request after them.
    /// </summary>
    private sealed class RefusingReceiver : IAsyncDisposable
    {
        private readonly List<int> _taken = [];
        private int _requests;

        private RefusingReceiver(LoopbackServer server) => Server = server;

        public LoopbackServer Server { get; }

        /// <summary>Completes when the third request arrived (the first two answered refused).</summary>
        public TaskCompletionSource ThirdRefusal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The test completes it to have the third request answered (refused) and every later one taken.</summary>
        public TaskCompletionSource KeyFixed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Taken
        {
            get
            {
                lock (_taken)
                {
                    return [.. _taken];
                }
            }
        }

        public static async Task<RefusingReceiver> StartAsync(int status)
        {
            var receiver = new RefusingReceiver(await LoopbackServer.StartAsync());
            receiver.Server.Respond = async request =>
            {
                var number = Interlocked.Increment(ref receiver._requests);
                if (number <= 3)
                {
                    if (number == 3)
                    {
                        receiver.ThirdRefusal.TrySetResult();
                        await receiver.KeyFixed.Task.WaitAsync(Safety);
                    }

                    return status switch
                    {
                        302 => Results.Redirect("/elsewhere"),
                        _ => Results.Text("refused", statusCode: status),
                    };
                }

                var numbers = JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray()
                    .Select(e => e.GetProperty("properties").GetProperty("N").GetInt32()).ToList();
                lock (receiver._taken)
                {
                    receiver._taken.AddRange(numbers);
                }

                return Results.Ok();
            };
            return receiver;
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
