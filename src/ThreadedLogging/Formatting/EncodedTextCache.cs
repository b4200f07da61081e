using System.Runtime.CompilerServices;
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

    /// <summary>Gets <paramref name="value"/>'s encoding from the cache (made on a miss); false when it is too long to keep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(string value, out JsonEncodedText encoded)
    {
        if (value.Length > MaxLength)
        {
            encoded = default;
            return false;
        }

        encoded = _encodings.Get(value);
        return true;
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
