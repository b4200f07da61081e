using System.Numerics;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// Reads a message template's holes, Serilog's (CLEF <c>@mt</c>, <c>message_template.text</c>) and Microsoft.Extensions.Logging's
/// (<c>{OriginalFormat}</c>) alike: a hole of the template is the message's content, not the event's identity
/// (<c>"Deleted account {UserId}"</c>, logged by an admin), so CLEF and OTLP rank it after every identity name that is not one.
/// </summary>
internal static class TemplateHoles
{
    /// <summary>
    /// Whether <paramref name="name"/> is a hole of <paramref name="template"/>: <c>{name}</c>, <c>{@name}</c> or
    /// <c>{$name}</c>, with or without an alignment or a format (<c>{name,-10}</c>, <c>{name:l}</c>). <c>{{</c> and <c>}}</c>
    /// are a literal brace, in both syntaxes: <c>"Use {{UserId}} placeholders"</c> has no hole. UTF-8 (CLEF's template as
    /// sent) or UTF-16 (OTLP's string).
    /// </summary>
    public static bool Contains<T>(ReadOnlySpan<T> template, ReadOnlySpan<T> name)
        where T : unmanaged, IBinaryInteger<T>
    {
        var open = T.CreateTruncating('{');
        var close = T.CreateTruncating('}');
        for (var at = template.IndexOfAny(open, close); at >= 0; at = template.IndexOfAny(open, close))
        {
            var brace = template[at];
            if (at + 1 < template.Length && template[at + 1] == brace)
            {
                template = template[(at + 2)..]; // an escaped brace, literal text
                continue;
            }

            template = template[(at + 1)..];
            if (brace == close)
            {
                continue;
            }

            var inner = template.Length > 0 && (template[0] == T.CreateTruncating('@') || template[0] == T.CreateTruncating('$')) ? template[1..] : template;
            if (inner.Length > name.Length && inner.StartsWith(name)
                && (inner[name.Length] == close || inner[name.Length] == T.CreateTruncating(',') || inner[name.Length] == T.CreateTruncating(':')))
            {
                return true;
            }
        }

        return false;
    }
}
