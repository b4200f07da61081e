using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Counts the rows of <see cref="SqliteQueryBuilder.BuildSummary"/> as they are stepped, into what the histogram's and
/// the top values' statements each count (<see cref="IEventStore.SummarizeAsync"/>): one read of the rows, grouped in
/// memory, where each of those statements read them again and SQLite sorted every row it grouped (everyone's last 24
/// hours of 2,000,000 events: five or six passes of ~280,000 rows, bench/README.md). The groups are the statements'
/// (keys, or the text of a row without one), named through <see cref="SqliteNameCache"/>, merged by name and ranked as
/// their <c>ORDER BY</c> ranks them (<see cref="SqliteBinaryOrder"/>).
/// </summary>
internal sealed class SqliteSummaryReader
{
    private const long NoKey = SqliteQueryBuilder.NoKey;

    private readonly IReadOnlyList<EventField> _fields;
    private readonly long _start;
    private readonly long _last;
    private readonly long _width;
    private readonly long[] _counts;
    private readonly Dictionary<long, long> _otherCounts = [];
    private readonly FieldGroups[] _groups;

    public SqliteSummaryReader(TimeBuckets buckets, IReadOnlyList<EventField> fields)
    {
        _fields = fields;
        _start = buckets.Start.UtcTicks;
        _last = buckets.End.UtcTicks - 1;
        _width = buckets.Width.Ticks;
        _counts = new long[buckets.Count * 8];
        _groups = [.. fields.Select(_ => new FieldGroups())];
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
            var key = raw.sqlite3_column_int64(row, column);
            switch (_fields[i])
            {
                case EventField.Version:
                    _groups[i].Add(key, raw.sqlite3_column_int64(row, column + 1), null, error, ticks);
                    break;
                case EventField.Category or EventField.Template when key is NoKey or SqliteTemplateKeys.Message:
                    // A row without a key (or a template that is its message): its text is the group (NULL for none).
                    _groups[i].Add(key, NoKey, raw.sqlite3_column_text(row, column + 1).utf8_to_string(), error, ticks);
                    break;
                default:
                    _groups[i].Add(key, NoKey, null, error, ticks);
                    break;
            }
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

    private static ValueCounts Rank(EventField field, FieldGroups groups, SqliteNameCache names, SqliteNameCache.Lookups lookups, int top)
    {
        string? Name(int table, long key) => key == NoKey ? null : names.NameOf(table, key, lookups);
        var named = new Dictionary<(string? Value, string? App), Tally>();
        foreach (var (group, tally) in groups.All())
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
            ref var merged = ref CollectionsMarshal.GetValueRefOrAddDefault(named, name, out _);
            merged.Add(tally);
        }

        if (named.Count == 0)
        {
            return ValueCounts.None;
        }

        var values = named
            .OrderByDescending(v => v.Value.Count)
            .ThenBy(v => v.Key.App, SqliteBinaryOrder.Instance)
            .ThenBy(v => v.Key.Value, SqliteBinaryOrder.Instance)
            .Take(top)
            .Select(v => field == EventField.Version
                ? ValueCount.OfVersion(v.Key.App, v.Key.Value, v.Value.Count, v.Value.Errors, new DateTimeOffset(v.Value.Newest, TimeSpan.Zero), new DateTimeOffset(v.Value.Oldest, TimeSpan.Zero))
                : new ValueCount(v.Key.Value, v.Value.Count, v.Value.Errors, new DateTimeOffset(v.Value.Newest, TimeSpan.Zero), new DateTimeOffset(v.Value.Oldest, TimeSpan.Zero)))
            .ToList();
        return new ValueCounts(values, named.Count, named.Values.Sum(t => t.Count), named.GetValueOrDefault((null, null)).Count);
    }

    /// <summary>A group of a field: its key (and the app's, for a version), or the text of a row without a key.</summary>
    private readonly record struct Group(long Key, long Second, string? Text);

    /// <summary>
    /// A group's events, those of them Error or Critical, and the newest and oldest one's ticks (timestamps are never
    /// negative, and after 1970: an Oldest of 0 is a group with no event yet).
    /// </summary>
    private struct Tally
    {
        public long Count;
        public long Errors;
        public long Newest;
        public long Oldest;

        public void Add(bool error, long ticks)
        {
            Count++;
            Errors += error ? 1 : 0;
            Newest = Math.Max(Newest, ticks);
            Oldest = Oldest == 0 ? ticks : Math.Min(Oldest, ticks);
        }

        public void Add(Tally other)
        {
            Count += other.Count;
            Errors += other.Errors;
            Newest = Math.Max(Newest, other.Newest);
            Oldest = Oldest == 0 ? other.Oldest : other.Oldest == 0 ? Oldest : Math.Min(Oldest, other.Oldest);
        }
    }

    /// <summary>
    /// One field's groups: a key alone (rowids of a name table, dense from 1) in an array indexed by it, a key pair of
    /// two such keys (a version's) packed into one dictionary key, anything else (none, a text, a larger key) in a
    /// dictionary of its own. An array slot is an add, where a dictionary keyed by the whole group cost ~100 ns a row
    /// and field (bench/README.md, "The view in one request").
    /// </summary>
    private sealed class FieldGroups
    {
        /// <summary>
        /// The largest key kept in the array (at most 1.5 MiB of tallies a field and request, grown only as far as the largest
        /// key seen): the array is sized by the largest key, not the number of groups, so one row of a store's millionth user
        /// took 24 MB a field. A larger key goes to a dictionary — always the same one for the same key, so no group is split.
        /// </summary>
        private const int MaxDenseKey = 1 << 16;

        private readonly Dictionary<long, Tally> _pairs = [];
        private readonly Dictionary<Group, Tally> _others = [];
        private Tally[] _keys = new Tally[64];

        public void Add(long key, long second, string? text, bool error, long ticks)
        {
            if (text is null && second == NoKey && (ulong)key < MaxDenseKey)
            {
                if (key >= _keys.Length)
                {
                    Array.Resize(ref _keys, (int)Math.Min(MaxDenseKey, Math.Max(key + 1, _keys.Length * 2L)));
                }

                _keys[key].Add(error, ticks);
            }
            else if (text is null && (ulong)key <= int.MaxValue && (ulong)second <= int.MaxValue)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_pairs, (key << 32) | second, out _).Add(error, ticks);
            }
            else
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_others, new Group(key, second, text), out _).Add(error, ticks);
            }
        }

        /// <summary>Every group with its tally.</summary>
        public IEnumerable<(Group Group, Tally Tally)> All()
        {
            for (var key = 0; key < _keys.Length; key++)
            {
                if (_keys[key].Count > 0)
                {
                    yield return (new Group(key, NoKey, null), _keys[key]);
                }
            }

            foreach (var (pair, tally) in _pairs)
            {
                yield return (new Group(pair >> 32, pair & uint.MaxValue, null), tally);
            }

            foreach (var (group, tally) in _others)
            {
                yield return (group, tally);
            }
        }
    }
}
