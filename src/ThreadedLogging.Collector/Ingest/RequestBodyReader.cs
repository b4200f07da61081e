using System.Buffers;
using System.IO.Compression;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Reads a request body whole, gunzipping it when <c>Content-Encoding: gzip</c>, and never holds
/// more than <see cref="CollectorOptions.MaxRequestBodyBytes"/> decompressed bytes (a gzip bomb stops there).
/// </summary>
internal static class RequestBodyReader
{
    public static Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        ReadAsync(request, limit, text: true, cancellationToken);

    /// <summary>Reads the body; a <paramref name="text"/> body must be UTF-8 (a binary one, e.g. protobuf, is not checked).</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, bool text, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw IngestRejectedException.TooLarge($"request body is {request.ContentLength} bytes; the limit is {limit}");
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        Stream source = request.Body;
        var gzip = false;
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Encoding '{encoding}' (gzip or none)");
            }

            gzip = true;
            source = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        }

        try
        {
            var body = await ReadLimitedAsync(source, limit, gzip, cancellationToken);
            if (text && !Utf8.IsValid(body))
            {
                throw IngestRejectedException.BadRequest("body is not valid UTF-8");
            }

            return body;
        }
        catch (InvalidDataException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, "malformed gzip body", e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new IngestRejectedException(StatusCodes.Status413PayloadTooLarge, $"request body exceeds {limit} bytes", e);
        }
        finally
        {
            if (gzip)
            {
                await source.DisposeAsync();
            }
        }
    }

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
