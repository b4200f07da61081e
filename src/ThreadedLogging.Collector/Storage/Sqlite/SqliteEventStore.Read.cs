using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Queries, on read connections of their own.</summary>
internal sealed partial class SqliteEventStore
{
    /// <summary>How long a query with words waits for the full-text index to catch up before it answers with what is indexed.</summary>
    private static readonly TimeSpan FullTextWait = TimeSpan.FromSeconds(10);

    public async Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var indexBehind = await CatchUpFullTextAsync(query, cancellationToken);
        var page = Query(query, cancellationToken);
        return indexBehind ? page with { IndexBehind = true, IndexBehindEvents = _fts?.EventsBehind ?? 0 } : page;
    }

    /// <summary>
    /// Read your writes: a query with words waits until what was committed before it is indexed (the index lags by a
    /// group or two). Not while the indexer's writes fail (a full disk): the search then answers at once from what is
    /// indexed and hurries the indexer's next attempt. Returns whether the answer may lack events committed before it.
    /// </summary>
    private async Task<bool> CatchUpFullTextAsync(EventQuery query, CancellationToken cancellationToken)
    {
        if (!query.HasText || _writer is not { } writer || _fts is not { } fts)
        {
            return false;
        }

        var committed = writer.CommittedSeq;
        if (fts.IndexedSeq >= committed)
        {
            return false;
        }

        if (fts.Failing)
        {
            fts.Hurry();
            return fts.IndexedSeq < committed;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(FullTextWait);
        try
        {
            await fts.WaitForAsync(committed, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The indexer is far behind (or began failing meanwhile): answer from what it has, and say so.
        }

        return fts.IndexedSeq < committed;
    }

    /// <summary>Gets how many group commits wait for the full-text indexer (tests).</summary>
    internal int FullTextQueuedGroups => _fts?.QueuedGroups ?? 0;

    /// <summary>Completes when every message committed so far can be found (benchmarks, tests).</summary>
    internal Task WaitForFullTextAsync(CancellationToken cancellationToken) =>
        _writer is { } writer && _fts is { } fts ? fts.WaitForAsync(writer.CommittedSeq, cancellationToken) : Task.CompletedTask;

    /// <summary>Gets how far after its own millisecond an event's id may lie (<see cref="SqliteEventIds"/>).</summary>
    private long SpillMilliseconds => Volatile.Read(ref _writer)?.SpillMilliseconds ?? 0;

    private EventPage Query(EventQuery query, CancellationToken cancellationToken)
    {
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        Plan(connection, query, (words, rows, keys) => SqliteQueryBuilder.Build(command, query, words, rows, SpillMilliseconds, keys));
        return EventPage.FromOneMore(RawEventReader.Read(command, _names, Math.Min(query.Limit + 1, 1024), cancellationToken), query.Limit);
    }

    /// <summary>
    /// Looks up what the query's plan depends on (<see cref="SqliteQueryBuilder"/>: the keys of its user's names and, when
    /// full text meets a selective filter, how common its rarest word is and how many events the user has), then builds.
    /// </summary>
    private static void Plan(SqliteConnection connection, EventQuery query, Action<long?, long?, IReadOnlyList<long>?> build)
    {
        // Without a user: the events with no user key, which the users table's '' row counts.
        var userName = query.NoUser ? string.Empty : query.User;
        var userKeys = query.User is { } name ? UserKeys(connection, name) : null;
        if (SqliteQueryBuilder.NeedsWordDocuments(query))
        {
            build(RarestWordDocuments(connection, query), userName is { } user ? UserEvents(connection, user) : null, userKeys);
        }
        else
        {
            build(null, null, userKeys);
        }
    }

    public Task<StoredEvent?> GetEventAsync(long id, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = OpenRead();
        return Task.FromResult(ReadOne(connection, id));
    }

    public Task<EventContext?> GetContextAsync(long id, int count, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = OpenRead();
        if (ReadOne(connection, id) is not { } stored)
        {
            return Task.FromResult<EventContext?>(null);
        }

        if (stored.InstanceId is not { } instance || stored.Sequence is not { } sequence)
        {
            return Task.FromResult<EventContext?>(ContextByTime(connection, stored, count));
        }

        // ux_events_instance_key_sequence serves both sides: a range of one instance's sequences.
        List<StoredEvent> Side(string comparison, string order)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {SqliteSchema.SelectColumns} FROM events e WHERE e.instance_key = (SELECT id FROM instances WHERE name = $instance) AND e.sequence {comparison} $sequence ORDER BY e.sequence {order} LIMIT $count";
            command.Parameters.AddWithValue("$instance", instance);
            command.Parameters.AddWithValue("$sequence", sequence);
            command.Parameters.AddWithValue("$count", count);
            return ReadAll(command);
        }

        var before = Side("<", "DESC");
        before.Reverse();
        return Task.FromResult<EventContext?>(new EventContext(before, stored, Side(">", "ASC")));
    }

    /// <summary>
    /// The context of an event without an instance and a sequence (<see cref="EventContext.ByTime"/>): the events of its
    /// app and machine (and user, when it has one) nearest it by id, within the window. Its own keys, each an equality
    /// (or IS NULL) on an indexed key: a user's range of ix_events_user, which holds app_key and machine_key too, or
    /// without a user a machine's or app's range of its index (key, id), bounded by the window's ids. The user is
    /// matched as the user= filter matches it, in any (ASCII) case: one range per name of theirs in user_names.
    /// </summary>
    private EventContext ContextByTime(SqliteConnection connection, StoredEvent stored, int count)
    {
        var where = new List<string>(3);
        using (var keys = connection.CreateCommand())
        {
            keys.CommandText = "SELECT app_key, machine_key FROM events WHERE id = $id";
            keys.Parameters.AddWithValue("$id", stored.Id);
            using var reader = keys.ExecuteReader();
            if (!reader.Read())
            {
                return new EventContext([], stored, [], ByTime: true); // deleted since it was read (retention, erasure)
            }

            for (var i = 0; i < 2; i++)
            {
                var column = i == 0 ? "app_key" : "machine_key";
                where.Add(reader.IsDBNull(i) ? $"e.{column} IS NULL" : FormattableString.Invariant($"e.{column} = {reader.GetInt64(i)}"));
            }
        }

        // "Ann", "ann", "ANN": the names the user= filter finds (the event's own among them). Null: no user, every user's.
        List<long?> userKeys = stored.User is { } user ? [.. UserKeys(connection, user).Select(k => (long?)k)] : [null];
        if (userKeys.Count == 0)
        {
            return new EventContext([], stored, [], ByTime: true); // the user erased since the event was read
        }

        var (from, to) = EventContext.TimeBounds(stored);
        List<StoredEvent> Side(long? userKey, string comparison, string bound, long boundId, string order)
        {
            using var command = connection.CreateCommand();
            // Keys are numbers read from the file: written into the text, so that the planner sees each equality. A user's
            // range is named: without statistics the planner took ix_events_machine_key's range of the machine and read
            // every user's rows in it (an hour of a terminal server's events when the user had no other).
            var user = userKey is { } key ? FormattableString.Invariant($" AND e.user_key = {key}") : "";
            var index = userKey is null ? "" : " INDEXED BY ix_events_user";
            command.CommandText = $"SELECT {SqliteSchema.SelectColumns} FROM events e{index} WHERE {string.Join(" AND ", where)}{user} AND e.id {comparison} $id AND e.id {bound} $bound ORDER BY e.id {order} LIMIT $count";
            command.Parameters.AddWithValue("$id", stored.Id);
            command.Parameters.AddWithValue("$bound", boundId);
            command.Parameters.AddWithValue("$count", count);
            return ReadAll(command);
        }

        // Each name's range in id order, nearest first; with several names, the nearest count of them all. (One query with
        // user_key IN (…) would sort every row of theirs in the window.)
        List<StoredEvent> Nearest(string comparison, string bound, long boundId, string order)
        {
            var side = Side(userKeys[0], comparison, bound, boundId, order);
            foreach (var key in userKeys.Skip(1))
            {
                side.AddRange(Side(key, comparison, bound, boundId, order));
            }

            if (userKeys.Count > 1)
            {
                side.Sort((a, b) => order == "ASC" ? a.Id.CompareTo(b.Id) : b.Id.CompareTo(a.Id));
                side.RemoveRange(Math.Min(count, side.Count), Math.Max(0, side.Count - count));
            }

            return side;
        }

        var before = Nearest("<", ">=", from, "DESC");
        before.Reverse();
        return new EventContext(before, stored, Nearest(">", "<", to, "ASC"), ByTime: true);
    }

    public Task<UserPage> GetUsersAsync(UserQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = OpenRead();
        var page = SqliteUserQueries.ReadPage(connection, query);
        var users = SqliteUserQueries.Complete(connection, page.Take(query.Limit).ToList(), query, SpillMilliseconds, ids => ReadMany(connection, ids));
        UserCursor? next = page.Count > query.Limit ? SqliteUserQueries.Cursor(page[query.Limit - 1], query.Sort) : null;
        return Task.FromResult(new UserPage(users, next));
    }

    /// <summary>Reads events by id in one statement (a page's latest errors).</summary>
    private Dictionary<long, StoredEvent> ReadMany(SqliteConnection connection, IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        // Ids are numbers: written into the text, no parameter per id.
        command.CommandText = $"SELECT {SqliteSchema.SelectColumns} FROM events e WHERE e.id IN ({string.Join(", ", ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))})";
        return ReadAll(command).ToDictionary(e => e.Id);
    }

    private StoredEvent? ReadOne(SqliteConnection connection, long id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SqliteSchema.SelectColumns} FROM events e WHERE e.id = $id";
        command.Parameters.AddWithValue("$id", id);
        return ReadAll(command) is [var stored] ? stored : null;
    }

    private List<StoredEvent> ReadAll(SqliteCommand command) => RawEventReader.Read(command, _names, 16, CancellationToken.None);

    /// <summary>At most how many documents the query's full text finds (<see cref="SqliteQueryBuilder.MatchDocuments"/>; unknown: <see cref="long.MaxValue"/>).</summary>
    private static long RarestWordDocuments(SqliteConnection connection, EventQuery query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SqliteSchema.TermDocuments;
        var term = command.Parameters.Add("$term", SqliteType.Text);
        long Documents(string token)
        {
            term.Value = token;
            return command.ExecuteScalar() is long documents ? documents : 0;
        }

        return query.TextSearch is { } search ? SqliteQueryBuilder.MatchDocuments(search, Documents) ?? long.MaxValue : long.MaxValue;
    }

    private static List<long> UserKeys(SqliteConnection connection, string user)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SqliteQueryBuilder.UserKeys;
        command.Parameters.AddWithValue("$user", user);
        var keys = new List<long>(1);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(reader.GetInt64(0));
        }

        return keys;
    }

    private static long UserEvents(SqliteConnection connection, string user)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sum(total) FROM users WHERE user = $user COLLATE NOCASE";
        command.Parameters.AddWithValue("$user", user);
        return command.ExecuteScalar() is long total ? total : 0;
    }
}
