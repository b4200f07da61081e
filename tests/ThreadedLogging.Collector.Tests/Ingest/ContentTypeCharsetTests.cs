using System.Net;
using System.Text;
using System.Text.Json;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// A text body's Content-Type charset is read: UTF-8 in any spelling as before, another charset .NET decodes turned into the
/// same text, one it does not (or a form body's other than UTF-8) refused 415 naming it. A JSON body whose bytes are valid UTF-8
/// is read as UTF-8 whatever its label (RFC 8259 §11); only bytes that are not are read in the charset named.
/// </summary>
public sealed class ContentTypeCharsetTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public static TheoryData<string, string, string, bool> Stored => new()
    {
        // format, Content-Type's parameters, text, whether the body starts with a byte order mark
        { "json-batch", "charset=utf-8", "café Ã© 日本 😀", false },
        { "json-batch", "charset=UTF-8", "café Ã© 日本", false },
        { "json-batch", "charset=\"utf-8\"", "café Ã© 日本", false },
        { "json-batch", "charset=utf8", "café", false },
        { "json-batch", "charset=iso-8859-1", "café naïve", false },
        { "json-batch", "charset=latin1", "Ã© Ã¼ ÿ", false }, // 0xFF is not UTF-8, so the whole body is latin-1: not 'é ü'
        { "json-batch", "charset=windows-1252", "5 € – Ã©", false },
        { "json-batch", "charset=utf-16", "café 日本 😀", true }, // Python's 'utf-16': a BOM, then little-endian
        { "json-batch", "charset=utf-16", "café 日本", false }, // .NET's StringContent with Encoding.Unicode: little-endian, no BOM
        { "json-batch", "charset=utf-16be", "café 日本", false },
        { "json-lines", "charset=ISO-8859-1", "Ã© ndjson é", false },
        { "clef", "charset=utf-16le", "café clef 日本", false },
        { "seq-json", "charset=windows-1252", "€ seq", false },
        { "otlp-json", "charset=iso-8859-1", "Ã© otlp é", false },
        { "python-form", "charset=UTF-8", "café form", false },
        { "json-batch", "charset=iso-2022-jp", "日本語のログ", false }, // 7-bit: escape sequences in ASCII bytes, valid UTF-8 too
        { "json-lines", "charset=hz-gb-2312", "中文日志", false },
        { "json-batch", "charset=utf-8", "café bom", true }, // .NET's StreamWriter(Encoding.UTF8), Windows PowerShell 5: RFC 8259 §8.1 lets a parser ignore it
        { "json-lines", "charset=utf-8", "café bom", true },
        { "clef", "charset=utf-8", "café bom", true },
        { "seq-json", "charset=utf-8", "café bom", true },
        { "otlp-json", "charset=utf-8", "café bom", true },
    };

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Stored))]
    public async Task Ingest_TextInItsDeclaredCharset_StoredAsTheSameText(string format, string parameters, string text, bool byteOrderMark)
    {
        var marker = "charset" + Guid.NewGuid().ToString("N");
        var (url, mediaType, body) = Body(format, $"{marker} {text}");
        var charset = parameters[(parameters.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('"');
        var encoding = charset.ToLowerInvariant() switch
        {
            "utf-16" => Encoding.Unicode,
            "utf8" => Encoding.UTF8,
            _ => CodePagesEncodingProvider.Instance.GetEncoding(charset) ?? Encoding.GetEncoding(charset),
        };
        var bytes = format == "python-form" ? Http.Utf8(body) : [.. byteOrderMark ? encoding.Preamble : [], .. encoding.GetBytes(body)];

        var (status, answer) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url, bytes, $"{mediaType}; {parameters}");

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"{status}: {answer}");
        var stored = Assert.Single(await _collector.EventsAsync("q=" + marker));
        Assert.Equal($"{marker} {text}", stored.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("json-batch", "iso-8859-1")]
    [InlineData("json-batch", "us-ascii")]
    [InlineData("clef", "windows-1252")]
    [InlineData("otlp-json", "latin1")]
    public async Task Ingest_Utf8BytesLabelledAnotherCharset_ReadAsUtf8(string format, string charset)
    {
        // RFC 8259 §11: JSON has no charset parameter, and adding one has no effect on compliant recipients.
        var marker = "charset" + Guid.NewGuid().ToString("N");
        var (url, mediaType, body) = Body(format, $"{marker} café Ã© 日本 😀");

        var (status, answer) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url, Http.Utf8(body), $"{mediaType}; charset={charset}");

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"{status}: {answer}");
        var stored = Assert.Single(await _collector.EventsAsync("q=" + marker));
        Assert.Equal($"{marker} café Ã© 日本 😀", stored.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("application/json; charset=x-unknown", "unsupported charset 'x-unknown' in Content-Type")]
    [InlineData("application/json; charset=utf-7", "unsupported charset 'utf-7' in Content-Type")]
    [InlineData("application/x-www-form-urlencoded; charset=iso-8859-1", "unsupported charset 'iso-8859-1' for a form body: its fields are percent-encoded UTF-8")]
    public async Task Ingest_CharsetNotTaken_Refused415NamingIt(string contentType, string reason)
    {
        var body = contentType.StartsWith("application/json", StringComparison.Ordinal) ? Http.Utf8(Http.Envelope(null, new { message = "x" })) : Http.Utf8("msg=caf%E9&name=a");

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", body, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.StartsWith(reason, Http.Error(text), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
    }

    [Theory]
    [InlineData("us-ascii", new byte[] { 0xE9 }, "body is not valid us-ascii (Content-Type charset 'us-ascii')")]
    [InlineData("utf-16le", new byte[] { 0x00, 0xD8 }, "body is not valid utf-16 (Content-Type charset 'utf-16le')")]
    public async Task Ingest_BytesThatAreNotTextInTheCharset_Refused400(string charset, byte[] bad, string reason)
    {
        var encoding = Encoding.GetEncoding(charset);
        var json = Http.Envelope(null, new { message = "before|after" }).Split('|');
        byte[] body = [.. encoding.GetBytes(json[0]), .. bad, .. encoding.GetBytes(json[1])];

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", body, "application/json; charset=" + charset);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(reason, Http.Error(text));
        Assert.Empty(await _collector.EventsAsync("path=victim"));
    }

    [Fact]
    public void Decode_Latin1BodyOverTheLimitOnceUtf8_Refused413WithoutHoldingItAsAString()
    {
        // 3 MiB of latin-1 'é' (0xE9) is 6 MiB of UTF-8: within the limit as received, over it once decoded. Above
        // BodyBuffer.MaxPooledLength, so that no array of the process-wide pool (other tests' ingests hold them) counts.
        const int Limit = 3 * 1024 * 1024;
        var latin1 = new byte[Limit];
        Array.Fill(latin1, (byte)0xE9);
        var budget = new BodyBudget(new CollectorOptions { MaxRequestBodyBytes = Limit, MaxReceivingBytes = 16 << 20 });
        void Decode()
        {
            using var received = new ReceivedBody(latin1, ContentCoding.Identity, "iso-8859-1");
            using var decoded = RequestBodyReader.Decode(received, Limit, text: true, budget);
        }

        // Once first, so that the pool's arrays and the transcoder's types are there before counting.
        Assert.Throws<IngestRejectedException>(Decode);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.Throws<IngestRejectedException>(Decode);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(413, refused.StatusCode);
        Assert.Equal($"body exceeds {Limit} bytes once decoded from iso-8859-1 to UTF-8 (Collector:MaxRequestBodyBytes)", refused.Message);
        // Before: the whole body as a .NET string (2 bytes a character, 6 MiB, outside the budget) before the check; now
        // the buffer it is decoded into, which stops at the limit.
        Assert.True(allocated < 2 * Limit, $"{allocated} bytes allocated to refuse a body of {Limit}");
        Assert.Equal(0, budget.InUse);
    }

    private static (string Url, string MediaType, string Body) Body(string format, string message)
    {
        var text = JsonSerializer.Serialize(message, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return format switch
        {
            "json-batch" => ("log/charset", "application/json", $"{{\"events\":[{{\"message\":{text}}}]}}"),
            "json-lines" => ("api/events", "application/x-ndjson", $"{{\"message\":{text},\"user\":\"charset\"}}\n"),
            "clef" => ("ingest/clef", "application/vnd.serilog.clef", $"{{\"@t\":\"2026-12-01T10:00:00Z\",\"@mt\":{text}}}\n"),
            "seq-json" => ("api/events/raw", "application/json", $"{{\"Events\":[{{\"Timestamp\":\"2026-12-01T10:00:00Z\",\"Level\":\"Information\",\"MessageTemplate\":{text}}}]}}"),
            "otlp-json" => ("v1/logs", "application/json", $"{{\"resourceLogs\":[{{\"scopeLogs\":[{{\"logRecords\":[{{\"body\":{{\"stringValue\":{text}}}}}]}}]}}]}}"),
            _ => ("log/charset", "application/x-www-form-urlencoded", $"name=app&msg={Uri.EscapeDataString(message)}&levelno=20&levelname=INFO&created=1764496946.5"),
        };
    }
}
