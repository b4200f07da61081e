using System.Text;
using Npgsql;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// Turns an <see cref="EventQuery"/> into one parameterized SELECT with the SQLite store's semantics: newest
/// first (id DESC), keyset-paged on the id, time bounds exact to the tick, a case-sensitive path prefix, and
/// every word found as a phrase, ignoring case and diacritics (the <c>simple</c> text search configuration: lower
/// case, no stemming, like FTS5's unicode61; diacritics folded by the schema's <c>tl_fold_diacritics</c>). Time
/// bounds and the cursor also bound <c>day</c>, so that only the partitions that can hold an answer are read.
/// </summary>
internal static class PostgresQueryBuilder
{
    public const string SelectColumns =
        "e.id, e.ts, e.level, e.category, e.message, e.template, e.exception, e.properties, e.context, e.app, e.version, e.user_name, e.machine, e.path, e.instance_id, e.sequence";

    /// <param name="command">Receives the SQL and its parameters.</param>
    /// <param name="query">What to find.</param>
    /// <param name="days">Only these days (inclusive; null: no bound on that side), for a walk over the partitions.</param>
    /// <param name="limit">How many rows to read (the default: one more than the query's limit).</param>
    public static void Build(NpgsqlCommand command, EventQuery query, (int? From, int? To) days = default, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT ").Append(SelectColumns).Append(From(command, query, days));

        // The same order as id DESC (an id's day grows with it); leading with the partition key lets PostgreSQL
        // read the partitions newest first and stop at the limit (see PostgresSchema's version 4).
        sql.Append(" ORDER BY e.day DESC, e.id DESC LIMIT ").Append(Parameter(command, limit ?? (query.Limit + 1)));
        command.CommandText = sql.ToString();
    }

    /// <summary>
    /// As <see cref="Build"/>, but reading at most the window's newest <paramref name="newestRows"/> rows (before the
    /// cursor, whatever else the query asks): the columns of <see cref="SelectColumns"/> and then the lowest id read
    /// (null when the window has fewer rows: all were read), in one row of nulls but that id when none matched.
    /// </summary>
    public static void BuildNewest(NpgsqlCommand command, EventQuery query, (int? From, int? To) days, int limit, int newestRows)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        var matches = "SELECT " + SelectColumns + From(command, query, days, "e.id >= coalesce(b.bound, 0)")
            + $" ORDER BY e.day DESC, e.id DESC LIMIT {Parameter(command, limit)}";
        command.CommandText = $"SELECT x.*, b.bound FROM (SELECT {NthNewestId(command, query, days, newestRows)} AS bound) b "
            + $"LEFT JOIN LATERAL ({matches}) x ON true";
    }

    /// <summary>
    /// The matches (older than <paramref name="below"/>, when given: what <see cref="BuildNewest"/> did not read), newest
    /// first, found first and then sorted: the rows in a subquery PostgreSQL plans alone (<c>OFFSET 0</c>), with no order
    /// to keep, so that it reads the full-text index (a bitmap over each day's GIN index) rather than the days' newest
    /// rows one by one, checking each. For a search that matched few of the newest rows, where the newest-first read
    /// would check a whole day to find a few.
    /// </summary>
    public static void BuildMatchesFirst(NpgsqlCommand command, EventQuery query, (int? From, int? To) days, int limit, long? below)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        var older = below is { } id ? $"e.id < {Parameter(command, id)}" : null;
        var matches = "SELECT " + SelectColumns + ", e.day" + From(command, query, days, older) + " OFFSET 0";
        command.CommandText = $"SELECT {SelectColumns.Replace("e.", "m.", StringComparison.Ordinal)} FROM ({matches}) m "
            + $"ORDER BY m.day DESC, m.id DESC LIMIT {Parameter(command, limit)}";
    }

    /// <summary>
    /// A scalar subquery: the id of the <paramref name="rows"/>-th newest event within <paramref name="days"/> and the
    /// query's days, before its cursor, whatever else it asks (null when there are fewer), read from the primary key alone.
    /// </summary>
    private static string NthNewestId(NpgsqlCommand command, EventQuery query, (int? From, int? To) days, int rows)
    {
        var where = new List<string>();
        if (query.Before is { } before)
        {
            where.Add($"n.id < {Parameter(command, before.Id)}");
        }

        if (LastDay(query) is { } last)
        {
            where.Add($"n.day <= {Parameter(command, last)}");
        }

        if (FirstDay(query) is { } first)
        {
            where.Add($"n.day >= {Parameter(command, first)}");
        }

        if (days.From is { } fromDay)
        {
            where.Add($"n.day >= {Parameter(command, fromDay)}");
        }

        if (days.To is { } toDay)
        {
            where.Add($"n.day <= {Parameter(command, toDay)}");
        }

        var conditions = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        return $"(SELECT n.id FROM events n{conditions} ORDER BY n.day DESC, n.id DESC OFFSET {Parameter(command, rows - 1)} LIMIT 1)";
    }

    /// <summary>
    /// The events the query selects (its limit and cursor ignored) counted by bucket of <paramref name="buckets"/> and
    /// level: rows of (bucket, level, count). The query's time bounds are expected within the buckets.
    /// </summary>
    public static void BuildCounts(NpgsqlCommand command, EventQuery query, TimeBuckets buckets)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        var start = Parameter(command, buckets.Start.UtcTicks);
        var width = Parameter(command, buckets.Width.Ticks);
        command.CommandText = $"SELECT (e.ts - {start}) / {width}, e.level, count(*)" + From(command, query with { Before = null }, default) + " GROUP BY 1, 2";
    }

    /// <summary>The oldest and newest timestamps (ticks) of the events the query selects (its limit and cursor ignored): one row, nulls when none.</summary>
    public static void BuildTimeSpan(NpgsqlCommand command, EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        command.CommandText = "SELECT min(e.ts), max(e.ts)" + From(command, query with { Before = null }, default);
    }

    /// <summary>
    /// The events the query selects (its limit and cursor ignored) counted by the value of <paramref name="field"/>:
    /// rows of (value, app — for <see cref="EventField.Version"/> —, events, errors, newest ticks, distinct values,
    /// events in all, oldest ticks, events without a value), the <paramref name="top"/> most frequent first, ties in byte order (as SQLite's).
    /// </summary>
    public static void BuildTopValues(NpgsqlCommand command, EventQuery query, EventField field, int top)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        var (value, app) = TopValueColumns(field);
        var grouped = $"SELECT {value} AS value, {app} AS app, count(*) AS n, count(*) FILTER (WHERE e.level >= 4) AS errors, max(e.ts) AS newest, min(e.ts) AS oldest"
            + From(command, query with { Before = null }, default) + " GROUP BY 1, 2";
        command.CommandText = $"SELECT t.value, t.app, t.n, t.errors, t.newest, count(*) OVER (), sum(t.n) OVER ()::bigint, t.oldest, "
            + $"coalesce(sum(t.n) FILTER (WHERE t.value IS NULL AND t.app IS NULL) OVER (), 0)::bigint FROM ({grouped}) t "
            + $"ORDER BY t.n DESC, t.app COLLATE \"C\" NULLS FIRST, t.value COLLATE \"C\" NULLS FIRST LIMIT {Parameter(command, top)}";
    }

    /// <summary>
    /// The events the query selects (its limit and cursor ignored) counted as <see cref="BuildCounts"/> and, for each of
    /// <paramref name="fields"/>, as <see cref="BuildTopValues"/>, in one statement that reads them once (grouping sets,
    /// hashed side by side). Rows of (value, app, events, errors, newest ticks, distinct values, events in all: the top
    /// values' columns, null for a bucket) then (set: -1 for the buckets, else the field's index; bucket; level; oldest ticks; events without a value): the
    /// buckets' counts (only events within the buckets), then each field's <paramref name="top"/> values in their order.
    /// </summary>
    public static void BuildSummary(NpgsqlCommand command, EventQuery query, TimeBuckets buckets, IReadOnlyList<EventField> fields, int top)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(fields);
        var start = Parameter(command, buckets.Start.UtcTicks);
        var last = Parameter(command, buckets.End.UtcTicks - 1);
        var width = Parameter(command, buckets.Width.Ticks);
        var rows = new StringBuilder($"SELECT CASE WHEN e.ts >= {start} AND e.ts <= {last} THEN (e.ts - {start}) / {width} END AS b, e.level AS lv, e.ts AS ts");
        var sets = new StringBuilder("(r.b, r.lv)");
        var set = new StringBuilder("CASE WHEN GROUPING(r.b, r.lv) = 0 THEN -1");
        var values = new StringBuilder("CASE");
        var apps = new StringBuilder("CASE");
        for (var i = 0; i < fields.Count; i++)
        {
            var (column, appColumn) = TopValueColumns(fields[i]);
            var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rows.Append($", {column} AS v{n}, {appColumn} AS a{n}");
            sets.Append($", (r.v{n}, r.a{n})");
            var grouped = $" WHEN GROUPING(r.v{n}, r.a{n}) = 0";
            set.Append($"{grouped} THEN {n}");
            values.Append($"{grouped} THEN r.v{n}");
            apps.Append($"{grouped} THEN r.a{n}");
        }

        // OFFSET 0 keeps the rows a subquery of their own: pulled up, two fields of one column (app, and a version's app)
        // would be one grouping expression, and GROUPING could not tell their sets apart.
        rows.Append(From(command, query with { Before = null }, default)).Append(" OFFSET 0");
        var (value, app) = fields.Count == 0 ? ("NULL::text", "NULL::text") : ($"{values} END", $"{apps} END");
        var grouping = $"SELECT {set} END AS s, r.b, r.lv, {value} AS value, {app} AS app, "
            + "count(*) AS n, count(*) FILTER (WHERE r.lv >= 4) AS errors, max(r.ts) AS newest, min(r.ts) AS oldest "
            + $"FROM ({rows}) r GROUP BY GROUPING SETS ({sets})";
        var ranked = "SELECT g.*, row_number() OVER (PARTITION BY g.s ORDER BY g.n DESC, g.app COLLATE \"C\" NULLS FIRST, g.value COLLATE \"C\" NULLS FIRST) AS rank, "
            + "count(*) OVER (PARTITION BY g.s) AS distinct_values, sum(g.n) OVER (PARTITION BY g.s)::bigint AS total, "
            + "coalesce(sum(g.n) FILTER (WHERE g.value IS NULL AND g.app IS NULL) OVER (PARTITION BY g.s), 0)::bigint AS without_value "
            + $"FROM ({grouping}) g";
        command.CommandText = "SELECT t.value, t.app, t.n, t.errors, t.newest, t.distinct_values, t.total, t.s, t.b, t.lv, t.oldest, t.without_value "
            + $"FROM ({ranked}) t WHERE (t.s = -1 AND t.b IS NOT NULL) OR (t.s >= 0 AND t.rank <= {Parameter(command, top)}) ORDER BY t.s, t.rank";
    }

    /// <summary>A field's value, and its app (a version's; null otherwise), as the top values group them.</summary>
    private static (string Value, string App) TopValueColumns(EventField field) => field switch
    {
        EventField.User => ("e.user_name", "NULL::text"),
        EventField.App => ("e.app", "NULL::text"),
        EventField.Version => ("e.version", "e.app"),
        EventField.Machine => ("e.machine", "NULL::text"),
        EventField.Category => ("e.category", "NULL::text"),
        EventField.Template => (EventTemplates.Sql, "NULL::text"),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    private static string Parameter(NpgsqlCommand command, object value)
    {
        var name = "p" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A filter looks for what ingest stored: U+FFFD in place of U+0000.
        command.Parameters.AddWithValue(name, value is string text ? PostgresText.WithoutNul(text) : value);
        return "@" + name;
    }

    /// <summary>" FROM events e WHERE …": the query's conditions, their parameters added to the command.</summary>
    private static string From(NpgsqlCommand command, EventQuery query, (int? From, int? To) days, string? bound = null)
    {
        var where = new List<string>();
        string Parameter(object value) => PostgresQueryBuilder.Parameter(command, value);

        if (query.App is { } app)
        {
            where.Add($"e.app = {Parameter(app)}");
        }

        if (query.Version is { } version)
        {
            // No index (docs/QUERY.md): checked on the rows the other filters leave. starts_with is byte-wise, whatever the collation.
            where.Add(query.VersionBuilds is { } builds
                ? $"(e.version = {Parameter(version)} OR starts_with(e.version, {Parameter(builds)}))"
                : $"e.version = {Parameter(version)}");
        }

        // The events sent without an app, version or machine, as the top values count them: no index, checked on the
        // rows the other filters leave.
        foreach (var field in query.AbsentFields)
        {
            where.Add($"e.{field} IS NULL");
        }

        if (query.NoUser)
        {
            // The users list's "(no user)": ingest stores an empty name as none (schema version 8), ix_events_no_user.
            where.Add("e.user_name IS NULL");
        }

        if (query.User is { } user)
        {
            // Case-insensitive, served by ix_events_user_lower (lower folds beyond ASCII, SQLite's NOCASE does not).
            where.Add($"lower(e.user_name) = lower({Parameter(user)})");
        }

        if (query.InstanceId is { } instance)
        {
            where.Add($"e.instance_id = {Parameter(instance)}");
        }

        if (query.TraceId is { } trace)
        {
            where.Add($"e.trace_id = {Parameter(trace)}");
        }

        if (query.Ids is { } ids)
        {
            where.Add($"e.id = ANY({Parameter(ids.ToArray())})");
        }

        if (query.Levels.Count > 0)
        {
            where.Add($"e.level = ANY({Parameter(query.Levels.Select(l => (short)l).ToArray())})");
        }

        if (query.Machine is { } machine)
        {
            where.Add($"e.machine = {Parameter(machine)}");
        }

        if (query.PathPrefix is { Length: > 0 } prefix)
        {
            where.Add($"e.path LIKE {Parameter(EscapeLike(prefix) + "%")}");
        }

        if (query.MinLevel is { } level)
        {
            where.Add($"e.level >= {Parameter((short)level)}");
        }

        if (query.From is { } from)
        {
            where.Add($"e.ts >= {Parameter(from.UtcTicks)}");
            where.Add($"e.day >= {Parameter(DayOf(from))}");
        }

        if (query.To is { } to)
        {
            where.Add($"e.ts <= {Parameter(to.UtcTicks)}");
            where.Add($"e.day <= {Parameter(DayOf(to))}");
        }

        if (query.Before is { } before)
        {
            where.Add($"e.id < {Parameter(before.Id)}");
            where.Add($"e.day <= {Parameter(PostgresPartitions.Day(before.Id >> SqliteEventIds.CounterBits))}");
        }

        if (bound is not null)
        {
            where.Add(bound);
        }

        if (days.From is { } fromDay)
        {
            where.Add($"e.day >= {Parameter(fromDay)}");
        }

        if (days.To is { } toDay)
        {
            where.Add($"e.day <= {Parameter(toDay)}");
        }

        if (query.Search is { } search)
        {
            where.Add($"e.search @@ {TsQuery(search, Parameter)}");
        }

        foreach (var phrase in query.PropertyPhrases)
        {
            // A phrase the database's locale makes no lexeme of (a letter its LC_CTYPE does not class as one) narrows
            // nothing, rather than matching nothing as an empty tsquery does. Folded at planning: the index is used.
            var words = Words(Parameter(phrase));
            where.Add($"(e.search @@ phraseto_tsquery('simple', {words}) OR numnode(phraseto_tsquery('simple', {words})) = 0)");
        }

        if (query.Template is { } template)
        {
            where.Add($"{EventTemplates.Sql} = {Parameter(template)}");
        }

        foreach (var condition in query.Properties)
        {
            where.Add(PropertyMatch(condition, Parameter));
        }

        var sql = new StringBuilder(" FROM events e");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        return sql.ToString();
    }

    /// <summary>
    /// <see cref="PropertyCondition"/>'s rule over the member of <c>properties</c> (<c>tl_json_member</c>, schema version 10)
    /// as jsonb equality: a string equal byte for byte, a number numerically (jsonb numbers are <c>numeric</c>: exact), a
    /// literal itself; an object or array equals none of them, a missing member (SQL null) nothing. A dotted name also
    /// over the member at its <see cref="PropertyCondition.Path"/>: <c>-&gt;</c> with each name a text parameter (never a
    /// jsonpath), which gives SQL null for a name an object lacks and for any value but an object (an array's index too).
    /// </summary>
    private static string PropertyMatch(PropertyCondition condition, Func<object, string> parameter)
    {
        var text = $"to_jsonb({parameter(condition.Value)}::text)";
        var json = (condition.Number ?? condition.Literal) is { } literal ? parameter(literal) + "::jsonb" : null;
        string Matches(string member) => json is null ? $"{member} = {text}" : $"{member} IN ({text}, {json})";

        var topLevel = Matches($"tl_json_member(e.properties, {parameter(condition.Name)})");
        if (condition.Path is not { } path)
        {
            return topLevel;
        }

        // The first name's member, or the destructured name's when the event has no member of the first name (SQL null).
        var first = $"tl_json_member(e.properties, {parameter(path[0])})";
        if (condition.DestructuredName is { } destructured)
        {
            first = $"coalesce({first}, tl_json_member(e.properties, {parameter(destructured)}))";
        }

        var member = new StringBuilder("(").Append(first);
        foreach (var name in path.Skip(1))
        {
            member.Append(" -> ").Append(parameter(name)).Append("::text");
        }

        return $"({topLevel} OR {Matches(member.Append(')').ToString())})";
    }

    /// <summary>
    /// The search as a <c>tsquery</c> expression: a term as the parser makes a phrase of the text (a prefix: the same phrase
    /// with its last word marked <c>:*</c>), combined with <c>&amp;&amp;</c>, <c>||</c> and <c>!!</c>. A phrase of no
    /// lexeme (letters the database's locale does not class as such, e.g. <c>é</c> under LC_CTYPE C) is the empty query,
    /// for a prefix too (<c>:*</c> alone is a tsquery syntax error), which an AND or OR leaves out.
    /// </summary>
    private static string TsQuery(SearchNode search, Func<object, string> parameter) => search switch
    {
        SearchTerm { IsPrefix: true } term => $"to_tsquery('simple', coalesce(nullif(phraseto_tsquery('simple', {Words(parameter(term.Phrase))})::text, '') || ':*', ''))",
        SearchTerm term => $"phraseto_tsquery('simple', {Words(parameter(term.Phrase))})",
        SearchAll all => "(" + string.Join(" && ", all.Items.Select(i => TsQuery(i, parameter))) + ")",
        SearchAny any => "(" + string.Join(" || ", any.Items.Select(i => TsQuery(i, parameter))) + ")",
        SearchNot not => "(!!" + TsQuery(not.Item, parameter) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(search), search, null),
    };

    /// <summary>
    /// The text's words as the search column makes them (<c>tl_search_text</c>, schema version 9): diacritics folded,
    /// anything but letters and digits separates, a word cut at 511 letters or digits.
    /// </summary>
    private static string Words(string parameter) => $"tl_search_text({parameter})";

    /// <summary>The newest day the query can return (its <c>To</c> and cursor), or null for no bound.</summary>
    public static int? LastDay(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int? last = query.To is { } to ? DayOf(to) : null;
        if (query.Before is { } before)
        {
            var day = PostgresPartitions.Day(before.Id >> SqliteEventIds.CounterBits);
            last = last is { } l ? Math.Min(l, day) : day;
        }

        return last;
    }

    /// <summary>The oldest day the query can return (its <c>From</c>), or null for no bound.</summary>
    public static int? FirstDay(EventQuery query) => query.From is { } from ? DayOf(from) : null;

    private static int DayOf(DateTimeOffset time) => PostgresPartitions.Day(SqliteEventIds.Milliseconds(time));

    /// <summary>A LIKE pattern that matches <paramref name="literal"/> itself (backslash is LIKE's default escape).</summary>
    internal static string EscapeLike(string literal) =>
        literal.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
