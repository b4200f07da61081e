using System.Text.Json;

namespace ThreadedLogging;

/// <summary>
/// JSON encodings of the strings that repeat from event to event — categories, templates, property names,
/// event and thread names — so that the worker escapes and transcodes each once instead of on every event.
/// Keyed by reference, per thread (<see cref="ReferenceKeyedCache{T}"/>).
/// </summary>
internal sealed class EncodedTextCache
{
    private const int MaxLength = 512; // longer strings are written directly: rare, and not worth keeping

    [ThreadStatic]
    private static EncodedTextCache? t_current;

    private readonly ReferenceKeyedCache<JsonEncodedText> _encodings = new(static value => JsonEncodedText.Encode(value));

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

        json.WriteString(name, _encodings.Get(value));
    }

    /// <summary>Writes <paramref name="value"/> as a property name, from the cache when it has been seen.</summary>
    public void WritePropertyName(Utf8JsonWriter json, string value)
    {
        if (value.Length > MaxLength)
        {
            json.WritePropertyName(value);
            return;
        }

        json.WritePropertyName(_encodings.Get(value));
    }
}
