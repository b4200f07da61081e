using System.Text;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Turns an <see cref="EventQuery"/> into one parameterized SELECT, newest first (id DESC, see
/// <see cref="SqliteEventIds"/>), keyset-paged on the id.
/// </summary>
/// <remarks>
/// Full text has three plans. Without a selective filter (user, machine, path) FTS5 drives: its matches
/// come newest first (rowid DESC) and the scan stops at the page size, however common the word. With
/// one, either the word's matches are materialized once and intersected with the filter (cost grows
/// with the word's documents, ~0.2 µs each), or each row of the filter is checked against FTS5 by
/// rowid (cost grows with the filter's rows, ~20 µs each): the cheaper by those measured costs.
/// </remarks>
internal static class SqliteQueryBuilder
{
    /// <summary>The keys of the user names equal to <c>$user</c> but for (ASCII) case.</summary>
    public const string UserKeys = "SELECT id FROM user_names WHERE name = $user COLLATE NOCASE";

    /// <summary>Up to this many documents, a word's matches are always materialized once.</summary>
    public const long RareWordDocuments = 20_000;

    /// <summary>When the filter's size is unknown (machine, path), up to this many documents.</summary>
    public const long UnknownFilterWordDocuments = 200_000;

    /// <summary>Materializing a match costs about a hundredth of checking one filtered row (bench/).</summary>
    public const long MatchesPerFilteredRow = 100;

    /// <summary>Gets a value indicating whether the plan depends on how common the query's words are.</summary>
    public static bool NeedsWordDocuments(EventQuery query) => query.HasText && IsSelective(query);

    /// <summary>Gets a value indicating whether a filter with an index of its own narrows the query (FTS5 does not drive then).</summary>
    private static bool IsSelective(EventQuery query) =>
        query.User is not null || query.NoUser || query.Machine is not null || query.PathPrefix is { Length: > 0 } || query.InstanceId is not null || query.TraceId is not null || query.Ids is not null;

    /// <param name="command">The command to fill.</param>
    /// <param name="query">The query.</param>
    /// <param name="rarestWordDocuments">
    /// How many documents the full-text match may find at most (<see cref="MatchDocuments"/>: with AND, the rarest term's), when <see cref="NeedsWordDocuments"/>.
    /// </param>
    /// <param name="filterRows">Events of the filtered user, when known.</param>
    /// <param name="spillMilliseconds">How far after its own millisecond an id may lie (<see cref="SqliteEventIds"/>).</param>
    /// <param name="userKeys">
    /// The keys of the names that equal the query's user but for case, when looked up before: one key is an index range
    /// already in id order, where a list (or a subquery) of keys has its rows sorted.
    /// </param>
    public static void Build(SqliteCommand command, EventQuery query, long? rarestWordDocuments = null, long? filterRows = null, long spillMilliseconds = 0, IReadOnlyList<long>? userKeys = null)
    {
        var (ftsDrives, where) = Filter(command, query, rarestWordDocuments, filterRows, spillMilliseconds, userKeys);
        var sql = new StringBuilder("SELECT ").Append(SqliteSchema.SelectColumns);
        if (ftsDrives)
        {
            sql.Append(FtsDrivenFrom).AppendJoin(" AND ", where).Append(" ORDER BY f.rowid DESC LIMIT $limit");
        }
        else
        {
            // Ids first, rows after: an index range (a path prefix spans many paths) is sorted on the
            // index alone, and only the rows of the page are read.
            sql.Append(" FROM events e WHERE e.id IN (SELECT e.id FROM events e");
            if (where.Count > 0)
            {
                sql.Append(" WHERE ").AppendJoin(" AND ", where);
            }

            sql.Append(" ORDER BY e.id DESC LIMIT $limit) ORDER BY e.id DESC");
        }

        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();
    }

    /// <summary>
    /// The events the query selects (its limit and cursor ignored) counted by bucket of <paramref name="buckets"/> and
    /// level: rows of (bucket, level, count). The query's time bounds are expected within the buckets. Parameters as <see cref="Build"/>'s.
    /// </summary>
    public static void BuildCounts(SqliteCommand command, EventQuery query, TimeBuckets buckets, long? rarestWordDocuments = null, long? filterRows = null, long spillMilliseconds = 0, IReadOnlyList<long>? userKeys = null)
    {
        command.Parameters.AddWithValue("$bucket_start", buckets.Start.UtcTicks);
        command.Parameters.AddWithValue("$bucket_width", buckets.Width.Ticks);
        // Grouped on one integer, bucket * 8 + level, taken apart after: SQLite sorts every row it groups, and a sort on one
        // column instead of two took a third less over the last 24 hours of 2,000,000 events (155 -> 100 ms, bench/README.md).
        // The first bucket starts at or before the query's from (TimeBuckets.Within), so bucket >= 0; >> and & are exact anyway.
        command.CommandText = "SELECT k >> 3, k & 7, n FROM ("
            + Aggregate(command, "((e.ts - $bucket_start) / $bucket_width) * 8 + e.level AS k, count(*) AS n", query with { Before = null }, rarestWordDocuments, filterRows, spillMilliseconds, userKeys)
            + " GROUP BY 1)";
    }

    /// <summary>The oldest and newest timestamps (ticks) of the events the query selects (its limit and cursor ignored): one row, nulls when none.</summary>
    public static void BuildTimeSpan(SqliteCommand command, EventQuery query, long? rarestWordDocuments = null, long? filterRows = null, long spillMilliseconds = 0, IReadOnlyList<long>? userKeys = null) =>
        command.CommandText = Aggregate(command, "min(e.ts), max(e.ts)", query with { Before = null }, rarestWordDocuments, filterRows, spillMilliseconds, userKeys);

    /// <summary>
    /// The events the query selects (its limit and cursor ignored) counted by the value of <paramref name="field"/>:
    /// rows of (value, app — for <see cref="EventField.Version"/> —, events, errors, newest ticks, distinct values,
    /// events in all, oldest ticks, events without a value), the <paramref name="top"/> most frequent first. Parameters as <see cref="Build"/>'s.
    /// </summary>
    public static void BuildTopValues(SqliteCommand command, EventQuery query, EventField field, int top, long? rarestWordDocuments = null, long? filterRows = null, long spillMilliseconds = 0, IReadOnlyList<long>? userKeys = null)
    {
        // Grouped on the keys (names in tables of their own); each group's name is looked up once, for the order of ties.
        // The unary + keeps a key's index out of the grouping: SQLite otherwise walks the whole index in key order to
        // skip the sort, every event of the store, where the query's own range (the last 24 hours: ~14 % of the bench's
        // store) and a temporary B-tree take a seventh of the time (bench/README.md, "Everyone's timeline and the top values").
        // Category and template: a key (version 9) or the text of a row written before, both in the group; groups of
        // the same name are merged once named (a store upgraded from version 8 holds both forms).
        var (key, second, value, app) = field switch
        {
            EventField.User => ("+e.user_key", null, "(SELECT name FROM user_names WHERE id = t.k1)", "NULL"),
            EventField.App => ("+e.app_key", null, "(SELECT name FROM apps WHERE id = t.k1)", "NULL"),
            EventField.Version => ("+e.version_key", "+e.app_key", "(SELECT name FROM versions WHERE id = t.k1)", "(SELECT name FROM apps WHERE id = t.k2)"),
            EventField.Machine => ("+e.machine_key", null, "(SELECT name FROM machines WHERE id = t.k1)", "NULL"),
            EventField.Category => ("+e.category_key", "e.category", "coalesce(t.k2, (SELECT name FROM categories WHERE id = t.k1))", "NULL"),
            EventField.Template => ("+" + SqliteTemplateKeys.GroupKey, SqliteTemplateKeys.GroupText, "coalesce(t.k2, (SELECT name FROM templates WHERE id = t.k1))", "NULL"),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };
        string grouped;
        if (field is EventField.Category or EventField.Template)
        {
            // The text of a row without a key is read in a subquery that SQLite runs row by row (LIMIT -1: never merged
            // into the grouping), so only such rows are read for it: grouped directly, SQLite put the text columns of
            // every row into its sort, read each row for them (a user's events from their index: a row lookup each) and
            // sorted the messages (a heavy user's top kinds 141 -> 50 ms, bench/README.md).
            grouped = "SELECT k1, k2, count(*) AS n, sum(level >= 4) AS errors, max(ts) AS newest, min(ts) AS oldest FROM ("
                + Aggregate(command, $"{key} AS k1, {second} AS k2, e.level AS level, e.ts AS ts", query with { Before = null }, rarestWordDocuments, filterRows, spillMilliseconds, userKeys)
                + " LIMIT -1) GROUP BY k1, k2";
        }
        else
        {
            var columns = second is null ? $"{key} AS k1" : $"{key} AS k1, {second} AS k2";
            var groupBy = second is null ? key : $"{key}, {second}";
            grouped = Aggregate(command, columns + ", count(*) AS n, sum(e.level >= 4) AS errors, max(e.ts) AS newest, min(e.ts) AS oldest", query with { Before = null }, rarestWordDocuments, filterRows, spillMilliseconds, userKeys)
                + " GROUP BY " + groupBy;
        }
        command.Parameters.AddWithValue("$top", top);
        command.CommandText = "SELECT value, app, n, errors, newest, count(*) OVER () AS distinct_values, sum(n) OVER () AS total, oldest, "
            + "coalesce(sum(CASE WHEN value IS NULL AND app IS NULL THEN n END) OVER (), 0) AS without_value FROM ("
            + $"SELECT {value} AS value, {app} AS app, sum(t.n) AS n, sum(t.errors) AS errors, max(t.newest) AS newest, min(t.oldest) AS oldest FROM ({grouped}) t GROUP BY 1, 2"
            + ") ORDER BY n DESC, app NULLS FIRST, value NULLS FIRST LIMIT $top";
    }

    /// <summary>
    /// The rows of a summary (<see cref="SqliteSummaryReader"/>) of the events the query selects (its limit and cursor
    /// ignored): (ticks, level, then two columns for each of <paramref name="fields"/>, <see cref="SummaryColumns"/>), in
    /// no order: one pass over the rows that the histogram and every top-values statement read each. Parameters as <see cref="Build"/>'s.
    /// </summary>
    public static void BuildSummary(SqliteCommand command, EventQuery query, IReadOnlyList<EventField> fields, long? rarestWordDocuments = null, long? filterRows = null, long spillMilliseconds = 0, IReadOnlyList<long>? userKeys = null)
    {
        var columns = new StringBuilder("e.ts, e.level");
        foreach (var field in fields)
        {
            columns.Append(", ").Append(SummaryColumns(field));
        }

        if (fields.Count > 0)
        {
            command.Parameters.AddWithValue("$no_key", NoKey);
        }

        command.CommandText = Aggregate(command, columns.ToString(), query with { Before = null }, rarestWordDocuments, filterRows, spillMilliseconds, userKeys);
    }

    /// <summary>A NULL key in a summary's rows (<see cref="SummaryColumns"/>): keys are rowids of the name tables, and a template's 0.</summary>
    public const long NoKey = long.MinValue;

    /// <summary>
    /// A field's two columns in a summary's rows, the group of <see cref="BuildTopValues"/>: its key (<see cref="NoKey"/>
    /// for none: one native call a row to read it, not two), and the app's key (<see cref="EventField.Version"/>), the text
    /// of a row without a key (<see cref="EventField.Category"/>, <see cref="EventField.Template"/>: only those rows are
    /// read for it) or NULL.
    /// </summary>
    public static string SummaryColumns(EventField field) => field switch
    {
        EventField.User => "ifnull(e.user_key, $no_key), NULL",
        EventField.App => "ifnull(e.app_key, $no_key), NULL",
        EventField.Version => "ifnull(e.version_key, $no_key), ifnull(e.app_key, $no_key)",
        EventField.Machine => "ifnull(e.machine_key, $no_key), NULL",
        EventField.Category => "ifnull(e.category_key, $no_key), e.category",
        EventField.Template => $"ifnull({SqliteTemplateKeys.GroupKey}, $no_key), {SqliteTemplateKeys.GroupText}",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    private const string FtsDrivenFrom = " FROM fts.events_fts f CROSS JOIN events e ON e.id = f.rowid WHERE ";

    private static string Aggregate(SqliteCommand command, string columns, EventQuery query, long? rarestWordDocuments, long? filterRows, long spillMilliseconds, IReadOnlyList<long>? userKeys)
    {
        var (ftsDrives, where) = Filter(command, query, rarestWordDocuments, filterRows, spillMilliseconds, userKeys);
        var sql = new StringBuilder("SELECT ").Append(columns);
        sql.Append(ftsDrives ? FtsDrivenFrom : where.Count > 0 ? " FROM events e WHERE " : " FROM events e").AppendJoin(" AND ", where);
        return sql.ToString();
    }

    /// <summary>The conditions of the query (on <c>e</c>, the events, and with full text on <c>f</c> when FTS5 drives), their parameters added to the command.</summary>
    private static (bool FtsDrives, List<string> Where) Filter(SqliteCommand command, EventQuery query, long? rarestWordDocuments, long? filterRows, long spillMilliseconds, IReadOnlyList<long>? userKeys)
    {
        var where = new List<string>();
        void Add(string condition, string name, object value)
        {
            where.Add(condition);
            command.Parameters.AddWithValue(name, value);
        }

        var search = query.TextSearch;
        var text = search is not null;
        var selective = IsSelective(query);
        var ftsDrives = text && !selective;
        var id = ftsDrives ? "f.rowid" : "e.id";

        if (query.App is { } app)
        {
            Add("e.app_key = (SELECT id FROM apps WHERE name = $app)", "$app", app);
        }

        if (query.Version is { } version)
        {
            // The version's keys (a few rows of the versions' unique index: the name, and the range of names that start
            // with "version+", '+' being 0x2B and ',' 0x2C in the binary collation), checked on the rows the other
            // filters leave: no index on version_key, whose every write would pay for it (docs/QUERY.md); a user's
            // events have it in ix_events_user.
            if (query.VersionBuilds is { } builds)
            {
                command.Parameters.AddWithValue("$version_builds", builds);
                command.Parameters.AddWithValue("$version_builds_end", version + ",");
                Add("e.version_key IN (SELECT id FROM versions WHERE name = $version OR (name >= $version_builds AND name < $version_builds_end))", "$version", version);
            }
            else
            {
                Add("e.version_key = (SELECT id FROM versions WHERE name = $version)", "$version", version);
            }
        }

        // The events sent without an app, version or machine: no key (an empty name sent is a name, as the top values count it).
        foreach (var field in query.AbsentFields)
        {
            where.Add($"e.{field}_key IS NULL");
        }

        if (query.NoUser)
        {
            // One IS NULL range of ix_events_user, in id order: ingest stores an empty name as none (schema version 8).
            where.Add("e.user_key IS NULL");
        }
        else if (userKeys is [var userKey])
        {
            Add("e.user_key = $user_key", "$user_key", userKey);
        }
        else if (userKeys is not null)
        {
            // Keys are numbers: written into the text (none: no event matches).
            where.Add("e.user_key IN (" + string.Join(',', userKeys.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")");
        }
        else if (query.User is { } user)
        {
            // NOCASE: ix_user_names_nocase finds the names (ASCII letters fold, as SQLite's NOCASE does).
            Add("e.user_key IN (" + UserKeys + ")", "$user", user);
        }

        if (query.InstanceId is { } instance)
        {
            Add("e.instance_key = (SELECT id FROM instances WHERE name = $instance)", "$instance", instance);
        }

        if (query.TraceId is { } trace)
        {
            Add("e.trace_id = $trace", "$trace", trace);
        }

        if (query.Ids is { } ids)
        {
            Add("e.id IN (SELECT value FROM json_each($ids))", "$ids", "[" + string.Join(',', ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]");
        }

        if (query.Machine is { } machine)
        {
            Add("e.machine_key = (SELECT id FROM machines WHERE name = $machine)", "$machine", machine);
        }

        if (query.PathPrefix is { Length: > 0 } prefix)
        {
            // GLOB is case-sensitive and, with a literal prefix, a range of the paths' unique index.
            Add("e.path_key IN (SELECT id FROM paths WHERE name GLOB $path)", "$path", EscapeGlob(prefix) + "*");
        }

        if (query.MinLevel is { } level)
        {
            Add("e.level >= $level", "$level", (int)level);
        }

        if (query.Levels.Count > 0)
        {
            // Enum values only (never text from the request), so they can be written into the SQL.
            where.Add("e.level IN (" + string.Join(',', query.Levels.Select(l => ((int)l).ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")");
        }

        if (query.From is { } from)
        {
            Add($"{id} >= $from_id", "$from_id", SqliteEventIds.First(from));
            Add("e.ts >= $from", "$from", from.UtcTicks);
        }

        if (query.To is { } to)
        {
            Add($"{id} < $to_id", "$to_id", SqliteEventIds.After(to, spillMilliseconds));
            Add("e.ts <= $to", "$to", to.UtcTicks);
        }

        if (query.Before is { } before)
        {
            Add($"{id} < $before", "$before", before.Id);
        }

        if (text)
        {
            command.Parameters.AddWithValue("$match", FtsMatch(search!));
            var materialize = rarestWordDocuments is { } documents
                && (documents <= RareWordDocuments
                    || (filterRows is { } rows ? documents <= MatchesPerFilteredRow * rows : documents <= UnknownFilterWordDocuments));
            if (!ftsDrives && materialize)
            {
                where.Add("e.id IN (SELECT rowid FROM fts.events_fts WHERE events_fts MATCH $match)");
            }
            else if (!ftsDrives)
            {
                where.Add("EXISTS (SELECT 1 FROM fts.events_fts WHERE events_fts MATCH $match AND rowid = e.id)");
            }
            else
            {
                where.Add("f.events_fts MATCH $match");
            }
        }

        if (query.Template is { } template)
        {
            // No index: checked on the rows the other filters leave (a kind worth a filter is a common one, so a page
            // of them is near, newest first).
            Add(SqliteTemplateKeys.Filter, "$template", template);
        }

        for (var i = 0; i < query.Properties.Count; i++)
        {
            where.Add(PropertyMatch(command, query.Properties[i], i));
        }

        return (ftsDrives, where);
    }

    /// <summary>
    /// <see cref="PropertyCondition"/>'s rule over the top-level members of <c>properties</c> (<c>json_each</c>: any name,
    /// its escapes read, and the JSON type of the value: <c>'1000'</c> as text is not <c>1000</c>; of a name given twice,
    /// the last), and for a dotted name also over the member at its <see cref="PropertyCondition.Path"/>. A number is compared
    /// as SQLite compares numbers: a 64-bit integer exactly, anything else as a double. Stored text that is not JSON
    /// matches nothing (instead of failing the query).
    /// </summary>
    private static string PropertyMatch(SqliteCommand command, PropertyCondition condition, int index)
    {
        var n = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = "$property_name" + n;
        var value = "$property_value" + n;
        command.Parameters.AddWithValue(name, condition.Name);
        command.Parameters.AddWithValue(value, condition.Value);
        var match = new StringBuilder($"p.type = 'text' AND p.value = {value}");
        if (condition.Number is { } number)
        {
            var parameter = "$property_number" + n;
            // Boxed apart: a conditional of long and double would be a double, which loses an integer's digits past 2^53.
            var bound = long.TryParse(number, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer)
                ? (object)integer
                : (object)double.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
            command.Parameters.AddWithValue(parameter, bound);
            match.Append($" OR p.type IN ('integer', 'real') AND p.value = {parameter}");
        }
        else if (condition.Literal is { } literal)
        {
            // json_each's type names the literal itself: 'true', 'false', 'null'.
            match.Append($" OR p.type = '{literal}'");
        }

        const string Document = "CASE WHEN json_valid(e.properties) THEN e.properties END";
        var topLevel = MemberMatches(Document, $"p.key = {name}", "max(p.id)", match.ToString());
        if (condition.Path is not { } path)
        {
            return topLevel;
        }

        // Each name of the path is a parameter, compared to json_each's key as the top-level name is: no user text in the
        // SQL nor in a JSON path ('"', '$', ']', '.' and spaces are characters of a name). The first name's member, or
        // the destructured name's in an event without it: of the rows of both names, one of the first name wins the max.
        var names = new string[path.Count];
        for (var i = 0; i < path.Count; i++)
        {
            names[i] = $"$property_path{n}_{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            command.Parameters.AddWithValue(names[i], path[i]);
        }

        var destructured = "$property_destructured" + n;
        command.Parameters.AddWithValue(destructured, condition.DestructuredName ?? path[0]);
        var member = ObjectMember(Document, $"p.key IN ({names[0]}, {destructured})", $"max(CASE WHEN p.key = {names[0]} THEN p.id + {FirstNameFirst} ELSE p.id END)");
        for (var i = 1; i < path.Count - 1; i++)
        {
            member = ObjectMember(member, $"p.key = {names[i]}", "max(p.id)");
        }

        return $"({topLevel} OR {MemberMatches(member, $"p.key = {names[^1]}", "max(p.id)", match.ToString())})";
    }

    /// <summary>2^53, added to a json_each id (a node's offset in the document) so that a row of a path's first name outranks one of its destructured name.</summary>
    private const string FirstNameFirst = "9007199254740992";

    /// <summary>
    /// Whether the member of <paramref name="document"/> that <paramref name="key"/> selects — the row <paramref name="last"/>
    /// picks: of a name given twice, the last — satisfies <paramref name="match"/> (on <c>p.type</c>, <c>p.value</c>).
    /// </summary>
    /// <remarks>
    /// A name given twice has its last value, as PostgreSQL's jsonb, System.Text.Json and JSON.parse read it (ingest stores
    /// JsonBatch's and CLEF's objects as sent): the member of the highest id, json_each numbering them in document order.
    /// max() takes the type and value from that row (SQLite's bare columns); no member: one row of nulls, which fails the
    /// match. ~0.2 µs a row over json_each alone, where ORDER BY id DESC LIMIT 1 cost ~0.9 (bench/README.md).
    /// </remarks>
    private static string MemberMatches(string document, string key, string last, string match) =>
        $"EXISTS (SELECT 1 FROM (SELECT {last}, p.type, p.value FROM json_each({document}) p WHERE {key}) p WHERE {match})";

    /// <summary>The JSON text of the member of <paramref name="document"/> as <see cref="MemberMatches"/> selects it when it is an object, else null (no members).</summary>
    private static string ObjectMember(string document, string key, string last) =>
        $"(SELECT CASE WHEN p.type = 'object' THEN p.value END FROM (SELECT {last}, p.type, p.value FROM json_each({document}) p WHERE {key}) p)";

    /// <summary>
    /// The search as an FTS5 MATCH expression: every term an FTS5 string (quotes doubled), a phrase of its tokens, a term
    /// ending in <c>*</c> a prefix phrase; AND, OR and NOT (binary in FTS5: what an AND's other items find, NOT what its
    /// exclusions find), every group in parentheses. User input never reaches the FTS syntax beyond the strings.
    /// </summary>
    internal static string FtsMatch(SearchNode search) => search switch
    {
        SearchTerm term => "\"" + term.Phrase.Replace("\"", "\"\"", StringComparison.Ordinal) + (term.IsPrefix ? "\"*" : "\""),
        SearchAny any => string.Join(" OR ", any.Items.Select(Grouped)),
        SearchAll all => all.Items.Where(i => i is SearchNot).Aggregate(
            string.Join(" AND ", all.Items.Where(i => i is not SearchNot).Select(Grouped)),
            (found, excluded) => "(" + found + ") NOT " + Grouped(((SearchNot)excluded).Item)),
        _ => throw new ArgumentException($"An exclusion is only ever an item of an AND ({search.Describe()}).", nameof(search)),
    };

    private static string Grouped(SearchNode node) => node is SearchTerm ? FtsMatch(node) : "(" + FtsMatch(node) + ")";

    /// <summary>
    /// At most how many documents <paramref name="search"/> finds, from each token's documents (<paramref name="tokenDocuments"/>):
    /// a term's rarest token, an AND's rarest item (its exclusions aside), an OR's items summed; null when unknown (a
    /// prefix matches more than one token). Picks the plan only: the results are the same either way.
    /// </summary>
    internal static long? MatchDocuments(SearchNode search, Func<string, long> tokenDocuments)
    {
        switch (search)
        {
            case SearchTerm term:
                // A prefix term's documents are not one token's: unknown.
                return term.IsPrefix ? null : Tokens(term.Phrase).Select(tokenDocuments).DefaultIfEmpty(0).Min();
            case SearchAll all:
                var found = all.Items.Where(i => i is not SearchNot).Select(i => MatchDocuments(i, tokenDocuments)).OfType<long>().ToList();
                return found.Count == 0 ? null : found.Min();
            case SearchAny any:
                long sum = 0;
                foreach (var item in any.Items)
                {
                    if (MatchDocuments(item, tokenDocuments) is not { } documents)
                    {
                        return null;
                    }

                    sum += documents;
                }

                return sum;
            default:
                return null;
        }
    }

    /// <summary>
    /// The tokens FTS5's default tokenizer (unicode61) makes of a phrase: lower case, split at anything but letters and
    /// digits. Diacritics are kept (unicode61 folds them): a token not found counts as rare, which only picks the plan.
    /// </summary>
    internal static IEnumerable<string> Tokens(string phrase)
    {
        var folded = new StringBuilder(phrase.Length);
        foreach (var c in phrase.ToLowerInvariant())
        {
            folded.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }

        return folded.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    internal static string EscapeGlob(string literal)
    {
        var escaped = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            _ = c switch
            {
                '*' => escaped.Append("[*]"),
                '?' => escaped.Append("[?]"),
                '[' => escaped.Append("[[]"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
