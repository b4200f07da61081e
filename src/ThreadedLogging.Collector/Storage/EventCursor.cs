using System.Globalization;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// A position in the newest-first order: the id of the last event of a page (ids sort like timestamps,
/// see <c>SqliteEventIds</c>). Opaque to clients: they pass back the <c>next</c> they were given.
/// </summary>
internal readonly record struct EventCursor(long Id)
{
    public override string ToString() => Id.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out EventCursor cursor)
    {
        cursor = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new EventCursor(id);
        return true;
    }
}
