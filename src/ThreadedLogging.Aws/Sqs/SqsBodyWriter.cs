using System.Buffers;
using System.Text.Json;

namespace ThreadedLogging;

/// <summary>The two body shapes, written with the core's serializers so that SQS and HTTP carry the same JSON.</summary>
internal static class SqsBodyWriter
{
    /// <summary>Writes the JsonBatch envelope of <paramref name="batch"/> (docs/WIRE-FORMAT.md §1).</summary>
    public static void WriteJsonBatch(LogBatch batch, IBufferWriter<byte> output) => JsonBatchWriter.Write(batch, output);

    /// <summary>
    /// Writes the seed's record: the Python <c>LogRecord</c> fields of the event, plus <c>user</c> and
    /// <c>revision</c> as the seed added them, plus the identity fields ThreadedLogging's HTTP handler sends
    /// (<c>app</c>, <c>machine</c>) and <c>instanceId</c> + <c>sequence</c> so a consumer can store it once.
    /// </summary>
    public static void WriteSeedRecord(LogEvent logEvent, LogIdentity identity, int revision, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        foreach (var (name, value) in PythonRecord.Fields(logEvent, identity))
        {
            json.WriteString(name, value);
        }

        json.WriteString("user", identity.User);
        json.WriteNumber("revision", revision);
        json.WriteString("app", identity.App);
        json.WriteString("machine", identity.Machine);
        json.WriteString("instanceId", identity.InstanceId);
        json.WriteNumber("sequence", logEvent.Sequence);
        json.WriteEndObject();
    }
}
