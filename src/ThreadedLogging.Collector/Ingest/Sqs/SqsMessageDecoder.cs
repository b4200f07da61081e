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
    /// <summary>Decodes <paramref name="message"/>; throws <see cref="IngestRejectedException"/> for a poison message.</summary>
    public EventBatch Decode(Message message, string queueLabel, IngestLimits limits)
    {
        var body = message.Body ?? string.Empty;
        var format = Attribute(message, SqsWire.FormatAttribute);
        if (format is null)
        {
            (format, body) = Sniff(body)
                ?? throw IngestRejectedException.BadRequest(
                    $"no {SqsWire.FormatAttribute} attribute, and the body is not a JSON object with \"events\" ({SqsWire.JsonBatch}) or \"msg\" ({SqsWire.SeedRecord}), "
                    + $"nor base64 of one: set {SqsWire.FormatAttribute} to one of {string.Join(", ", decoders.Names)}, each optionally {IngestDecoders.GzipSuffix}");
        }

        var key = limits.Field(Attribute(message, SqsWire.DedupeIdAttribute) ?? $"sqs:{queueLabel}:{message.MessageId}", "batchId", -1);
        var gzip = format.EndsWith(IngestDecoders.GzipSuffix, StringComparison.Ordinal);
        var decoder = decoders.ForName(gzip ? format[..^IngestDecoders.GzipSuffix.Length] : format)
            ?? throw IngestRejectedException.BadRequest($"unknown message format '{format}' (expected {string.Join(", ", decoders.Names)}, each optionally {IngestDecoders.GzipSuffix})");

        // The same capped gunzip and UTF-8 check as an HTTP body with Content-Encoding: gzip.
        using var received = gzip || !decoder.IsText ? new ReceivedBody(Base64(body, format), gzip) : new ReceivedBody(Encoding.UTF8.GetBytes(body), Gzip: false);
        using var content = RequestBodyReader.Decode(received, limits.Options.MaxRequestBodyBytes, decoder.IsText);
        var decoded = decoder.Decode(new IngestRequest(content.Memory, $"sqs:{queueLabel}", key), limits);
        if (decoded.Rejected > 0)
        {
            // A message is kept or set aside whole: records over a limit make it poison, as a 4xx would over HTTP.
            throw IngestRejectedException.BadRequest($"{decoded.Rejected} record(s) refused: {decoded.Rejection}");
        }

        return decoded.Batch;
    }

    private static string? Attribute(Message message, string name) =>
        message.MessageAttributes is { } attributes && attributes.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.StringValue)
            ? value.StringValue
            : null;

    /// <summary>
    /// A message from a producer that sets no attributes: an envelope has <c>events</c>, a record <c>msg</c>. The seed's
    /// <c>ThreadedAwsHandler</c> wrote its record through boto's <c>Message</c>, which sends the body as base64: such a
    /// body is read as the JSON it decodes to. Null for any other body.
    /// </summary>
    private static (string Format, string Body)? Sniff(string body)
    {
        if (JsonFormat(body) is { } format)
        {
            return (format, body);
        }

        var bytes = new byte[body.Length / 4 * 3];
        if (body.Length > 0 && Convert.TryFromBase64String(body, bytes, out var written))
        {
            try
            {
                var decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
                if (JsonFormat(decoded) is { } decodedFormat)
                {
                    return (decodedFormat, decoded);
                }
            }
            catch (DecoderFallbackException)
            {
                // not UTF-8 text: not a record
            }
        }

        return null;
    }

    /// <summary>The format of a body that is a JSON object with <c>events</c> or <c>msg</c>; null for any other body.</summary>
    private static string? JsonFormat(string body)
    {
        if (!body.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            // A Python record with a float that is not finite (json.dumps's NaN) is still a record: SeedRecordDecoder reads it.
            using var document = JsonDocument.Parse(Formats.Python.PythonJsonFloats.Replaced(Encoding.UTF8.GetBytes(body)).Json);
            return document.RootElement.ValueKind != JsonValueKind.Object ? null
                : document.RootElement.TryGetProperty("events", out _) ? SqsWire.JsonBatch
                : document.RootElement.TryGetProperty("msg", out _) ? SqsWire.SeedRecord
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Base64(string body, string format)
    {
        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"{format} body is not base64", e);
        }
    }

    /// <summary>How many times SQS has handed this message out, or 1 when the server does not say.</summary>
    public static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes
        && attributes.TryGetValue("ApproximateReceiveCount", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;
}
