using Npgsql;
using NpgsqlTypes;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// Erasure of a user (<see cref="IUserErasure"/>): chunks of the user's events, found through <c>ix_events_user_lower</c>
/// in every day partition, each deleted in a transaction of its own (ingest of other users never waits for it; the full
/// text is the row's own <c>search</c> column and goes with it). Matched as the <c>user</c> filter matches:
/// <c>lower(user_name) = lower(@user)</c>.
/// </summary>
/// <remarks>
/// The last chunk (fewer events than asked) also deletes the user's <c>users</c> rows. Every chunk first locks those rows
/// (in name order, as ingest does): an ingest of the user that committed before the lock has its events seen and deleted
/// by the chunk; one that had not waits for the chunk's commit to add its tally, so its events keep a row of their own.
/// An ingest under a name no row was locked for (a new one, another case) that commits after the chunk's find leaves
/// events the chunk did not see: the rows are kept and another chunk follows.
/// </remarks>
internal sealed partial class PostgresEventStore
{
    private const string ByUser = "lower(user_name) = lower(@user)";

    /// <summary>Gets or sets how an erasure cuts its work (tests: a small chunk and a step between chunks).</summary>
    internal ErasureChunking ErasureChunking { get; set; } = ErasureChunking.Default;

    public async Task<long> EraseUserAsync(string user, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        if (_disposed || !_ready)
        {
            throw EventStoreUnavailableException.NotOpen(closing: _disposed);
        }

        // A name with U+0000 (DELETE /api/users?user=a%00b) was stored with U+FFFD in its place, as every text is; sent as it
        // is, PostgreSQL refused the parameter (22021) and the erasure was a 500.
        user = PostgresText.WithoutNul(user);
        var chunking = ErasureChunking;
        long erased = 0;
        while (true)
        {
            var (events, last) = await EraseChunkRetriedAsync(user, chunking.Events, cancellationToken);
            erased += events;
            if (last)
            {
                return erased;
            }

            if (chunking.BetweenChunks is { } between)
            {
                await between();
            }
        }
    }

    /// <summary>
    /// A chunk, run again when its transaction lost to a concurrent one (<see cref="IsLostToAnother"/>): an ingest of the
    /// user, another erasure of them. It committed nothing, so the next attempt finds the same events or fewer.
    /// </summary>
    private async Task<(int Events, bool Last)> EraseChunkRetriedAsync(string user, int limit, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EraseChunkAsync(user, limit, cancellationToken);
            }
            catch (PostgresException e) when (attempt < MaxAttempts && IsLostToAnother(e))
            {
            }
        }
    }

    private async Task<(int Events, bool Last)> EraseChunkAsync(string user, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockUsers = new NpgsqlCommand($"SELECT 1 FROM users WHERE {ByUser} ORDER BY user_name FOR UPDATE", connection, transaction))
        {
            lockUsers.Parameters.AddWithValue("user", user);
            await lockUsers.ExecuteNonQueryAsync(cancellationToken);
        }

        var days = new HashSet<int>();
        var ids = new List<long>(limit);
        await using (var find = new NpgsqlCommand($"SELECT day, id FROM events WHERE {ByUser} LIMIT @limit", connection, transaction))
        {
            find.Parameters.AddWithValue("user", user);
            find.Parameters.AddWithValue("limit", limit);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                days.Add(reader.GetInt32(0));
                ids.Add(reader.GetInt64(1));
            }
        }

        var deleted = 0;
        if (ids.Count > 0)
        {
            // An id holds its millisecond, so its day: the ids in the chunk's days are exactly its rows, and the days
            // prune the partitions.
            await using var delete = new NpgsqlCommand("DELETE FROM events WHERE day = ANY(@days) AND id = ANY(@ids)", connection, transaction);
            delete.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.Integer, days.ToArray());
            delete.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ids.ToArray());
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var last = ids.Count < limit;
        if (last)
        {
            // One snapshot for both: an ingest of the user whose users row was not there to lock (a new name, or another
            // case of it) may have committed after the find, and its events would be left without their row. Then the
            // rows stay, and this chunk was not the last: the next one erases those events.
            await using var users = new NpgsqlCommand($"""
                WITH remaining AS (SELECT EXISTS (SELECT 1 FROM events WHERE {ByUser}) AS found),
                gone AS (DELETE FROM users WHERE {ByUser} AND NOT (SELECT found FROM remaining) RETURNING 1)
                SELECT found FROM remaining
                """, connection, transaction);
            users.Parameters.AddWithValue("user", user);
            last = !(bool)(await users.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return (deleted, last);
    }
}
