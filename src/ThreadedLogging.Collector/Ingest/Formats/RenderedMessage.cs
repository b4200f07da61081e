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
}
