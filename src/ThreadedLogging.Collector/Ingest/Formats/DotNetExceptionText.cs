using System.Text.Json;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// Reads the text of a .NET <c>Exception.ToString()</c> (CLEF's <c>@x</c>, OTLP's <c>exception.stacktrace</c>, a .NET
/// exception in a Python-form <c>exc_text</c>) back into the exception object JsonBatch sends
/// (<c>{"type","message","stackTrace","text","inner":[…]}</c>, docs/WIRE-FORMAT.md §1).
/// </summary>
/// <remarks>
/// The layout is the runtime's: <c>Type: message</c>, then <c> ---&gt; </c> and the inner exception's own text,
/// closed by <c>   --- End of inner exception stack trace ---</c>, then the outer stack (<c>   at …</c> lines). An
/// <c>ExternalException</c> — every <c>DbException</c>: SqliteException, NpgsqlException, SqlException — writes its
/// HResult after the type (<c>Npgsql.PostgresException (0x80004005): 42P01: …</c>); an <c>AggregateException</c>
/// writes its inner exceptions after the first at the end, each <c> ---&gt; (Inner Exception #1) </c>…<c>&lt;---</c>.
/// </remarks>
internal static partial class DotNetExceptionText
{
    private const string InnerStart = " ---> ";
    private const string InnerEnd = "--- End of inner exception stack trace ---";
    private const string AggregateInnerStart = "\n ---> (Inner Exception #";
    private const string AggregateInnerEnd = "<---";

    /// <summary>
    /// Gets a value indicating whether <paramref name="text"/> reads as a .NET exception: a first line
    /// <c>Namespace.Type: message</c> (or a stack of <c>   at </c> lines after a bare type name). A JVM's stack
    /// (<c>java.lang.IllegalStateException: bad state</c> and <c>\tat com.x.Y.z(Y.java:10)</c> frames, a tab before each
    /// <c>at</c>) has the same first line, but is not: read as .NET, its frames were taken for the message.
    /// </summary>
    public static bool LooksLikeDotNet(string text)
    {
        var head = Head().Match(text);
        return head.Success
            && (text.Contains("\n   at ", StringComparison.Ordinal)
                || (head.Groups[1].Value.Contains('.', StringComparison.Ordinal) && !text.Contains("\n\tat ", StringComparison.Ordinal)));
    }

    /// <summary>The exception object for <paramref name="text"/>; the type is null when the text does not read as .NET.</summary>
    public static string ToJson(string text) => JsonText.Write(text, static (json, text) => Write(json, text, 0));

    /// <summary>Writes the exception object, with its type and message when <paramref name="text"/> reads as .NET.</summary>
    public static void Write(Utf8JsonWriter json, string text, int depth)
    {
        json.WriteStartObject();
        var head = Head().Match(text);
        if (!head.Success || depth > 16)
        {
            json.WriteString("text", text);
            json.WriteEndObject();
            return;
        }

        var type = head.Groups[1].Value;
        json.WriteString("type", type);
        var rest = text[head.Length..];

        // An AggregateException's inner exceptions after the first: at the very end, after its own stack. Only at the
        // aggregate's own level: an outer exception wrapping it has them inside its inner text, read by the recursion.
        // Its first inner exception's text may hold inner exceptions of its own (an aggregate in an aggregate): the
        // first "(Inner Exception #" outside every inner text is the aggregate's.
        var othersAt = type.EndsWith("AggregateException", StringComparison.Ordinal) ? TopLevelOthers(rest).FirstOrDefault(-1) : -1;
        var others = othersAt >= 0 ? rest[othersAt..] : null;
        rest = othersAt >= 0 ? rest[..othersAt] : rest;
        var innerAt = rest.IndexOf(InnerStart, StringComparison.Ordinal);
        var stackAt = rest.IndexOf("\n   at ", StringComparison.Ordinal);
        string message;
        string? inner = null;
        string? stack;
        if (innerAt >= 0 && (stackAt < 0 || innerAt < stackAt))
        {
            message = rest[..innerAt];
            var innerText = rest[(innerAt + InnerStart.Length)..];
            var endAt = innerText.LastIndexOf(InnerEnd, StringComparison.Ordinal);
            if (endAt >= 0)
            {
                inner = innerText[..endAt].TrimEnd();
                stack = innerText[(endAt + InnerEnd.Length)..];
            }
            else
            {
                inner = innerText;
                stack = null;
            }
        }
        else
        {
            message = stackAt >= 0 ? rest[..stackAt] : rest;
            stack = stackAt >= 0 ? rest[(stackAt + 1)..] : null;
        }

        message = message.StartsWith(": ", StringComparison.Ordinal) ? message[2..] : message.TrimStart(':');
        json.WriteString("message", message.TrimEnd('\r', '\n'));
        stack = stack?.Trim('\r', '\n');
        if (!string.IsNullOrEmpty(stack))
        {
            json.WriteString("stackTrace", stack);
        }

        json.WriteString("text", text);
        if (inner is not null || others is not null)
        {
            json.WriteStartArray("inner");
            if (inner is not null)
            {
                Write(json, inner, depth + 1);
            }

            foreach (var other in AggregateInners(others))
            {
                Write(json, other, depth + 1);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// The texts of an AggregateException's inner exceptions after the first: <c>\n ---&gt; (Inner Exception #1) text&lt;---</c>,
    /// one after another; each split off at its own start only (an inner aggregate's text holds such starts too).
    /// </summary>
    private static IEnumerable<string> AggregateInners(string? others)
    {
        if (others is null)
        {
            yield break;
        }

        var starts = TopLevelOthers(others).Append(others.Length).ToList();
        for (var i = 0; i + 1 < starts.Count; i++)
        {
            var part = others[(starts[i] + AggregateInnerStart.Length)..starts[i + 1]];
            // "1) System.ArgumentException: second\n   at E.F()<---\n"
            var close = part.IndexOf(") ", StringComparison.Ordinal);
            var other = (close >= 0 ? part[(close + 2)..] : part).TrimEnd();
            yield return other.EndsWith(AggregateInnerEnd, StringComparison.Ordinal) ? other[..^AggregateInnerEnd.Length] : other;
        }
    }

    /// <summary>
    /// Where in <paramref name="text"/> an aggregate's inner exceptions after the first start, outside every inner text:
    /// <c> ---&gt; </c> opens an inner text that <c>--- End of inner exception stack trace ---</c> closes, and
    /// <c>\n ---&gt; (Inner Exception #</c> one that <c>&lt;---</c> closes (the runtime writes both in pairs).
    /// </summary>
    private static IEnumerable<int> TopLevelOthers(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (string.CompareOrdinal(text, i, AggregateInnerStart, 0, AggregateInnerStart.Length) == 0)
            {
                if (depth == 0)
                {
                    yield return i;
                }

                depth++;
                i += AggregateInnerStart.Length - 1;
            }
            else if (string.CompareOrdinal(text, i, InnerStart, 0, InnerStart.Length) == 0)
            {
                depth++;
                i += InnerStart.Length - 1;
            }
            else if (depth > 0
                && (string.CompareOrdinal(text, i, InnerEnd, 0, InnerEnd.Length) == 0 || string.CompareOrdinal(text, i, AggregateInnerEnd, 0, AggregateInnerEnd.Length) == 0))
            {
                depth--;
            }
        }
    }

    /// <summary>
    /// A type name at the very start: dotted identifiers (generic arity, nested <c>+</c>), an <c>ExternalException</c>'s
    /// HResult (<c> (0x80004005)</c>), then <c>:</c> or the end of the line.
    /// </summary>
    [GeneratedRegex(@"^([A-Za-z_][\w`+]*(?:\.[A-Za-z_][\w`+]*)*)(?: \(0x[0-9A-Fa-f]{8}\))?(?=:|\r?\n|$)")]
    private static partial Regex Head();
}
