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
        if (query.Words.Count > 0 && _writer is { } writer && _fts is { } fts && fts.IndexedSeq < writer.CommittedSeq)
        {
            // Read your writes: what was committed before the query is found by it (the index lags by a group or two).
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(FullTextWait);
            try
            {
                await fts.WaitForAsync(writer.CommittedSeq, wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The indexer is far behind (or retrying a failure): answer from what it has.
            }
        }

        return Query(query, cancellationToken);
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
        if (SqliteQueryBuilder.NeedsWordDocuments(query))
        {
            SqliteQueryBuilder.Build(command, query, RarestWordDocuments(connection, query), query.User is { } user ? UserEvents(connection, user) : null, SpillMilliseconds);
        }
        else
        {
            SqliteQueryBuilder.Build(command, query, spillMilliseconds: SpillMilliseconds);
        }

        using var registration = cancellationToken.Register(static c => ((SqliteCommand)c!).Cancel(), command);

        var events = new List<StoredEvent>(Math.Min(query.Limit + 1, 1024));
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                events.Add(StoredRows.ReadEvent(reader));
            }
        }

        return EventPage.FromOneMore(events, query.Limit);
    }

    public Task<IReadOnlyList<UserSummary>> GetUsersAsync(int limit, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT user, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5
            FROM users ORDER BY last_seen DESC, user LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
        var users = new List<UserSummary>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            users.Add(StoredRows.ReadUser(reader));
        }

        return Task.FromResult<IReadOnlyList<UserSummary>>(users);
    }

    private static long RarestWordDocuments(SqliteConnection connection, EventQuery query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SqliteSchema.TermDocuments;
        var term = command.Parameters.Add("$term", SqliteType.Text);
        var rarest = long.MaxValue;
        foreach (var word in SqliteQueryBuilder.Terms(query.Words))
        {
            term.Value = word;
            rarest = Math.Min(rarest, command.ExecuteScalar() is long documents ? documents : 0);
        }

        return rarest;
    }

    private static long UserEvents(SqliteConnection connection, string user)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT total FROM users WHERE user = $user";
        command.Parameters.AddWithValue("$user", user);
        return command.ExecuteScalar() is long total ? total : 0;
    }
}
