using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// Turns an SQS message into the batch HTTP ingest would have stored, through the same decoder
/// (<see cref="IngestDecoders"/>): <c>tl-format</c> names the format, <c>+gzip</c> a base64 gzip body, and a binary
/// format (<c>otlp-protobuf</c>) is base64. The batch key is the message's <c>tl-dedupe-id</c> (else its SQS message
/// id), so a redelivered message is stored once.
/// </summary>
internal sealed class SqsMessageDecoder(IngestDecoders decoders)
{
    /// <summary>
    /// Decodes <paramref name="message"/>; throws <see cref="IngestRejectedException"/> for a poison message, or with status 429
    /// when its bytes do not fit <paramref name="budget"/> (<see cref="CollectorOptions.MaxReceivingBytes"/>) or
    /// <paramref name="sender"/>'s share of it. The bytes the decoder read (gunzipped for <c>+gzip</c>) come back as
    /// <c>Held</c>, still taken from the budget: the caller disposes it once the batch is committed or refused.
    /// </summary>
    public (EventBatch Batch, BodyBuffer Held) Decode(Message message, string queueLabel, IngestLimits limits, BodyBudget? budget = null, string? sender = null)
    {
        var body = message.Body ?? string.Empty;
        var format = Attribute(message, SqsWire.FormatAttribute);
        if (format is null)
        {
            // Sniffing reads the body outside the budget: a body that cannot decode to anything under the cap (base64, the
            // smallest it can, is 3 bytes per 4 characters) is refused before, as too large; Sniff holds each form to the cap.
            if (body.Length * 3L / 4 > limits.Options.MaxRequestBodyBytes)
            {
                throw TooLarge(Encoding.UTF8.GetByteCount(body), limits.Options.MaxRequestBodyBytes);
            }

            (format, body) = Sniff(body, limits.Options.MaxRequestBodyBytes)
                ?? throw IngestRejectedException.BadRequest(
                    $"no {SqsWire.FormatAttribute} attribute, and the body is not a JSON object with \"events\" ({SqsWire.JsonBatch}) or \"msg\" ({SqsWire.SeedRecord}), "
                    + $"nor base64 of one: set {SqsWire.FormatAttribute} to one of {string.Join(", ", decoders.Names)}, each optionally {IngestDecoders.GzipSuffix}");
        }

        var key = limits.Field(Attribute(message, SqsWire.DedupeIdAttribute) ?? $"sqs:{queueLabel}:{message.MessageId}", "batchId", -1);
        var gzip = format.EndsWith(IngestDecoders.GzipSuffix, StringComparison.Ordinal);
        var decoder = decoders.ForName(gzip ? format[..^IngestDecoders.GzipSuffix.Length] : format)
            ?? throw IngestRejectedException.BadRequest($"unknown message format '{format}' (expected {string.Join(", ", decoders.Names)}, each optionally {IngestDecoders.GzipSuffix})");

        // The same capped gunzip and UTF-8 check as an HTTP body with Content-Encoding: gzip, and the same budget: the message's
        // bytes and what they inflate to are taken from it as an HTTP body's are (a receive of 10 messages each inflating to
        // MaxRequestBodyBytes was held outside it), the message's bytes capped at MaxRequestBodyBytes as a body's are, so a
        // message always fits its queue's share when nothing else holds it.
        var limit = limits.Options.MaxRequestBodyBytes;
        var raw = gzip || !decoder.IsText ? Base64(body, format, limit, budget, sender) : Utf8(body, limit, budget, sender);
        BodyBuffer content;
        try
        {
            content = RequestBodyReader.Decode(new ReceivedBody(raw, gzip ? ContentCoding.Gzip : ContentCoding.Identity), limit, decoder.IsText, budget, sender);
        }
        catch
        {
            raw.Dispose();
            throw;
        }

        if (!ReferenceEquals(content, raw))
        {
            raw.Dispose();
        }

        try
        {
            var decoded = decoder.Decode(new IngestRequest(content.Memory, $"sqs:{queueLabel}", key), limits);
            if (decoded.Rejected > 0)
            {
                // A message is kept or set aside whole: records over a limit make it poison, as a 4xx would over HTTP.
                throw IngestRejectedException.BadRequest($"{decoded.Rejected} record(s) refused: {decoded.Rejection}");
            }

            return (decoded.Batch, content);
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    private static string? Attribute(Message message, string name) =>
        message.MessageAttributes is { } attributes && attributes.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.StringValue)
            ? value.StringValue
            : null;

    /// <summary>
    /// A message from a producer that sets no attributes: an envelope has <c>events</c>, a record <c>msg</c>. The seed's
    /// <c>ThreadedAwsHandler</c> wrote its record through boto's <c>Message</c>, which sends the body as base64: such a
    /// body is read as the JSON it decodes to. Null for any other body.
    /// <para>
    /// Sniffing runs before the body is taken from the budget (the format decides whether it is base64), so it holds the
    /// body to <paramref name="limit"/> in the form it reads before copying it: a JSON body's UTF-8 (up to 3 bytes a character,
    /// where the check before it allows 4/3 of the limit in characters, the base64 slack: up to 4 × the limit), a base64 body's
    /// decoded bytes (at most the limit). It then holds one copy of at most the limit (and a base64 record's text), and reads
    /// only the top level's names with a <see cref="Utf8JsonReader"/>. Before, a JSON body was copied and parsed into a
    /// <see cref="JsonDocument"/> (12 bytes a token) whatever its UTF-8 length, and refused as too large only after.
    /// </para>
    /// </summary>
    private static (string Format, string Body)? Sniff(string body, long limit)
    {
        if (body.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            var length = Encoding.UTF8.GetByteCount(body);
            if (length > limit)
            {
                throw TooLarge(length, limit);
            }

            return JsonFormat(Encoding.UTF8.GetBytes(body)) is { } format ? (format, body) : null;
        }

        var bytes = new byte[body.Length / 4 * 3];
        if (body.Length > 0 && Convert.TryFromBase64String(body, bytes, out var written) && System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(0, written))
            && JsonFormat(bytes.AsMemory(0, written)) is { } decodedFormat)
        {
            return (decodedFormat, Encoding.UTF8.GetString(bytes, 0, written));
        }

        return null;
    }

    /// <summary>
    /// The format of a body that is a JSON object with <c>events</c> or <c>msg</c> at its top level; null for any other body
    /// (not JSON, another value, or neither name). A Python record with a float that is not finite (json.dumps's NaN) is still
    /// a record: SeedRecordDecoder reads it; such a body is read again with those floats rewritten.
    /// </summary>
    private static string? JsonFormat(ReadOnlyMemory<byte> json)
    {
        try
        {
            return TopLevelFormat(json.Span);
        }
        catch (JsonException)
        {
            var (replaced, rewritten) = Formats.Python.PythonJsonFloats.Replaced(json);
            try
            {
                return rewritten ? TopLevelFormat(replaced.Span) : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The top level's names read, every value skipped (and so checked as JSON, as a whole parse does): no document.</summary>
    private static string? TopLevelFormat(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        bool events = false, msg = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            events |= reader.ValueTextEquals("events"u8);
            msg |= reader.ValueTextEquals("msg"u8);
            reader.Read();
            reader.Skip();
        }

        // The object's end: anything after it but white space throws, as JsonDocument.Parse did.
        _ = reader.Read();
        return events ? SqsWire.JsonBatch : msg ? SqsWire.SeedRecord : null;
    }

    /// <summary>A base64 body's bytes, in a buffer taken from <paramref name="budget"/>.</summary>
    private static BodyBuffer Base64(string body, string format, long limit, BodyBudget? budget, string? sender)
    {
        // 3 bytes per 4 characters of data (not white space or padding): the buffer is sized, and the cap checked, before decoding.
        var data = body.Length;
        foreach (var c in body)
        {
            if (c is '=' or ' ' or '\t' or '\r' or '\n')
            {
                data--;
            }
        }

        var length = data * 3L / 4;
        if (length > limit)
        {
            throw TooLarge(length, limit);
        }

        var bytes = BodyBuffer.Rent((int)length, budget, sender);
        if (!Convert.TryFromBase64String(body, bytes.Array, out var written))
        {
            bytes.Dispose();
            throw IngestRejectedException.BadRequest($"{format} body is not base64");
        }

        bytes.Length = written;
        return bytes;
    }

    /// <summary>A text body's UTF-8 bytes, in a buffer taken from <paramref name="budget"/>.</summary>
    private static BodyBuffer Utf8(string body, long limit, BodyBudget? budget, string? sender)
    {
        var length = Encoding.UTF8.GetByteCount(body);
        if (length > limit)
        {
            throw TooLarge(length, limit);
        }

        var bytes = BodyBuffer.Rent(length, budget, sender);
        bytes.Length = Encoding.UTF8.GetBytes(body, bytes.Array);
        return bytes;
    }

    private static IngestRejectedException TooLarge(long length, long limit) =>
        IngestRejectedException.TooLarge($"message is {length} bytes; the limit is {limit} (Collector:MaxRequestBodyBytes)");

    /// <summary>How many times SQS has handed this message out, or 1 when the server does not say.</summary>
    public static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes
        && attributes.TryGetValue("ApproximateReceiveCount", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;
}
