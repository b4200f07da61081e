using System.Text;
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

    private readonly ReferenceKeyedCache<JsonEncodedText> _encodings = new(Encode);

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

    /// <summary>
    /// The encoding of <paramref name="value"/>; invalid UTF-16 (a lone surrogate: text cut inside a pair, such as an
    /// emoji) as U+FFFD. <see cref="JsonEncodedText.Encode(string, System.Text.Encodings.Web.JavaScriptEncoder?)"/>
    /// throws on it where the writer's string methods write U+FFFD, and the throw failed every send of the batch.
    /// </summary>
    private static JsonEncodedText Encode(string value)
    {
        try
        {
            return JsonEncodedText.Encode(value);
        }
        catch (ArgumentException)
        {
            return JsonEncodedText.Encode(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)));
        }
    }
}
