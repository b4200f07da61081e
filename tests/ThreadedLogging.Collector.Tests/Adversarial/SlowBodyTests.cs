using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 §1: admission slots were taken before the body was read, so uploads trickling a few bytes
/// a second kept every other client at 429. Raw sockets: HttpClient cannot send a body this way.
/// </summary>
public sealed class SlowBodyTests
{
    private const int Tricklers = 8;

    [Fact]
    public async Task Ingest_MoreTricklingBodiesThanAdmissionSlots_NormalClientServedAndTricklersGet408()
    {
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:MaxPendingIngests=2", "--Collector:RequestBodyTimeout=00:00:05", "--Collector:MinRequestBodyBytesPerSecond=0");
        var tricklers = new List<RawHttp>();
        try
        {
            for (var i = 0; i < Tricklers; i++)
            {
                // Half on the decoder endpoints (CLEF), half on /log: both read the body before admission.
                tricklers.Add(await StartTrickleAsync(collector, i % 2 == 0 ? "/log/trickler-" + i : "/ingest/clef"));
            }

            // Four times more bodies being read than admission slots, and a normal client still gets in.
            await StillServing.AssertAsync(collector);

            foreach (var trickler in tricklers)
            {
                var (status, head, body) = await trickler.ReadResponseAsync();
                Assert.True(status == 408, head + body);
                Assert.Contains("Collector:RequestBodyTimeout", Http.Error(body), StringComparison.Ordinal);
                await trickler.WaitForCloseAsync();
            }

            Assert.Empty(await collector.EventsAsync("q=slow"));
            await StillServing.AssertAsync(collector);
        }
        finally
        {
            tricklers.ForEach(t => t.Dispose());
        }
    }

    [Fact]
    public async Task Ingest_BodySlowerThanMinimumRate_CutOffWith408AndNothingStored()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:MinRequestBodyBytesPerSecond=1024");
        using var trickler = await StartTrickleAsync(collector, "/log/slowpoke");

        // Nothing more is sent: after the grace period Kestrel's minimum data rate ends the request.
        var (status, _, _) = await trickler.ReadResponseAsync();

        Assert.Equal(408, status);
        Assert.Empty(await collector.EventsAsync("q=slow"));
        await StillServing.AssertAsync(collector);
    }

    /// <summary>Sends the head with <c>Expect: 100-continue</c>, waits for the 100 (the app is reading the body), sends a first line.</summary>
    private static async Task<RawHttp> StartTrickleAsync(CollectorFixture collector, string target)
    {
        var raw = await RawHttp.ConnectAsync(collector.BaseAddress);
        var contentType = target.StartsWith("/log/", StringComparison.Ordinal) ? "application/x-ndjson" : "application/vnd.serilog.clef";
        await raw.SendAsync(RawHttp.Head("POST", target, collector.BaseAddress,
            "Content-Type: " + contentType, "Content-Length: 100000", "Expect: 100-continue"));
        var (status, _, _) = await raw.ReadResponseAsync();
        Assert.Equal(100, status);
        await raw.SendAsync(Encoding.UTF8.GetBytes("{\"message\":\"slow\"}\n"));
        return raw;
    }
}
