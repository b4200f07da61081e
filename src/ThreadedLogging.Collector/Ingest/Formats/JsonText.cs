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

    // One buffer and writer per thread, reused (ingest writes two or three JSON texts per event); a nested call gets its own.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    [ThreadStatic]
    private static bool _busy;

    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        if (_busy)
        {
            var own = new ArrayBufferWriter<byte>(256);
            using (var json = new Utf8JsonWriter(own, Options))
            {
                write(json, state);
            }

            return Encoding.UTF8.GetString(own.WrittenSpan);
        }

        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(buffer, Options);
        writer.Reset(buffer);
        _busy = true;
        try
        {
            write(writer, state);
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            _busy = false;
            if (buffer.Capacity > 64 * 1024)
            {
                // A huge value once does not keep its buffer for the thread's life.
                _buffer = null;
                _writer = null;
            }
        }
    }
}
