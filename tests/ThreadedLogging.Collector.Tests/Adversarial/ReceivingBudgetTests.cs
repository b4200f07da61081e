using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Bodies are received before admission (a slow sender holds no slot), so each connection that announced a large body used to
/// hold that much memory, without limit: 40 connections sending 10 MB each took the collector from 174 to 586 MB.
/// Collector:MaxReceivingBytes bounds them all; past it a request is refused with 429 and Retry-After.
/// </summary>
public sealed class ReceivingBudgetTests
{
    private const int BodyBytes = 1_000_000;

    [Fact]
    public async Task Ingest_BodiesBeingReceivedFillTheBudget_NextLargeBody429RetryAfterSmallOneServedAllStoredOnceDone()
    {
        // 4 MiB for the four held bodies and 64 KiB to spare, where a small body fits and a fifth large one does not.
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=4259840", "--Collector:MinRequestBodyBytesPerSecond=0");
        var held = new List<RawHttp>();
        try
        {
            // Four bodies of 1,000,000 bytes announced and being read (the 100 Continue says so): four arrays of 1 MiB taken,
            // from two addresses (one address holds at most half).
            for (var i = 0; i < 4; i++)
            {
                held.Add(await StartBodyAsync(collector, "held-" + i, from: Address(i % 2)));
            }

            Assert.Equal(4L * 1024 * 1024, collector.Services.GetRequiredService<BodyBudget>().InUse);

            // A fifth, from a third address, does not fit: refused before a byte of it is read.
            using (var refused = await RawHttp.ConnectAsync(collector.BaseAddress, Address(2)))
            {
                await refused.SendAsync(RawHttp.Head("POST", "/log/refused", collector.BaseAddress,
                    "Content-Type: application/x-ndjson", "Content-Length: " + BodyBytes, "Expect: 100-continue"));
                var (status, head, body) = await refused.ReadResponseAsync();
                Assert.True(status == 429, head + body);
                Assert.Contains("Retry-After: 2", head, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("Collector:MaxReceivingBytes", Http.Error(body), StringComparison.Ordinal);
            }

            // A small one still fits.
            await StillServing.AssertAsync(collector);

            foreach (var connection in held)
            {
                await connection.SendAsync(Lines(BodyBytes));
                var (status, head, body) = await connection.ReadResponseAsync();
                Assert.True(status == 200, head + body);
            }

            Assert.Equal(0, collector.Services.GetRequiredService<BodyBudget>().InUse);
            using var again = await StartBodyAsync(collector, "after");
            await again.SendAsync(Lines(BodyBytes));
            Assert.Equal(200, (await again.ReadResponseAsync()).Status);
            foreach (var user in new[] { "held-0", "held-1", "held-2", "held-3", "after" })
            {
                Assert.Equal(BodyBytes / 1000, await StillServing.TotalOfUserAsync(collector, user));
            }

            Assert.Equal(0, await StillServing.TotalOfUserAsync(collector, "refused"));
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public async Task Ingest_LargeBodyAnnouncedNotSent_TakesAtMostOneMebibyteOfTheBudget()
    {
        // Before, a Content-Length of 10 MB took 10 MB at once: 26 connections sending only headers spent the 256 MiB.
        await using var collector = await CollectorFixture.StartAsync("--Collector:MinRequestBodyBytesPerSecond=0");
        using var raw = await RawHttp.ConnectAsync(collector.BaseAddress);
        await raw.SendAsync(RawHttp.Head("POST", "/log/announcer", collector.BaseAddress,
            "Content-Type: application/x-ndjson", "Content-Length: 10000000", "Expect: 100-continue"));

        Assert.Equal(100, (await raw.ReadResponseAsync()).Status);
        Assert.Equal(1024 * 1024, collector.Services.GetRequiredService<BodyBudget>().InUse);
    }

    /// <summary>
    /// Security review: the budget counted the capacity each body asked for, but the pool hands out arrays of a power of two
    /// (600,001 bytes: 1 MiB), so seven such bodies fit a 4 MiB budget while holding 7 MiB. A body is now counted at the size of
    /// its array: four fill the budget and a fifth is refused before a byte of it is read.
    /// </summary>
    [Fact]
    public async Task Ingest_BodiesWhoseArraysAreLargerThanAsked_CountedAtTheArraysSizeFifthRefused429()
    {
        const int announced = 600_000;
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=4194304", "--Collector:MinRequestBodyBytesPerSecond=0");
        var held = new List<RawHttp>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                held.Add(await StartBodyAsync(collector, "held-" + i, announced, Address(i % 2)));
            }

            Assert.Equal(4L * 1024 * 1024, collector.Services.GetRequiredService<BodyBudget>().InUse);

            using var fifth = await RawHttp.ConnectAsync(collector.BaseAddress, Address(2));
            await fifth.SendAsync(RawHttp.Head("POST", "/log/fifth", collector.BaseAddress,
                "Content-Type: application/x-ndjson", "Content-Length: " + announced, "Expect: 100-continue"));
            var (status, head, body) = await fifth.ReadResponseAsync();
            Assert.True(status == 429, head + body);
            Assert.Contains("Collector:MaxReceivingBytes", Http.Error(body), StringComparison.Ordinal);

            await held[0].SendAsync(Lines(announced));
            Assert.Equal(200, (await held[0].ReadResponseAsync()).Status);
            Assert.Equal(3L * 1024 * 1024, collector.Services.GetRequiredService<BodyBudget>().InUse);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// Security review: one address's connections could hold the whole budget (bodies that trickle in at Kestrel's minimum rate
    /// hold their buffer for the whole RequestBodyTimeout), and every other sender got 429. One address now holds at most half:
    /// its third body is refused naming the share, and another address's bodies are still received and stored.
    /// </summary>
    [Fact]
    public async Task Ingest_OneAddressHoldsBodies_ItsShareIsHalfTheBudgetAnotherAddressStillServed()
    {
        // 4 MiB + 64 KiB: one address's share (2 MiB + 32 KiB) holds two bodies of 1 MiB arrays, not three.
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=4259840", "--Collector:MinRequestBodyBytesPerSecond=0");
        var budget = collector.Services.GetRequiredService<BodyBudget>();
        var held = new List<RawHttp>();
        try
        {
            var answers = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var raw = await RawHttp.ConnectAsync(collector.BaseAddress, IPAddress.Parse("127.0.0.1"));
                held.Add(raw);
                await raw.SendAsync(RawHttp.Head("POST", "/log/greedy-" + i, collector.BaseAddress,
                    "Content-Type: application/x-ndjson", "Content-Length: " + BodyBytes, "Expect: 100-continue"));
                var (status, head, body) = await raw.ReadResponseAsync();
                answers.Add(status == 100 ? "100" : $"{status} {Http.Error(body)} {(head.Contains("Retry-After: 2", StringComparison.OrdinalIgnoreCase) ? "retry-after" : head)}");
            }

            const string share = "429 collector overloaded (request bodies from 127.0.0.1 hold 2097152 bytes, one sender's share is half of "
                + "Collector:MaxReceivingBytes, 2129920); retry after 2 s retry-after";
            Assert.Equal(["100", "100", share, share], answers);
            Assert.Equal(2L * 1024 * 1024, budget.HeldBy("127.0.0.1"));

            // Another address still gets in, twice over: the other half is everyone else's.
            for (var i = 0; i < 2; i++)
            {
                using var other = await RawHttp.ConnectAsync(collector.BaseAddress, IPAddress.Parse("127.0.0.2"));
                await other.SendAsync(RawHttp.Head("POST", "/log/other", collector.BaseAddress,
                    "Content-Type: application/x-ndjson", "Content-Length: " + BodyBytes, "Expect: 100-continue"));
                Assert.Equal(100, (await other.ReadResponseAsync()).Status);
                await other.SendAsync(Lines(BodyBytes));
                var (status, head, body) = await other.ReadResponseAsync();
                Assert.True(status == 200, head + body);
            }

            Assert.Equal(2 * BodyBytes / 1000, await StillServing.TotalOfUserAsync(collector, "other"));

            // The share is given back with the body: the first address's held bodies are stored, and it holds nothing.
            for (var i = 0; i < 2; i++)
            {
                await held[i].SendAsync(Lines(BodyBytes));
                Assert.Equal(200, (await held[i].ReadResponseAsync()).Status);
            }

            Assert.Equal(0, budget.HeldBy("127.0.0.1"));
            Assert.Equal(0, budget.InUse);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public void Options_BudgetBelowFourLargestBodies_RefusedNamingBoth()
    {
        var options = new CollectorOptions { MaxRequestBodyBytes = 1 << 20, MaxReceivingBytes = (4 << 20) - 1 };

        var error = Assert.Single(options.Validate());

        Assert.Contains("Collector:MaxReceivingBytes", error, StringComparison.Ordinal);
        Assert.Contains("Collector:MaxRequestBodyBytes", error, StringComparison.Ordinal);
    }

    /// <summary>Sends a head announcing <paramref name="bytes"/> (<see cref="BodyBytes"/>) and waits for the 100 Continue: the collector is reading the body.</summary>
    private static async Task<RawHttp> StartBodyAsync(CollectorFixture collector, string user, int bytes = BodyBytes, IPAddress? from = null)
    {
        var raw = await RawHttp.ConnectAsync(collector.BaseAddress, from);
        await raw.SendAsync(RawHttp.Head("POST", "/log/" + user, collector.BaseAddress,
            "Content-Type: application/x-ndjson", "Content-Length: " + bytes, "Expect: 100-continue"));
        Assert.Equal(100, (await raw.ReadResponseAsync()).Status);
        return raw;
    }

    /// <summary>127.0.0.1, 127.0.0.2, …: different remote addresses to the collector, all loopback.</summary>
    private static IPAddress Address(int index) => new([127, 0, 0, (byte)(index + 1)]);

    /// <summary>NDJSON of <paramref name="bytes"/> bytes: lines of 1,000 bytes, one event each.</summary>
    private static byte[] Lines(int bytes)
    {
        const string start = "{\"message\":\"padded\"";
        var line = start + new string(' ', 1000 - start.Length - 2) + "}\n";
        return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, bytes / 1000)));
    }
}
