using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Reads a request body whole, decompressing it when <c>Content-Encoding</c> is <c>gzip</c>, <c>br</c> or <c>deflate</c>
/// (<see cref="ContentCoding"/>), and never holds more than <see cref="CollectorOptions.MaxRequestBodyBytes"/> decompressed
/// bytes (a gzip or Brotli bomb stops there). A compressed body must be exactly one complete stream: <see cref="GZipStream"/>
/// and <see cref="ZLibStream"/> check their checksum only when they reach the trailer, and silently end early on a truncated
/// stream or ignore bytes after it, so the trailer (gzip: the body's last 8 bytes, CRC-32 and length of the data; zlib: its
/// last 4, the Adler-32 of the data) is checked here (issue 15 §6); Brotli has none, <see cref="WholeBrotliStream"/> tells.
/// </summary>
internal static class RequestBodyReader
{
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The most a known length reserves before its bytes arrive.</summary>
    private const int UpFrontBytes = 1024 * 1024;

    /// <summary>A gzip header (10 bytes), the smallest deflate stream (2) and the trailer (8).</summary>
    private const int SmallestGzip = 20;

    /// <summary>
    /// Receives an ingest request's body within <see cref="CollectorOptions.MaxRequestBodyBytes"/> and
    /// <see cref="CollectorOptions.RequestBodyTimeout"/> (issue 15 §1: then 408 and the connection closes).
    /// Called before admission, so waiting for bytes holds no slot; it holds only the bytes the client has
    /// sent, and those bytes are taken from <paramref name="budget"/> and from the remote address's share of it (a body that would
    /// not fit is refused with 429; <see cref="BodyBudget.SenderShare"/>, the address a listed proxy forwards). Decompressing
    /// (which multiplies memory) is <see cref="Decode"/>'s, after admission.
    /// </summary>
    public static async Task<ReceivedBody> ReceiveAsync(HttpContext context, CollectorOptions options, TimeProvider time, BodyBudget budget, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limit = options.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            throw IngestRejectedException.TooLarge($"request body is {request.ContentLength} bytes; the limit is {limit} (Collector:MaxRequestBodyBytes)");
        }

        var coding = Coding(request.Headers.ContentEncoding.ToString().Trim());

        AllowBody(context, limit);
        using var timeout = new CancellationTokenSource(options.RequestBodyTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var sender = Security.RemoteAddressKey.Of(context.Connection.RemoteIpAddress);
            return new ReceivedBody(await ReadLimitedAsync(request.Body, limit, decompressed: false, request.ContentLength, budget, sender, linked.Token), coding, BodyCharset.Of(request.ContentType));
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.Response.Headers.Connection = "close";
            throw new IngestRejectedException(StatusCodes.Status408RequestTimeout,
                $"request body not received within {options.RequestBodyTimeout} (Collector:RequestBodyTimeout)", e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new IngestRejectedException(StatusCodes.Status413PayloadTooLarge, $"request body exceeds {limit} bytes (Collector:MaxRequestBodyBytes)", e);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdict on the body: cut short (400), too slow (408, MinRequestBodyDataRate).
            throw new IngestRejectedException(e.StatusCode, $"request body not received: {e.Message}", e);
        }
    }

    /// <summary>
    /// The coding a <c>Content-Encoding</c> names: one of <c>gzip</c> (or <c>x-gzip</c>), <c>br</c>, <c>deflate</c>, or none
    /// (<c>identity</c>); any other, or more than one, is refused 415 naming those.
    /// </summary>
    /// <exception cref="IngestRejectedException">415: another coding.</exception>
    public static ContentCoding Coding(string encoding) => encoding.ToLowerInvariant() switch
    {
        "" or "identity" => ContentCoding.Identity,
        "gzip" or "x-gzip" => ContentCoding.Gzip,
        "br" => ContentCoding.Brotli,
        "deflate" => ContentCoding.Deflate,
        _ => throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType,
            $"unsupported Content-Encoding '{Diagnostics.LoggedText.Of(encoding)}' (gzip, br, deflate or none)"),
    };

    /// <summary>
    /// The body's content: decompressed (one complete stream, at most <paramref name="limit"/> bytes) and, when <paramref name="text"/>,
    /// decoded from its declared charset (<see cref="BodyCharset"/>) and valid UTF-8. The result is <paramref name="body"/>'s own
    /// buffer, or a new one for a compressed or transcoded body; the caller disposes both
    /// (<see cref="BodyBuffer.Dispose"/> may be called twice). A decompressed body's bytes are taken from <paramref name="budget"/> when one is given
    /// (not from an HTTP sender's share: decompressing is admitted work, bounded by MaxPendingIngests, and over within the request;
    /// an SQS message's from its queue's, <paramref name="sender"/>).
    /// </summary>
    public static BodyBuffer Decode(ReceivedBody body, long limit, bool text, BodyBudget? budget = null, string? sender = null)
    {
        var content = body.Coding switch
        {
            ContentCoding.Gzip => Gunzip(body.Bytes, limit, budget, sender),
            ContentCoding.Brotli => Unbrotli(body.Bytes, limit, budget, sender),
            ContentCoding.Deflate => Inflate(body.Bytes, limit, budget, sender),
            _ => body.Bytes,
        };
        if (text && !BodyCharset.IsUtf8(body.Charset))
        {
            BodyBuffer utf8;
            try
            {
                utf8 = BodyCharset.ToUtf8(content, body.Charset, limit, budget, sender);
            }
            catch
            {
                if (!ReferenceEquals(content, body.Bytes))
                {
                    content.Dispose();
                }

                throw;
            }

            if (!ReferenceEquals(utf8, content) && !ReferenceEquals(content, body.Bytes))
            {
                content.Dispose();
            }

            content = utf8;
        }

        if (text && !Utf8.IsValid(content.Span))
        {
            content.Dispose();
            throw IngestRejectedException.BadRequest("body is not valid UTF-8");
        }

        if (text && content.Span.StartsWith(Utf8ByteOrderMark))
        {
            // RFC 8259 §8.1: a parser may ignore a byte order mark, and .NET's StreamWriter(Encoding.UTF8), Windows
            // PowerShell 5's files and Notepad write one; every JSON endpoint refused it as "'0xEF' is an invalid start of
            // a value" (security review). A text body's content is only read from here on, so it moves in place.
            content.Span[Utf8ByteOrderMark.Length..].CopyTo(content.Span);
            content.Length -= Utf8ByteOrderMark.Length;
        }

        return content;
    }

    /// <summary>Decompresses one complete gzip stream, or refuses the body (400) whatever of it could be read.</summary>
    private static BodyBuffer Gunzip(BodyBuffer compressed, long limit, BodyBudget? budget, string? sender)
    {
        if (compressed.Length < SmallestGzip)
        {
            throw MalformedGzip($"{compressed.Length} bytes is shorter than any gzip stream");
        }

        var trailer = compressed.Span[^8..];
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var claimed = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        BodyBuffer data;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed.Array, 0, compressed.Length, writable: false), CompressionMode.Decompress);
            // The trailer's length sizes the buffer (a false one only costs a resize, never more than the limit).
            data = ReadLimitedAsync(gzip, limit, decompressed: true, claimed, budget, sender, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidDataException e)
        {
            throw MalformedGzip("not a gzip stream, or its data does not match its CRC-32", e);
        }

        if (crc != Crc32.HashToUInt32(data.Span) || claimed != (uint)data.Length)
        {
            data.Dispose();
            throw MalformedGzip("the stream is cut short or followed by other data (its last 8 bytes are not the CRC-32 and length of its data)");
        }

        return data;
    }

    private static IngestRejectedException MalformedGzip(string reason, Exception? inner = null) => Malformed("gzip", reason, inner);

    /// <summary>Decompresses one complete Brotli stream, or refuses the body (400) whatever of it could be read.</summary>
    private static BodyBuffer Unbrotli(BodyBuffer compressed, long limit, BodyBudget? budget, string? sender)
    {
        if (compressed.Length == 0)
        {
            throw Malformed("Brotli", "an empty body is no Brotli stream");
        }

        try
        {
            using var brotli = new WholeBrotliStream(compressed.Array, compressed.Length);
            return ReadLimitedAsync(brotli, limit, decompressed: true, null, budget, sender, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidDataException e)
        {
            throw Malformed("Brotli", e.Message, e);
        }
    }

    /// <summary>
    /// Decompresses one complete zlib stream (RFC 1950: HTTP's <c>deflate</c>, what Python's <c>zlib.compress</c> and
    /// OpenTelemetry's exporters send), or refuses the body (400). A raw deflate stream without the zlib header is refused:
    /// RFC 9110 names the zlib format, and only it carries a checksum. <see cref="ZLibStream"/> does not say where the stream
    /// ended, so bytes after it are found by the body's last 4 not being the Adler-32 of the data: only bytes that end with
    /// that very checksum (the same stream sent twice over) would pass, and they add nothing to what is stored.
    /// </summary>
    private static BodyBuffer Inflate(BodyBuffer compressed, long limit, BodyBudget? budget, string? sender)
    {
        // The zlib header (2 bytes), the smallest deflate stream (2) and the Adler-32 (4).
        if (compressed.Length < 8)
        {
            throw Malformed("deflate", $"{compressed.Length} bytes is shorter than any zlib stream");
        }

        var adler = BinaryPrimitives.ReadUInt32BigEndian(compressed.Span[^4..]);
        BodyBuffer data;
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed.Array, 0, compressed.Length, writable: false), CompressionMode.Decompress);
            data = ReadLimitedAsync(zlib, limit, decompressed: true, null, budget, sender, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidDataException e)
        {
            throw Malformed("deflate", "not a zlib stream (RFC 1950), or its data does not match its Adler-32", e);
        }

        if (adler != Adler32.Of(data.Span))
        {
            data.Dispose();
            throw Malformed("deflate", "the stream is cut short or followed by other data (its last 4 bytes are not the Adler-32 of its data)");
        }

        return data;
    }

    private static IngestRejectedException Malformed(string coding, string reason, Exception? inner = null) =>
        new(StatusCodes.Status400BadRequest, $"malformed {coding} body: {reason}", inner);

    /// <summary>
    /// Reads to the end into one buffer (<see cref="BodyBuffer"/>: pooled up to 2 MiB), sized up front when the length is known
    /// (Content-Length, the gzip trailer), with a byte to spare to see the end: no doubling and no final copy. The buffer's size
    /// is taken from <paramref name="budget"/> while it lives (a size announced but not sent yet included).
    /// </summary>
    internal static async Task<BodyBuffer> ReadLimitedAsync(Stream source, long limit, bool decompressed, long? expected, BodyBudget? budget, string? sender, CancellationToken cancellationToken)
    {
        // A known length sizes the buffer; a Content-Length only below 1 MiB, past that the buffer grows as the bytes come,
        // so a length announced and not sent takes at most 1 MiB of the budget (a client's batch is under 1 MiB: one buffer).
        // A buffer that will grow starts at a power of two, the pool's own size: 1 MiB + the spare byte was a 2 MiB array.
        long? known = expected is { } length and >= 0 && length <= limit ? length : null;
        long? announced = decompressed ? null : known;
        var first = known is { } whole && (decompressed || whole < UpFrontBytes) ? whole + 1
            : known is not null ? UpFrontBytes
            : Math.Min(limit + 1, 64 * 1024);
        var body = BodyBuffer.Rent((int)first, budget, sender);
        try
        {
            while (true)
            {
                if (body.Length > limit)
                {
                    throw IngestRejectedException.TooLarge(decompressed
                        ? $"decompressed body exceeds {limit} bytes (Collector:MaxRequestBodyBytes)"
                        : $"request body exceeds {limit} bytes (Collector:MaxRequestBodyBytes)");
                }

                if (body.Length == body.Array.Length)
                {
                    // Full and not past the limit: room for the rest up to the limit and the byte that shows it is past.
                    body = body.Grow((int)Math.Min(Math.Min(int.MaxValue, (announced ?? limit) + 1), Math.Max(body.Length * 2L, 64 * 1024)));
                }

                var read = await source.ReadAsync(body.Array.AsMemory(body.Length), cancellationToken);
                if (read == 0)
                {
                    return body;
                }

                body.Length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Lifts Kestrel's own body limit for this request when ours is the one that should answer.</summary>
    public static void AllowBody(HttpContext context, long limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit + (64 * 1024);
        }
    }
}
