using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;

namespace ThreadedLogging.Tests.Support;

/// <summary>
/// A desktop app with <c>BufferDirectory</c> that quits while its collector cannot be reached, and its next start
/// (<see cref="Spool.SpoolOfflineDisposeTests"/>, <see cref="Spool.SpoolConnectStallDisposeTests"/>): a real Kestrel on
/// loopback that counts each event it receives by its property <c>N</c> (any other event apart), the spool's directory,
/// the quitting handler's self-log; the quitting handler, whose disposal would wait minutes for a send or a backoff (the
/// test's own timeout fails it, no duration is measured); and the next start, which sends every event once.
/// </summary>
internal sealed class SpooledQuit : IAsyncDisposable
{
    /// <summary>How many events the app logs before it quits (<see cref="LogEvents"/>).</summary>
    public const int Events = 25;

    /// <summary>The quitting handler's <c>MinRetryDelay</c>: its first backoff is 2.5 to 5 min.</summary>
    public static readonly TimeSpan MinRetryDelay = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private readonly int[] _received = new int[Events];
    private int _others;

    private SpooledQuit(LoopbackServer server)
    {
        Server = server;
        server.KeepRequests = false;
        server.Respond = request =>
        {
            using var document = JsonDocument.Parse(request.Body);
            foreach (var item in document.RootElement.GetProperty("events").EnumerateArray())
            {
                if (item.GetProperty("properties").TryGetProperty("N", out var n))
                {
                    Interlocked.Increment(ref _received[n.GetInt32()]);
                }
                else
                {
                    Interlocked.Increment(ref _others);
                }
            }

            return Task.FromResult(Results.Ok());
        };
    }

    /// <summary>Gets the collector (up: every request answered 200, unless a test sets <see cref="LoopbackServer.Refuse"/>).</summary>
    public LoopbackServer Server { get; }

    /// <summary>Gets the spool's directory, the quitting handler's and the next start's.</summary>
    public TempDirectory Directory { get; } = new();

    /// <summary>Gets what the quitting handler said in its self-log.</summary>
    public ConcurrentQueue<string> SelfLog { get; } = new();

    public static async Task<SpooledQuit> StartAsync() => new(await LoopbackServer.StartAsync());

    /// <summary>
    /// The quitting app's handler, sending to <paramref name="host"/>: batches of 10, a <c>ShutdownTimeout</c> of 10 min (a
    /// disposal that waits it out is failed by the test's timeout) and a first backoff of 2.5 to 5 min (MinRetryDelay 5 min:
    /// longer than the test's timeout), its self-log in <see cref="SelfLog"/>; then <paramref name="configure"/>.
    /// </summary>
    public ThreadedHttpHandler Handler(string host, Action<ThreadedHttpHandlerOptions>? configure = null) =>
        new(ThreadedHttpHandlerTests.Options(Server, o =>
        {
            o.Host = host;
            o.BufferDirectory = Directory.Path;
            o.BatchSize = 10;
            o.ShutdownTimeout = TimeSpan.FromMinutes(10);
            o.MinRetryDelay = MinRetryDelay;
            o.MaxRetryDelay = TimeSpan.FromMinutes(10);
            o.SelfLog = SelfLog.Enqueue;
            configure?.Invoke(o);
        }));

    /// <summary>Logs the <see cref="Events"/> events, <c>N</c> from 0, through <paramref name="handler"/>.</summary>
    public static void LogEvents(ThreadedHttpHandler handler)
    {
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < Events; i++)
        {
            logger.LogInformation("quitting {N}", i);
        }
    }

    /// <summary>
    /// After the quitting handler's disposal: it said that every event stays in the spool; then the next start, with the
    /// collector up, adopts them all and sends each once, and nothing else.
    /// </summary>
    public async Task AssertNextStartSendsEachEventOnceAsync()
    {
        Assert.Contains(SelfLog, line => line.Contains($" {Events} events remain in the spool at ", StringComparison.Ordinal));

        Server.Refuse = null;
        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(Server, o => o.BufferDirectory = Directory.Path)))
        {
            Assert.True(next.Flush(Safety));
            Assert.Equal(Events, next.Statistics.Adopted);
        }

        Assert.All(_received, count => Assert.Equal(1, count));
        Assert.Equal(0, Volatile.Read(ref _others));
    }

    /// <summary>Asserts that the collector received each of the <see cref="Events"/> events once, and nothing else.</summary>
    public void AssertEachEventReceivedOnce()
    {
        Assert.All(_received, count => Assert.Equal(1, count));
        Assert.Equal(0, Volatile.Read(ref _others));
    }

    public async ValueTask DisposeAsync()
    {
        Directory.Dispose();
        await Server.DisposeAsync();
    }
}
