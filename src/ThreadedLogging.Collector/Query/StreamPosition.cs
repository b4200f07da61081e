using System.Globalization;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Where a live stream is: the SSE id of the last event sent, <c>epoch.commit.index</c> (the run of the
/// collector, the commit number in <see cref="Storage.EventCommitFeed"/>, the event's place in that commit).
/// </summary>
internal readonly record struct StreamPosition(long Commit, int Index)
{
    public string Format(string epoch) => string.Create(CultureInfo.InvariantCulture, $"{epoch}.{Commit}.{Index}");

    /// <summary>Reads a Last-Event-ID of this run; false for anything else (another run, garbage).</summary>
    public static bool TryParse(string? text, string epoch, out StreamPosition position)
    {
        position = default;
        var parts = text?.Split('.');
        if (parts is not [var e, var c, var i] || e != epoch
            || !long.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var commit)
            || !int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        position = new StreamPosition(commit, index);
        return true;
    }
}
