using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ThreadedLogging;

/// <summary>
/// JSON encodings of the strings that repeat from event to event — categories, templates, property names,
/// event and thread names — so that the worker escapes and transcodes each once instead of on every event.
/// Keyed by reference (those strings are long-lived objects, the same for every call of a log site), in a small
/// direct-mapped table per thread: a miss re-encodes and replaces the slot, so the table never grows.
/// </summary>
internal sealed class EncodedTextCache
{
    private const int Size = 256;
    private const int MaxLength = 512; // longer strings are written directly: rare, and not worth keeping

    [ThreadStatic]
    private static EncodedTextCache? t_current;

    private readonly string?[] _keys = new string?[Size];
    private readonly JsonEncodedText[] _values = new JsonEncodedText[Size];

    /// <summary>Gets this thread's cache.</summary>
    public static EncodedTextCache Current => t_current ??= new EncodedTextCache();

    /// <summary>Writes <paramref name="value"/> as a string value, from the cache when it has been seen.</summary>
    public void WriteString(Utf8JsonWriter json, JsonEncodedText name, string value)
    {
        if (value.Length > MaxLength)
        {
            json.WriteString(name, value);
            return;
        }

        json.WriteString(name, Get(value));
    }

    /// <summary>Writes <paramref name="value"/> as a property name, from the cache when it has been seen.</summary>
    public void WritePropertyName(Utf8JsonWriter json, string value)
    {
        if (value.Length > MaxLength)
        {
            json.WritePropertyName(value);
            return;
        }

        json.WritePropertyName(Get(value));
    }

    private JsonEncodedText Get(string value)
    {
        var slot = RuntimeHelpers.GetHashCode(value) & (Size - 1);
        if (!ReferenceEquals(_keys[slot], value))
        {
            _values[slot] = JsonEncodedText.Encode(value);
            _keys[slot] = value;
        }

        return _values[slot];
    }
}
