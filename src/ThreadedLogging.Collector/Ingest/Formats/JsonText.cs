using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>Writes the compact JSON kept in the store (relaxed escaping: the query API re-encodes on the way out).</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json, state);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
