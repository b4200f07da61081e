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
        // 8 MiB + 64 KiB: one address's share (4 MiB + 32 KiB) holds four bodies of 1 MiB arrays, not five.
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=8454144", "--Collector:MinRequestBodyBytesPerSecond=0");
        var budget = collector.Services.GetRequiredService<BodyBudget>();
        var held = new List<RawHttp>();
        try
        {
            var answers = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                var raw = await RawHttp.ConnectAsync(collector.BaseAddress, IPAddress.Parse("127.0.0.1"));
                held.Add(raw);
                await raw.SendAsync(RawHttp.Head("POST", "/log/greedy-" + i, collector.BaseAddress,
                    "Content-Type: application/x-ndjson", "Content-Length: " + BodyBytes, "Expect: 100-continue"));
                var (status, head, body) = await raw.ReadResponseAsync();
                answers.Add(status == 100 ? "100" : $"{status} {Http.Error(body)} {(head.Contains("Retry-After: 2", StringComparison.OrdinalIgnoreCase) ? "retry-after" : head)}");
            }

            const string share = "429 collector overloaded (request bodies from 127.0.0.1 hold 4194304 bytes, one sender's share of "
                + "Collector:MaxReceivingBytes is 4227072); retry after 2 s retry-after";
            Assert.Equal(["100", "100", "100", "100", share, share], answers);
            Assert.Equal(4L * 1024 * 1024, budget.HeldBy("127.0.0.1"));

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
            for (var i = 0; i < 4; i++)
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

    /// <summary>
    /// Diff review (after 129c6c2): at the smallest budget (4 × MaxRequestBodyBytes) one body of exactly MaxRequestBodyBytes was
    /// refused 429 by its own sender's share: its buffer (1 MiB, the Content-Length's up-front size) grew to 1 MiB + 1 byte, a
    /// 2 MiB array, taken before the 1 MiB was given back (3 MiB against a share of half, 2 MiB). Growing now takes only the
    /// difference, and the share is at least two of the largest bodies' arrays (here the whole 4 MiB).
    /// </summary>
    [Fact]
    public async Task Ingest_OneBodyOfExactlyMaxRequestBodyBytesAtTheSmallestBudget_Stored()
    {
        const int bytes = 1_048_576;
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=4194304", "--Collector:MinRequestBodyBytesPerSecond=0");
        using var raw = await StartBodyAsync(collector, "largest", bytes);

        await raw.SendAsync(Lines(bytes));
        var (status, head, body) = await raw.ReadResponseAsync();

        Assert.True(status == 200, head + body);
        Assert.Equal((bytes / 1000) + 1, await StillServing.TotalOfUserAsync(collector, "largest"));
        Assert.Equal(0, collector.Services.GetRequiredService<BodyBudget>().InUse);
    }

    /// <summary>
    /// A 1 MiB buffer grown to 3 MiB (an array of its own) takes 2 MiB more: before, it took the 3 MiB while still holding the
    /// 1 MiB, 4 MiB against a 3 MiB share, and was refused.
    /// </summary>
    [Fact]
    public void Grow_TakesOnlyTheDifferenceFromTheBudgetAndTheSendersShare()
    {
        var budget = new BodyBudget(new CollectorOptions { MaxRequestBodyBytes = 1024, MaxReceivingBytes = 6 << 20 });
        Assert.Equal(3L << 20, budget.SenderShare);
        var buffer = BodyBuffer.Rent(1 << 20, budget, "127.0.0.1");
        buffer.Length = 1 << 20;

        buffer = buffer.Grow(3 << 20);

        Assert.Equal(3L << 20, buffer.Array.Length);
        Assert.Equal(3L << 20, budget.InUse);
        Assert.Equal(3L << 20, budget.HeldBy("127.0.0.1"));
        buffer.Dispose();
        Assert.Equal(0, budget.InUse);
        Assert.Equal(0, budget.HeldBy("127.0.0.1"));
    }

    [Theory]
    [InlineData(1L << 20, 4L << 20, 4L << 20)] // half (2 MiB) is one 2 MiB array: the share is two, the whole budget
    [InlineData(1L << 20, 16L << 20, 8L << 20)] // half
    [InlineData(10L << 20, 40L << 20, (20L << 20) + 2)] // two bodies of 10 MiB + 1 byte (arrays of their own exactly that size)
    [InlineData(10L << 20, 256L << 20, 128L << 20)] // the defaults: half
    public void SenderShare_HalfTheBudgetAtLeastTwoOfTheLargestBodiesArraysAtMostAll(long maxRequestBodyBytes, long maxReceivingBytes, long share)
    {
        var budget = new BodyBudget(new CollectorOptions { MaxRequestBodyBytes = maxRequestBodyBytes, MaxReceivingBytes = maxReceivingBytes });

        Assert.Equal(share, budget.SenderShare);
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
    internal static async Task<RawHttp> StartBodyAsync(CollectorFixture collector, string user, int bytes = BodyBytes, IPAddress? from = null)
    {
        var raw = await RawHttp.ConnectAsync(collector.BaseAddress, from);
        await raw.SendAsync(RawHttp.Head("POST", "/log/" + user, collector.BaseAddress,
            "Content-Type: application/x-ndjson", "Content-Length: " + bytes, "Expect: 100-continue"));
        Assert.Equal(100, (await raw.ReadResponseAsync()).Status);
        return raw;
    }

    /// <summary>127.0.0.1, 127.0.0.2, …: different remote addresses to the collector, all loopback.</summary>
    internal static IPAddress Address(int index) => new([127, 0, 0, (byte)(index + 1)]);

    /// <summary>NDJSON of <paramref name="bytes"/> bytes: lines of 1,000 bytes, one event each, and a shorter last one for the rest.</summary>
    internal static byte[] Lines(int bytes) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Line(1000), bytes / 1000)) + (bytes % 1000 == 0 ? string.Empty : Line(bytes % 1000)));

    /// <summary>One event's line of <paramref name="bytes"/> bytes (at least 22).</summary>
    private static string Line(int bytes)
    {
        const string start = "{\"message\":\"padded\"";
        return start + new string(' ', bytes - start.Length - 2) + "}\n";
    }
}
