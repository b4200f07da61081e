using System.Text;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The <c>charset</c> of a text body's Content-Type. Decoders read UTF-8, so a body declared in another charset is decoded
/// from it and written as UTF-8 before they see it: before, the charset was ignored and the bytes read as UTF-8, which
/// refused a latin-1 <c>é</c> (0xE9) as invalid and stored latin-1 <c>Ã©</c> (0xC3 0xA9) as <c>é</c>, mojibake without a word.
/// Bytes that are valid UTF-8 are read as UTF-8 whatever the label (JSON's charset is UTF-8, RFC 8259 §11), unless it names
/// UTF-16 or UTF-32. Every charset .NET decodes without a package is taken (UTF-8, US-ASCII, ISO-8859-1, UTF-16, UTF-32, and the code pages of
/// <see cref="CodePagesEncodingProvider"/>, asked directly rather than registered for the whole process: windows-1252,
/// shift_jis, …), strictly: a byte that is not text in it refuses the body (400), as invalid UTF-8 does. Any other is 415.
/// </summary>
internal static class BodyCharset
{
    /// <summary>The declared charset of <paramref name="contentType"/>, unquoted; null when none is given.</summary>
    public static string? Of(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) && type.Charset.HasValue && HeaderUtilities.RemoveQuotes(type.Charset).Trim() is { Length: > 0 } charset
            ? charset.Value
            : null;

    /// <summary>Whether <paramref name="charset"/> (a label as <see cref="Of"/> gives it) is UTF-8: none given, <c>utf-8</c> or <c>utf8</c>, any case.</summary>
    public static bool IsUtf8(string? charset) =>
        charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The body as UTF-8: <paramref name="body"/> itself when <paramref name="charset"/> is UTF-8 (checked by the caller), else
    /// a new buffer of at most <paramref name="limit"/> bytes taken from <paramref name="budget"/>, which the caller disposes
    /// (and <paramref name="body"/>).
    /// </summary>
    /// <exception cref="IngestRejectedException">415: a charset .NET does not decode; 400: bytes that are not text in it;
    /// 413: more than <paramref name="limit"/> bytes once written as UTF-8 (found as it is written, read no further);
    /// 429: the buffer does not fit in <paramref name="budget"/>.</exception>
    public static BodyBuffer ToUtf8(BodyBuffer body, string? charset, long limit, BodyBudget? budget, string? sender)
    {
        if (IsUtf8(charset))
        {
            return body;
        }

        var encoding = Find(charset!);
        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            return body;
        }

        if (encoding.CodePage is not (1200 or 1201 or 12000 or 12001) && !Ascii.IsValid(body.Span) && Utf8.IsValid(body.Span))
        {
            // JSON has no charset parameter ("adding one has no effect on compliant recipients", RFC 8259 §11) and OTLP/JSON
            // is UTF-8 only: valid UTF-8 is read as UTF-8 whatever the label, so UTF-8 labelled iso-8859-1 is not garbled
            // nor UTF-8 labelled us-ascii refused. Every text body that comes here is JSON (NDJSON, CLEF: JSON a line; a form
            // body in another charset is 415 before). UTF-16 and UTF-32 are always read as labelled: JSON in them holds NUL
            // bytes, valid UTF-8 that no JSON in UTF-8 holds. Only UTF-8 with a byte past ASCII says it is UTF-8: bytes that
            // are all ASCII are decoded as labelled, the same text in an ASCII-compatible charset, and the only reading of a
            // 7-bit one (iso-2022-jp, hz-gb-2312: escape sequences in ASCII bytes, valid UTF-8 too).
            return body;
        }

        (encoding, var bom) = ByteOrderMark(encoding, body.Span);
        try
        {
            // Transcoded as a stream into a budgeted buffer, never the whole body as a .NET string (two bytes a character,
            // outside the budget): past the limit it stops there, as a decompressed body does.
            using var utf8 = Encoding.CreateTranscodingStream(new MemoryStream(body.Array, bom, body.Length - bom, writable: false), encoding, Encoding.UTF8);
            return RequestBodyReader.ReadLimitedAsync(utf8, limit, decompressed: true, body.Length - bom, budget, sender, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (DecoderFallbackException)
        {
            throw IngestRejectedException.BadRequest($"body is not valid {encoding.WebName} (Content-Type charset '{LoggedText.Of(charset)}')");
        }
        catch (IngestRejectedException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new IngestRejectedException(StatusCodes.Status413PayloadTooLarge,
                $"body exceeds {limit} bytes once decoded from {encoding.WebName} to UTF-8 (Collector:MaxRequestBodyBytes)", e);
        }
    }

    /// <summary>The strict encoding <paramref name="charset"/> names (a byte it cannot decode throws), or 415.</summary>
    private static Encoding Find(string charset)
    {
        Encoding? found;
        try
        {
            found = Encoding.GetEncoding(charset);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // An unknown name (ArgumentException), or UTF-7, which .NET knows and refuses (NotSupportedException, SYSLIB0001).
            found = CodePagesEncodingProvider.Instance.GetEncoding(charset);
        }

        if (found is null || found.CodePage == 65000)
        {
            // UTF-7 (65000): off in .NET, and a way to smuggle markup past filters that read bytes; not taken were it on.
            throw new IngestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                $"unsupported charset '{LoggedText.Of(charset)}' in Content-Type (utf-8, or one .NET decodes: iso-8859-1, windows-1252, utf-16, …)");
        }

        return Strict(found);
    }

    /// <summary>
    /// A byte order mark at the start of a UTF-16 or UTF-32 body decides its order and is not text (RFC 2781 §3.3); a UTF-16
    /// body without one is read little-endian for <c>utf-16</c>, as the WHATWG Encoding Standard and .NET's own
    /// <c>HttpContent</c> read it (what .NET's <c>StringContent</c> with <c>Encoding.Unicode</c> sends).
    /// </summary>
    private static (Encoding Encoding, int Skip) ByteOrderMark(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        if (encoding.CodePage is 1200 or 1201 && bytes.Length >= 2)
        {
            if (bytes[0] == 0xFF && bytes[1] == 0xFE)
            {
                return (Strict(Encoding.Unicode), 2);
            }

            if (bytes[0] == 0xFE && bytes[1] == 0xFF)
            {
                return (Strict(Encoding.BigEndianUnicode), 2);
            }
        }

        var preamble = encoding.Preamble;
        return (encoding, preamble.Length > 0 && bytes.StartsWith(preamble) ? preamble.Length : 0);
    }

    private static Encoding Strict(Encoding encoding)
    {
        var strict = (Encoding)encoding.Clone();
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        return strict;
    }
}
