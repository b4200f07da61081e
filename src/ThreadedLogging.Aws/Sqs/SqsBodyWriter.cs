using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ThreadedLogging;

/// <summary>The two body shapes, written with the core's serializers so that SQS and HTTP carry the same fields.</summary>
internal static partial class SqsBodyWriter
{
    /// <summary>Fields whose Python values are numbers; <c>json.dumps(record.__dict__)</c> writes them unquoted.</summary>
    private static readonly HashSet<string> NumericFields = new(StringComparer.Ordinal)
    {
        "levelno", "lineno", "created", "msecs", "relativeCreated", "thread", "process",
    };

    /// <summary>Fields that are <c>None</c> in Python when absent; written as <c>null</c>.</summary>
    private static readonly HashSet<string> NullableFields = new(StringComparer.Ordinal) { "exc_info", "exc_text", "stack_info" };

    /// <summary>
    /// Writes the JsonBatch envelope (docs/WIRE-FORMAT.md §1) of events [start, start+count) of the batch,
    /// with <paramref name="envelopeId"/> as its <c>batchId</c>.
    /// </summary>
    public static void WriteJsonBatch(LogBatch batch, string envelopeId, int start, int count, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output);
        JsonBatchWriter.WriteEnvelope(json, new LogBatch(envelopeId, batch.Events, batch.Identity), start, count);
    }

    /// <summary>
    /// Writes the seed's record: the JSON of the Python <c>LogRecord</c>'s <c>__dict__</c> (numbers as numbers,
    /// <c>None</c> as null) with <c>user</c> and the integer <c>revision</c> added as the seed did, plus
    /// <c>machine</c>, <c>app</c>, <c>version</c> (the identity's), and <c>instanceId</c> + <c>sequence</c> so that a consumer stores it once.
    /// </summary>
    public static void WriteSeedRecord(LogEvent logEvent, LogIdentity identity, int revision, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        foreach (var (name, value) in PythonRecord.GetFields(logEvent, identity))
        {
            if (name == "revision")
            {
                continue; // the seed's revision is the deployment's integer, written below
            }

            if (NullableFields.Contains(name) && value == "None")
            {
                json.WriteNull(name);
            }
            else if (NumericFields.Contains(name) && JsonNumber().IsMatch(value))
            {
                json.WritePropertyName(name);
                json.WriteRawValue(value);
            }
            else
            {
                json.WriteString(name, value);
            }
        }

        json.WriteNumber("revision", revision);
        json.WriteString("version", identity.Version); // the version whatever the revision (a revision of 0 is none, for the collector too)
        json.WriteString("instanceId", identity.InstanceId);
        json.WriteNumber("sequence", logEvent.Sequence);
        json.WriteEndObject();
    }

    /// <summary>
    /// Python's <c>str()</c> of an int or a finite float (<c>20</c>, <c>1732443746.123</c>, <c>1e-05</c>) is a JSON
    /// number; anything else (<c>inf</c>, <c>nan</c>, an empty field) is written as a string.
    /// </summary>
    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
