using System.Data.Common;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Takes the rows of a top-values statement, as both engines write them: (value, app, events, errors, newest ticks,
/// distinct values, events in all), most events first, then the oldest ticks in column <paramref name="oldestColumn"/>
/// (after the columns a summary adds) and the events without a value (all rows alike) in the column after it. The
/// engine's reader moves; this reads the current row.
/// </summary>
internal sealed class ValueCountReader(EventField field, int oldestColumn = 7)
{
    private readonly List<ValueCount> _values = [];
    private long _distinct;
    private long _total;
    private long _withoutValue;

    /// <summary>Reads the reader's current row.</summary>
    public void Add(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var value = reader.IsDBNull(0) ? null : reader.GetString(0);
        var (count, errors, newest) = (reader.GetInt64(2), reader.GetInt64(3), new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero));
        var oldest = new DateTimeOffset(reader.GetInt64(oldestColumn), TimeSpan.Zero);
        _values.Add(field == EventField.Version
            ? ValueCount.OfVersion(reader.IsDBNull(1) ? null : reader.GetString(1), value, count, errors, newest, oldest)
            : new ValueCount(value, count, errors, newest, oldest));
        _distinct = reader.GetInt64(5);
        _total = reader.GetInt64(6);
        _withoutValue = reader.GetInt64(oldestColumn + 1);
    }

    public ValueCounts Result() => _values.Count == 0 ? ValueCounts.None : new ValueCounts(_values, _distinct, _total, _withoutValue);
}
