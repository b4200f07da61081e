using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// The bound on a message rendered from a template and its values (Python's <c>msg % args</c>, Serilog's and MEL's
/// templates): widths, alignments, precisions and repeated holes can make a small event render to gigabytes (issue 15
/// §2), so rendering stops past <c>Collector:MaxEventBytes</c> characters and the message ends with <see cref="TruncationMarker"/>.
/// </summary>
internal static class RenderedMessage
{
    /// <summary>Ends a rendered message cut at its limit.</summary>
    public const string TruncationMarker = "… [truncated: rendered message longer than the limit]";

    /// <summary>A builder kept by the thread between two renderings (a rendering's builder and its chunks were a third of CLEF's bytes per event).</summary>
    [ThreadStatic]
    private static StringBuilder? _kept;

    /// <summary>An empty builder to render into: the thread's kept one, or a new one when it is in use (a rendering within a rendering).</summary>
    public static StringBuilder Rent()
    {
        var builder = _kept ?? new StringBuilder(256);
        _kept = null;
        return builder.Clear();
    }

    /// <summary>The message of a builder from <see cref="Rent"/> (<see cref="Cut"/>), and the builder kept for the thread's next rendering unless it grew large.</summary>
    public static string Return(StringBuilder output, int maxLength)
    {
        var message = Cut(output, maxLength);
        Release(output);
        return message;
    }

    /// <summary>Gives back a builder from <see cref="Rent"/> whose text is not wanted (the body was no template after all).</summary>
    public static void Release(StringBuilder output)
    {
        if (output.Capacity <= 16 * 1024)
        {
            _kept = output;
        }
    }

    /// <summary>The output as it is, or its first <paramref name="maxLength"/> characters (never half a surrogate pair) and the marker.</summary>
    public static string Cut(StringBuilder output, int maxLength)
    {
        if (output.Length <= maxLength)
        {
            return output.ToString();
        }

        var end = maxLength > 0 && char.IsHighSurrogate(output[maxLength - 1]) ? maxLength - 1 : maxLength;
        return output.ToString(0, end) + TruncationMarker;
    }

    /// <summary>How many spaces an alignment of <paramref name="width"/> adds to <paramref name="length"/> characters, at most <paramref name="room"/>.</summary>
    public static int Padding(long width, int length, int room) => (int)Math.Clamp(Math.Abs(width) - length, 0, Math.Max(room, 0));

    /// <summary>Appends UTF-8 text (without JSON escapes) as characters, without a string of its own.</summary>
    public static void AppendUtf8(StringBuilder output, ReadOnlySpan<byte> utf8)
    {
        const int OnStack = 256;
        var chars = utf8.Length <= OnStack ? stackalloc char[OnStack] : new char[utf8.Length];
        var count = Encoding.UTF8.GetChars(utf8, chars);
        output.Append(chars[..count]);
    }
}
