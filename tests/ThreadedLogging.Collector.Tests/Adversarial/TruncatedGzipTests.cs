using System.Net;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 §6: a gzip body cut short was accepted (1,500 of 2,000 lines stored) and the full resend
/// then counted as a duplicate. A gzip body must be one complete stream, else 400 and nothing stored.
/// </summary>
public sealed class TruncatedGzipTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public static TheoryData<string> Damages => ["cut-at-75%", "cut-in-trailer", "no-trailer", "trailing-garbage", "second-member", "cut-second-member", "bad-crc", "empty", "header-only", "not-gzip"];

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Ingest_DamagedGzip_400AndNothingStoredAndTheFullResendIsStoredWhole(string damage)
    {
        var user = "gz-" + damage;
        var lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{{\"message\":\"line {i} {Guid.NewGuid()}\"}}\n")));
        var gzip = Http.Gzip(lines);
        byte[] damaged = damage switch
        {
            "cut-at-75%" => gzip[..(gzip.Length * 3 / 4)],
            "cut-in-trailer" => gzip[..^4],
            "no-trailer" => gzip[..^8],
            "trailing-garbage" => [.. gzip, .. "garbage"u8],
            "second-member" => [.. gzip, .. Http.Gzip(Http.Utf8("{\"message\":\"smuggled\"}\n"))],
            "cut-second-member" => [.. gzip, .. gzip[..100]],
            "bad-crc" => [.. gzip[..^8], (byte)(gzip[^8] ^ 1), .. gzip[^7..]],
            "empty" => [],
            "header-only" => gzip[..10],
            _ => lines,
        };

        var refused = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, damaged, "application/x-ndjson", "gzip", idempotencyKey: user);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("malformed gzip body", Http.Error(refused.Body), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("user=" + user));

        var resent = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, gzip, "application/x-ndjson", "gzip", idempotencyKey: user);
        Assert.True(resent.Status == HttpStatusCode.OK, resent.Body);
        Assert.Contains("\"accepted\":2000,\"duplicate\":false", resent.Body, StringComparison.Ordinal);
        Assert.Equal(2000, await StillServing.TotalOfUserAsync(_collector, user));
        await StillServing.AssertAsync(_collector);
    }
}
