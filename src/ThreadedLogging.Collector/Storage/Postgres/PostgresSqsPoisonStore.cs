using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary><see cref="ISqsPoisonStore"/> on PostgreSQL: the <c>sqs_poison</c> table, shared by the collectors draining the same queues.</summary>
internal sealed class PostgresSqsPoisonStore(NpgsqlDataSource dataSource) : ISqsPoisonStore
{
    /// <summary>Bodies are kept up to this many characters (an SQS message is at most 1 MiB anyway).</summary>
    private const int MaxBodyChars = 1_048_576;

    public async Task AddAsync(SqsPoisonMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sqs_poison (queue, message_id, dedupe_id, format, receive_count, reason, moved_at, body)
            VALUES (@queue, @messageId, @dedupeId, @format, @receiveCount, @reason, @movedAt, @body)
            ON CONFLICT (queue, message_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("queue", message.Queue);
        command.Parameters.AddWithValue("messageId", message.MessageId);
        command.Parameters.AddWithValue("dedupeId", (object?)message.DedupeId ?? DBNull.Value);
        command.Parameters.AddWithValue("format", (object?)message.Format ?? DBNull.Value);
        command.Parameters.AddWithValue("receiveCount", message.ReceiveCount);
        command.Parameters.AddWithValue("reason", message.Reason);
        command.Parameters.AddWithValue("movedAt", message.MovedAt.ToUniversalTime());
        var body = message.Body.Length > MaxBodyChars ? message.Body[..MaxBodyChars] : message.Body;
        command.Parameters.AddWithValue("body", PostgresText.WithoutNul(body));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(long Count, IReadOnlyList<SqsPoisonMessage> Newest)> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM sqs_poison");
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        await using var command = dataSource.CreateCommand("""
            SELECT id, queue, message_id, dedupe_id, format, receive_count, reason, moved_at, body
            FROM sqs_poison ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("limit", limit);
        var list = new List<SqsPoisonMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SqsPoisonMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5),
                reader.GetString(6),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(7), TimeSpan.Zero),
                reader.GetString(8)));
        }

        return (total, list);
    }
}
