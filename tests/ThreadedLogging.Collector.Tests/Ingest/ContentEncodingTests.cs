using System.IO.Compression;
using System.Net;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// <c>Content-Encoding: br</c> and <c>deflate</c> are taken wherever gzip is (every HTTP ingest endpoint), under the same
/// inflation limit, and only as one whole stream; another coding is refused 415 naming those taken.
/// </summary>
public sealed class ContentEncodingTests : IAsyncLifetime
{
    private const int MaxBody = 64 * 1024;
    private CollectorFixture _collector = null!;

    public static TheoryData<string, string> Endpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var coding in new[] { "br", "deflate", "x-gzip" })
        {
            foreach (var format in new[] { "json-batch", "json-lines", "python-form", "clef", "seq-json", "otlp-protobuf", "otlp-json" })
            {
                data.Add(coding, format);
            }
        }

        return data;
    }

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync($"--Collector:MaxRequestBodyBytes={MaxBody}", "--Collector:MaxEventBytes=4096");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Ingest_CompressedBody_StoredAsItsPlainForm(string coding, string format)
    {
        var marker = $"coded{coding.Replace("-", string.Empty, StringComparison.Ordinal)}{format.Replace("-", string.Empty, StringComparison.Ordinal)}";
        var (url, contentType, body) = Body(format, marker);

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url, Compress(coding, body), contentType, coding);

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"{status}: {text}");
        Assert.Single(await _collector.EventsAsync("q=" + marker));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Ingest_CompressedBomb_RefusedPastTheLimit(string coding)
    {
        // 40 MiB once inflated, a few KiB compressed: refused while inflating, at the limit, nothing stored.
        var bomb = Compress(coding, [.. Http.Utf8("{\"events\":[{\"message\":\"bomb\"}]}"), .. new byte[40 * 1024 * 1024]]);
        Assert.True(bomb.Length < MaxBody, bomb.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", bomb, "application/json", coding);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal($"decompressed body exceeds {MaxBody} bytes (Collector:MaxRequestBodyBytes)", Http.Error(text));
        Assert.Empty(await _collector.EventsAsync("path=victim"));
    }

    [Theory]
    [InlineData("br", "cut", "malformed Brotli body: the stream is cut short")]
    [InlineData("br", "followed", "malformed Brotli body: the stream ends at byte")]
    [InlineData("br", "plain", "malformed Brotli body: not a Brotli stream")]
    [InlineData("br", "empty", "malformed Brotli body: an empty body is no Brotli stream")]
    [InlineData("deflate", "cut", "malformed deflate body: the stream is cut short or followed by other data")]
    [InlineData("deflate", "followed", "malformed deflate body: the stream is cut short or followed by other data")]
    [InlineData("deflate", "plain", "malformed deflate body: not a zlib stream (RFC 1950)")]
    [InlineData("deflate", "raw", "malformed deflate body: not a zlib stream (RFC 1950)")]
    [InlineData("deflate", "empty", "malformed deflate body: 0 bytes is shorter than any zlib stream")]
    public async Task Ingest_CompressedBodyNotOneWholeStream_RefusedWithReason(string coding, string damage, string reason)
    {
        var plain = Http.Utf8(Http.Envelope(null, Enumerable.Range(1, 50).Select(i => new { message = $"partial {i} " + new string('x', i) }).ToArray()));
        var whole = Compress(coding, plain);
        var body = damage switch
        {
            "cut" => whole[..^6],
            "followed" => [.. whole, .. Http.Utf8("{\"events\":[]}")],
            "plain" => plain,
            "raw" => whole[2..^4], // a deflate stream without the zlib header and trailer
            _ => [],
        };

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", body, "application/json", coding);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(reason, Http.Error(text), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("compress")]
    public async Task Ingest_OtherContentEncoding_RefusedNamingThoseTaken(string coding)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", Http.Utf8(Http.Envelope(null, new { message = "x" })), "application/json", coding);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal($"unsupported Content-Encoding '{coding}' (gzip, br, deflate or none)", Http.Error(text));
    }

    private static byte[] Compress(string coding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream stream = coding switch
        {
            "br" => new BrotliStream(output, CompressionLevel.Optimal),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal),
            _ => new GZipStream(output, CompressionLevel.Optimal),
        })
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    private static (string Url, string ContentType, byte[] Body) Body(string format, string marker) => format switch
    {
        "json-batch" => ("log/coded", "application/json", Http.Utf8(Http.Envelope(null, new { message = marker }))),
        "json-lines" => ("api/events", "application/x-ndjson", Http.Utf8($"{{\"message\":\"{marker}\",\"user\":\"coded\"}}\n")),
        "python-form" => ("log/coded", "application/x-www-form-urlencoded", Http.Utf8($"name=app&msg={marker}&levelno=20&levelname=INFO&created=1764496946.5")),
        "clef" => ("ingest/clef", "application/vnd.serilog.clef", Http.Utf8($"{{\"@t\":\"2026-12-01T10:00:00Z\",\"@mt\":\"{marker}\"}}\n")),
        "seq-json" => ("api/events/raw", "application/json", Http.Utf8($"{{\"Events\":[{{\"Timestamp\":\"2026-12-01T10:00:00Z\",\"Level\":\"Information\",\"MessageTemplate\":\"{marker}\"}}]}}")),
        "otlp-protobuf" => ("v1/logs", "application/x-protobuf", OtlpIngestTests.Request(OtlpIngestTests.Record(marker))),
        _ => ("v1/logs", "application/json", Http.Utf8($"{{\"resourceLogs\":[{{\"scopeLogs\":[{{\"logRecords\":[{{\"body\":{{\"stringValue\":\"{marker}\"}}}}]}}]}}]}}")),
    };
}
