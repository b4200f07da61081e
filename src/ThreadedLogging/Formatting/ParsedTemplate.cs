using System.Globalization;

namespace ThreadedLogging;

/// <summary>
/// A message template cut once into literal runs and holes (with each hole's alignment and format), so that
/// rendering the many events of one log site does not scan and parse the same template again.
/// <see cref="Get"/> keeps the parses of recent templates per thread, keyed by reference
/// (<see cref="ReferenceKeyedCache{T}"/>): a template is the call site's string literal, the same object on every call.
/// </summary>
internal sealed class ParsedTemplate
{
    [ThreadStatic]
    private static ReferenceKeyedCache<ParsedTemplate>? t_cache;

    private ParsedTemplate(Segment[] segments) => Segments = segments;

    /// <summary>Gets the pieces of the template, in order.</summary>
    public Segment[] Segments { get; }

    /// <summary>The parse of <paramref name="template"/>, from this thread's cache when it was parsed before.</summary>
    public static ParsedTemplate Get(string template) => (t_cache ??= new ReferenceKeyedCache<ParsedTemplate>(Parse)).Get(template);

    /// <summary>
    /// Cuts the template as MEL's formatter reads it: <c>{{</c> and <c>}}</c> are literal braces, a lone
    /// <c>}</c> is kept, an unclosed <c>{</c> and the rest are literal text, holes are numbered by position.
    /// </summary>
    internal static ParsedTemplate Parse(string template)
    {
        var segments = new List<Segment>();
        var hole = 0;
        var i = 0;
        while (i < template.Length)
        {
            var next = template.AsSpan(i).IndexOfAny('{', '}');
            if (next < 0)
            {
                segments.Add(Segment.Literal(i, template.Length - i));
                break;
            }

            if (next > 0)
            {
                segments.Add(Segment.Literal(i, next));
            }

            i += next;
            var c = template[i];
            if (i + 1 < template.Length && template[i + 1] == c)
            {
                segments.Add(Segment.Literal(i, 1)); // "{{" or "}}": one brace
                i += 2;
            }
            else if (c == '{')
            {
                var close = template.IndexOf('}', i + 1);
                if (close < 0)
                {
                    segments.Add(Segment.Literal(i, template.Length - i));
                    break;
                }

                segments.Add(Segment.ForHole(hole++, i, close - i + 1, template.AsSpan(i + 1, close - i - 1)));
                i = close + 1;
            }
            else
            {
                segments.Add(Segment.Literal(i, 1)); // a lone "}"
                i++;
            }
        }

        return new ParsedTemplate([.. segments]);
    }

    /// <summary>
    /// A literal run of the template (<see cref="Hole"/> &lt; 0) or a hole (with its <see cref="Name"/>), whose raw text is
    /// kept for when it has no value.
    /// </summary>
    internal readonly record struct Segment(int Start, int Length, int Hole, int Alignment, string? Format, string? Name = null)
    {
        public static Segment Literal(int start, int length) => new(start, length, -1, 0, null);

        /// <summary>A hole <c>{Name,alignment:format}</c>; <paramref name="spec"/> is what is between the braces.</summary>
        public static Segment ForHole(int hole, int start, int length, ReadOnlySpan<char> spec)
        {
            var formatStart = spec.IndexOf(':');
            var nameAndAlignment = formatStart >= 0 ? spec[..formatStart] : spec;
            var comma = nameAndAlignment.IndexOf(',');
            var alignment = 0;
            if (comma >= 0)
            {
                _ = int.TryParse(nameAndAlignment[(comma + 1)..].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out alignment);
            }

            var name = (comma >= 0 ? nameAndAlignment[..comma] : nameAndAlignment).Trim().ToString();
            return new Segment(start, length, hole, alignment, formatStart >= 0 ? spec[(formatStart + 1)..].ToString() : null, name);
        }
    }
}
