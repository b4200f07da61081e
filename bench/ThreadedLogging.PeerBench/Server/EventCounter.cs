using System.Text.Json;
using Google.Protobuf;

namespace ThreadedLogging.PeerBench;

/// <summary>Counts the log events in a request body, by format: JsonBatch envelope, NDJSON/CLEF lines, OTLP protobuf.</summary>
internal static class EventCounter
{
    /// <summary>Counts the events of a body, or returns null for a content type it does not know.</summary>
    public static long? Count(string? contentType, ReadOnlySpan<byte> body)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        return mediaType switch
        {
            "application/json" => CountEnvelopeEvents(body),
            "application/x-ndjson" or "application/vnd.serilog.clef" => CountLines(body),
            "application/x-protobuf" => CountOtlpLogRecords(body.ToArray()),
            _ => null,
        };
    }

    /// <summary>ThreadedLogging's JsonBatch envelope: the elements of its top-level <c>events</c> array.</summary>
    private static long CountEnvelopeEvents(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        long count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("events"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                }
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
            {
                reader.Skip();
            }
        }

        return count;
    }

    private static long CountLines(ReadOnlySpan<byte> body)
    {
        long count = 0;
        foreach (var range in body.Split((byte)'\n'))
        {
            if (!body[range].Trim((byte)'\r').IsEmpty)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// OTLP <c>ExportLogsServiceRequest</c>: resource_logs (1) → scope_logs (2) → log_records (2); every other field
    /// is skipped, so no generated classes (no NuGet package here ships the .proto files) are needed.
    /// </summary>
    private static long CountOtlpLogRecords(byte[] message) => CountNested(message, depth: 0);

    private static long CountNested(byte[] message, int depth)
    {
        var input = new CodedInputStream(message);
        var wanted = depth == 0 ? 1 : 2;
        long count = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != wanted || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
            {
                input.SkipLastField();
            }
            else if (depth == 2)
            {
                count++;
                input.SkipLastField();
            }
            else
            {
                count += CountNested(input.ReadBytes().ToByteArray(), depth + 1);
            }
        }

        return count;
    }
}
