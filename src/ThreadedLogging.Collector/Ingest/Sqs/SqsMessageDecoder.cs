using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// Turns an SQS message into the batch HTTP ingest would have stored: a JsonBatch envelope (plain, or gzip +
/// base64) through <see cref="JsonBatchParser"/>, a seed record through <see cref="PythonRecordMapper"/>. The
/// batch key is the message's <c>tl-dedupe-id</c> (else its SQS message id), so a redelivered message is stored once.
/// </summary>
internal static class SqsMessageDecoder
{
    /// <summary>Decodes <paramref name="message"/>; throws <see cref="IngestRejectedException"/> for a poison message.</summary>
    public static EventBatch Decode(Message message, string queueLabel, IngestLimits limits)
    {
        var body = message.Body ?? string.Empty;
        var format = Attribute(message, SqsWire.FormatAttribute) ?? Sniff(body);
        var key = limits.Field(Attribute(message, SqsWire.DedupeIdAttribute) ?? $"sqs:{queueLabel}:{message.MessageId}", "batchId", -1);
        var path = $"sqs:{queueLabel}";
        return format switch
        {
            SqsWire.JsonBatch => JsonBatchParser.ParseEnvelope(Encoding.UTF8.GetBytes(body), path, key, limits),
            SqsWire.JsonBatchGzip => JsonBatchParser.ParseEnvelope(Gunzip(body, limits.Options.MaxRequestBodyBytes), path, key, limits),
            SqsWire.SeedRecord => new EventBatch(key, [PythonRecordMapper.Map(RecordFields(body), path, limits)]),
            _ => throw IngestRejectedException.BadRequest($"unknown message format '{format}' (expected {SqsWire.JsonBatch}, {SqsWire.JsonBatchGzip} or {SqsWire.SeedRecord})"),
        };
    }

    private static string? Attribute(Message message, string name) =>
        message.MessageAttributes is { } attributes && attributes.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.StringValue)
            ? value.StringValue
            : null;

    /// <summary>A message from a producer that sets no attributes: an envelope has <c>events</c>, a record <c>msg</c>.</summary>
    private static string Sniff(string body)
    {
        if (!body.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return "(none)";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind != JsonValueKind.Object ? "(none)"
                : document.RootElement.TryGetProperty("events", out _) ? SqsWire.JsonBatch
                : document.RootElement.TryGetProperty("msg", out _) ? SqsWire.SeedRecord
                : "(none)";
        }
        catch (JsonException)
        {
            return "(none)";
        }
    }

    private static byte[] Gunzip(string base64, long maxBytes)
    {
        byte[] zipped;
        try
        {
            zipped = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, "json-batch+gzip body is not base64", e);
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(zipped), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw IngestRejectedException.TooLarge($"json-batch+gzip body inflates past {maxBytes} bytes (Collector:MaxRequestBodyBytes)");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, "json-batch+gzip body is not gzip", e);
        }
    }

    /// <summary>The record's fields as Python's <c>str()</c> would give them, as HTTP form ingest sees them.</summary>
    private static Dictionary<string, string> RecordFields(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw IngestRejectedException.BadRequest("seed-record body is not a JSON object");
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => "None",
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    _ => property.Value.GetRawText(),
                };
            }

            return fields;
        }
        catch (JsonException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"seed-record body is not JSON: {e.Message.Split('.')[0]}", e);
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
