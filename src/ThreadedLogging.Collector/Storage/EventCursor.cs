using System.Globalization;

namespace ThreadedLogging.Collector.Storage;

/// <summary>A position in the newest-first order (timestamp, then id): the keyset of paging.</summary>
internal readonly record struct EventCursor(long TimestampTicks, long Id)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{TimestampTicks}_{Id}");

    public static bool TryParse(string? text, out EventCursor cursor)
    {
        cursor = default;
        var parts = text?.Split('_');
        if (parts is not { Length: 2 }
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        cursor = new EventCursor(ticks, id);
        return true;
    }
}
