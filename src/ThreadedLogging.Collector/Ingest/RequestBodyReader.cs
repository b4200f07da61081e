using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Reads a request body whole, gunzipping it when <c>Content-Encoding: gzip</c>, and never holds
/// more than <see cref="CollectorOptions.MaxRequestBodyBytes"/> decompressed bytes (a gzip bomb stops there).
/// A gzip body must be exactly one complete gzip stream: <see cref="GZipStream"/> checks the CRC-32 only
/// when it reaches the trailer, and silently ends early on a truncated stream or ignores bytes after it,
/// so the trailer (the body's last 8 bytes: CRC-32 and length of the data) is checked here (issue 15 §6).
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>A gzip header (10 bytes), the smallest deflate stream (2) and the trailer (8).</summary>
    private const int SmallestGzip = 20;

    public static Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        ReadAsync(request, limit, text: true, cancellationToken);

    /// <summary>
    /// Reads an ingest request's body within <see cref="CollectorOptions.MaxRequestBodyBytes"/> and
    /// <see cref="CollectorOptions.RequestBodyTimeout"/> (issue 15 §1: then 408 and the connection closes).
    /// Called before admission: waiting for bytes holds no slot.
    /// </summary>
    public static async Task<byte[]> ReadAsync(HttpContext context, CollectorOptions options, TimeProvider time, bool text, CancellationToken cancellationToken)
    {
        AllowBody(context, options.MaxRequestBodyBytes);
        using var timeout = new CancellationTokenSource(options.RequestBodyTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await ReadAsync(context.Request, options.MaxRequestBodyBytes, text, linked.Token);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.Response.Headers.Connection = "close";
            throw new IngestRejectedException(StatusCodes.Status408RequestTimeout,
                $"request body not received within {options.RequestBodyTimeout} (Collector:RequestBodyTimeout)", e);
        }
    }

    /// <summary>Reads the body; a <paramref name="text"/> body must be UTF-8 (a binary one, e.g. protobuf, is not checked).</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, bool text, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw IngestRejectedException.TooLarge($"request body is {request.ContentLength} bytes; the limit is {limit}");
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = false;
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Encoding '{encoding}' (gzip or none)");
            }

            gzip = true;
        }

        try
        {
            var body = await ReadLimitedAsync(request.Body, limit, decompressed: false, cancellationToken);
            if (gzip)
            {
                body = await GunzipAsync(body, limit, cancellationToken);
            }

            if (text && !Utf8.IsValid(body))
            {
                throw IngestRejectedException.BadRequest("body is not valid UTF-8");
            }

            return body;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new IngestRejectedException(StatusCodes.Status413PayloadTooLarge, $"request body exceeds {limit} bytes", e);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdict on the body: cut short (400), too slow (408, MinRequestBodyDataRate).
            throw new IngestRejectedException(e.StatusCode, $"request body not received: {e.Message}", e);
        }
    }

    /// <summary>Decompresses one complete gzip stream, or refuses the body (400) whatever of it could be read.</summary>
    private static async Task<byte[]> GunzipAsync(byte[] compressed, long limit, CancellationToken cancellationToken)
    {
        if (compressed.Length < SmallestGzip)
        {
            throw MalformedGzip($"{compressed.Length} bytes is shorter than any gzip stream");
        }

        byte[] data;
        try
        {
            await using var gzip = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            data = await ReadLimitedAsync(gzip, limit, decompressed: true, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw MalformedGzip("not a gzip stream, or its data does not match its CRC-32", e);
        }

        var trailer = compressed.AsSpan(compressed.Length - 8);
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != Crc32.HashToUInt32(data)
            || BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != (uint)data.Length)
        {
            throw MalformedGzip("the stream is cut short or followed by other data (its last 8 bytes are not the CRC-32 and length of its data)");
        }

        return data;
    }

    private static IngestRejectedException MalformedGzip(string reason, Exception? inner = null) =>
        new(StatusCodes.Status400BadRequest, $"malformed gzip body: {reason}", inner);

    private static async Task<byte[]> ReadLimitedAsync(Stream source, long limit, bool decompressed, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var collected = new MemoryStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return collected.ToArray();
                }

                if (collected.Length + read > limit)
                {
                    throw IngestRejectedException.TooLarge(decompressed
                        ? $"decompressed body exceeds {limit} bytes"
                        : $"request body exceeds {limit} bytes");
                }

                collected.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
