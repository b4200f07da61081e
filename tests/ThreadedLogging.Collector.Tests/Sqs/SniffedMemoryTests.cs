using System.Text;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Sqs;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// A message without <c>tl-format</c> is sniffed before its bytes are taken from the receiving budget, so sniffing must hold
/// no more than the cap: a JSON body passed the check made for base64 (4/3 of MaxRequestBodyBytes in characters) and was
/// copied to UTF-8 (up to 3 bytes a character) and parsed into a JsonDocument before being refused as too large.
/// The decoder is the consumer's own, on a message as the SDK hands it over; no queue is needed to read one.
/// </summary>
public sealed class SniffedMemoryTests
{
    private const int Limit = 64 * 1024;
    private static readonly SqsMessageDecoder Decoder = new(IngestDecoders.Create(new IdentityPropertyOptions()));

    public static TheoryData<string, string> OverTheCap => new()
    {
        // within 4/3 of the cap in characters, over it in UTF-8
        { "ascii tokens", "{\"events\":[" + string.Concat(Enumerable.Repeat("1,", 40_000)) + "1]}" },
        { "non-ascii text", "{\"events\":[{\"message\":\"" + new string('é', 40_000) + "\"}]}" },
        { "seed record", "{\"msg\":\"" + new string('日', 30_000) + "\",\"args\":[NaN]}" },
    };

    [Theory]
    [MemberData(nameof(OverTheCap))]
    public void Decode_NoFormatJsonOverTheCapInUtf8_RefusedAsTooLargeBeforeItIsCopiedOrParsed(string name, string body)
    {
        var bytes = Encoding.UTF8.GetByteCount(body);
        Assert.True(body.Length * 3L / 4 <= Limit && bytes > Limit, name);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.Throws<IngestRejectedException>(() => Decoder.Decode(new Message { MessageId = "m-1", Body = body }, "q", Limits()));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(413, refused.StatusCode);
        Assert.Equal($"message is {bytes} bytes; the limit is {Limit} (Collector:MaxRequestBodyBytes)", refused.Message);
        // Before: its UTF-8 copy (bytes) and, for the tokens, a JsonDocument of 12 bytes each, then the refusal.
        Assert.True(allocated < bytes / 2, $"{name}: {allocated} bytes allocated to refuse a message of {bytes}");
    }

    [Theory]
    [InlineData("{\"events\":[{\"message\":\"sniffed envelope\"}]}", "sniffed envelope", false)]
    [InlineData("{\"args\":[NaN],\"name\":\"app\",\"msg\":\"ratio %s\",\"levelno\":20}", "ratio nan", false)]
    [InlineData("{\"name\":\"app\",\"msg\":\"seed %s\",\"args\":[\"x\"],\"levelno\":20}", "seed x", true)]
    public void Decode_NoFormatRecordWithinTheCap_SniffedAndDecoded(string body, string message, bool base64)
    {
        var sent = base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(body)) : body;

        var (batch, held) = Decoder.Decode(new Message { MessageId = "m-2", Body = sent }, "q", Limits());
        held.Dispose();

        Assert.Equal(message, Assert.Single(batch.Events).Message);
    }

    private static IngestLimits Limits() => new(new CollectorOptions { MaxRequestBodyBytes = Limit, MaxEventBytes = 4096 }, DateTimeOffset.UtcNow);
}
