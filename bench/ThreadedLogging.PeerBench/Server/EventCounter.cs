using System.Runtime.CompilerServices;
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

    /// <summary>
    /// ThreadedLogging's JsonBatch envelope: the objects of its top-level <c>events</c> array (WIRE-FORMAT: every event is an
    /// object). A byte scan of our own, compiled optimized from its first call: <see cref="System.Text.Json.Utf8JsonReader"/> looks for a
    /// string's end with the runtime's generic <c>SearchValues</c> code, which in this long-lived process stayed at tier 0
    /// or instrumented (perf, 6 Dec: <c>IndexOfAnyAsciiSearcher.IndexOfAnyCore[QuickJitted]</c> the orchestrator's top
    /// symbol), so the server's CPU per JsonBatch event swung 0.7–9 µs from run to run, on the cores the peer shares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountEnvelopeEvents(ReadOnlySpan<byte> body)
    {
        long count = 0;
        var depth = 0;
        var inEvents = false; // inside the root's "events" array (depth 2 there)
        var afterEventsKey = false; // the last string at depth 1 was "events"
        for (var i = 0; i < body.Length; i++)
        {
            switch (body[i])
            {
                case (byte)'"':
                    var start = ++i;
                    while (i < body.Length && body[i] != (byte)'"')
                    {
                        i += body[i] == (byte)'\\' ? 2 : 1;
                    }

                    if (depth == 1)
                    {
                        afterEventsKey = body[start..Math.Min(i, body.Length)].SequenceEqual("events"u8);
                    }

                    break;
                case (byte)'{':
                case (byte)'[':
                    if (inEvents && depth == 2 && body[i] == (byte)'{')
                    {
                        count++;
                    }

                    inEvents |= depth == 1 && afterEventsKey && body[i] == (byte)'[';
                    depth++;
                    break;
                case (byte)'}':
                case (byte)']':
                    depth--;
                    inEvents &= depth > 1;
                    break;
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
