using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Counts the rows of <see cref="SqliteQueryBuilder.BuildSummary"/> as they are stepped, into what the histogram's and
/// the top values' statements each count (<see cref="IEventStore.SummarizeAsync"/>): one read of the rows, grouped in
/// hash tables, where each of those statements read them again and SQLite sorted every row it grouped (everyone's last
/// 24 hours of 2,000,000 events: five or six passes of 283,199 rows, bench/README.md). The groups are the statements'
/// (keys, or the text of a row without one), named through <see cref="SqliteNameCache"/>, merged by name and ranked as
/// their <c>ORDER BY</c> ranks them (<see cref="SqliteBinaryOrder"/>).
/// </summary>
internal sealed class SqliteSummaryReader
{
    /// <summary>A NULL key (keys are rowids of the name tables, and a template's 0).</summary>
    private const long NoKey = long.MinValue;

    private readonly IReadOnlyList<EventField> _fields;
    private readonly long _start;
    private readonly long _last;
    private readonly long _width;
    private readonly long[] _counts;
    private readonly Dictionary<long, long> _otherCounts = [];
    private readonly Dictionary<Group, Tally>[] _groups;

    public SqliteSummaryReader(TimeBuckets buckets, IReadOnlyList<EventField> fields)
    {
        _fields = fields;
        _start = buckets.Start.UtcTicks;
        _last = buckets.End.UtcTicks - 1;
        _width = buckets.Width.Ticks;
        _counts = new long[buckets.Count * 8];
        _groups = [.. fields.Select(_ => new Dictionary<Group, Tally>())];
    }

    /// <summary>Counts the statement's current row.</summary>
    public void Add(sqlite3_stmt row)
    {
        var ticks = raw.sqlite3_column_int64(row, 0);
        var level = raw.sqlite3_column_int64(row, 1);
        if (ticks >= _start && ticks <= _last)
        {
            // bucket * 8 + level, as the histogram's statement groups (a level outside 0..7 lands where it lands there).
            var k = ((ticks - _start) / _width * 8) + level;
            if ((ulong)k < (ulong)_counts.Length)
            {
                _counts[k]++;
            }
            else
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_otherCounts, k, out _)++;
            }
        }

        var error = level >= 4;
        for (var i = 0; i < _fields.Count; i++)
        {
            var column = 2 + (2 * i);
            var group = _fields[i] switch
            {
                EventField.Version => new Group(Key(row, column), Key(row, column + 1), null),
                EventField.Category or EventField.Template => new Group(Key(row, column), NoKey, raw.sqlite3_column_text(row, column + 1).utf8_to_string()),
                _ => new Group(Key(row, column), NoKey, null),
            };
            ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups[i], group, out var seen);
            tally = seen ? tally.With(error, ticks) : new Tally(1, error ? 1 : 0, ticks);
        }
    }

    /// <summary>The counts by bucket and level, and each field's top values, their names looked up on <paramref name="lookups"/> when not in <paramref name="names"/>.</summary>
    public EventSummary Result(SqliteNameCache names, SqliteNameCache.Lookups lookups, int top)
    {
        var counts = new List<BucketCount>();
        for (var k = 0; k < _counts.Length; k++)
        {
            if (_counts[k] > 0)
            {
                counts.Add(new BucketCount(k >> 3, (LogLevel)(k & 7), _counts[k]));
            }
        }

        counts.AddRange(_otherCounts.Select(c => new BucketCount((int)(c.Key >> 3), (LogLevel)(c.Key & 7), c.Value)));
        return new EventSummary(counts, [.. _fields.Select((field, i) => Rank(field, _groups[i], names, lookups, top))]);
    }

    private static ValueCounts Rank(EventField field, Dictionary<Group, Tally> groups, SqliteNameCache names, SqliteNameCache.Lookups lookups, int top)
    {
        if (groups.Count == 0)
        {
            return ValueCounts.None;
        }

        string? Name(int table, long key) => key == NoKey ? null : names.NameOf(table, key, lookups);
        var named = new Dictionary<(string? Value, string? App), Tally>();
        foreach (var (group, tally) in groups)
        {
            var name = field switch
            {
                EventField.User => (Name(2, group.Key), null),
                EventField.App => (Name(0, group.Key), null),
                EventField.Version => (Name(1, group.Key), Name(0, group.Second)),
                EventField.Machine => (Name(3, group.Key), null),
                EventField.Category => (group.Text ?? Name(6, group.Key), null),
                EventField.Template => (group.Text ?? Name(7, group.Key), (string?)null),
                _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
            };
            // Groups of one name merge (a category or template stored as a key and, in rows before version 9, as text).
            ref var merged = ref CollectionsMarshal.GetValueRefOrAddDefault(named, name, out var seen);
            merged = seen ? merged.Plus(tally) : tally;
        }

        var values = named
            .OrderByDescending(v => v.Value.Count)
            .ThenBy(v => v.Key.App, SqliteBinaryOrder.Instance)
            .ThenBy(v => v.Key.Value, SqliteBinaryOrder.Instance)
            .Take(top)
            .Select(v => new ValueCount(
                field == EventField.Version ? VersionLabel.Of(v.Key.App, v.Key.Value) : v.Key.Value, v.Value.Count, v.Value.Errors, new DateTimeOffset(v.Value.Newest, TimeSpan.Zero)))
            .ToList();
        return new ValueCounts(values, named.Count, named.Values.Sum(t => t.Count));
    }

    private static long Key(sqlite3_stmt row, int column) =>
        raw.sqlite3_column_type(row, column) == raw.SQLITE_NULL ? NoKey : raw.sqlite3_column_int64(row, column);

    /// <summary>A group of a field: its key (and the app's, for a version), or the text of a row without a key.</summary>
    private readonly record struct Group(long Key, long Second, string? Text);

    /// <summary>A group's events, those of them Error or Critical, and the newest one's ticks.</summary>
    private readonly record struct Tally(long Count, long Errors, long Newest)
    {
        public Tally With(bool error, long ticks) => new(Count + 1, error ? Errors + 1 : Errors, Math.Max(Newest, ticks));

        public Tally Plus(Tally other) => new(Count + other.Count, Errors + other.Errors, Math.Max(Newest, other.Newest));
    }
}
