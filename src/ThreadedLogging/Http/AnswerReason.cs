using System.IO.Compression;
using System.Text;

namespace ThreadedLogging;

/// <summary>
/// The reason a receiver gives with a failed answer (the collector's <c>{"error": "…"}</c>, a proxy's text): its first
/// characters, added to the result's error so the self-log and <see cref="ThreadedHandlerStatistics.LastError"/> say why.
/// A body compressed though the handler asks for no encoding (gzip, br, deflate) is read decompressed, one in another
/// encoding not at all. Best effort: a body cut off, slow or empty adds nothing and never changes the outcome.
/// </summary>
internal static class AnswerReason
{
    /// <summary>The most bytes of a failed answer's body read for its reason.</summary>
    internal const int MaxBytes = 512;

    /// <summary>
    /// How long the body of an answer whose status decided the send is waited for (its reason, or a 2xx's level rules):
    /// a body that stalls after the headers must not hold the send (each batch, and Dispose) for the request timeout.
    /// </summary>
    internal static readonly TimeSpan BodyWait = TimeSpan.FromSeconds(2);

    /// <summary>The result with the answer's reason after its error, when the answer has one.</summary>
    public static async Task<SendResult> AddToAsync(SendResult result, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is 0)
        {
            return result;
        }

        var encodings = response.Content.Headers.ContentEncoding;
        if (encodings.Count > 1 || (encodings.Count == 1 && Decoder(encodings.First()) is null))
        {
            return result; // an encoding it cannot read: its bytes are no text
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(BodyWait);
        var buffer = new byte[MaxBytes];
        var length = 0;
        try
        {
            var body = await response.Content.ReadAsStreamAsync(wait.Token).ConfigureAwait(false);
            await using var disposeBody = body.ConfigureAwait(false);

            // The handler asks for no encoding (AutomaticDecompression off), but a proxy may compress its error page all the
            // same: read as text, its bytes made a reason of U+FFFD and stray letters. At most MaxBytes of the text are read.
            var stream = encodings.Count == 1 ? Decoder(encodings.First())!(body) : body;
            await using var disposeStream = stream.ConfigureAwait(false);
            int read;
            while (length < MaxBytes && (read = await stream.ReadAsync(buffer.AsMemory(length), wait.Token).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or OperationCanceledException)
        {
            // What arrived is the reason, if anything did (a body that is not what its encoding says: what it decoded to).
        }

        var reason = ReasonLine.Clean(Encoding.UTF8.GetString(buffer, 0, length), cut: length == MaxBytes);
        return reason.Length == 0 ? result : result with { Error = $"{result.Error}: {reason}" };
    }

    /// <summary>The decompressor of a <c>Content-Encoding</c> (HTTP's <c>deflate</c> is zlib's format), or null for one it cannot read.</summary>
    private static Func<Stream, Stream>? Decoder(string encoding) => encoding.ToUpperInvariant() switch
    {
        "IDENTITY" => body => body,
        "GZIP" or "X-GZIP" => body => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
        "BR" => body => new BrotliStream(body, CompressionMode.Decompress, leaveOpen: true),
        "DEFLATE" => body => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
        _ => null,
    };
}
