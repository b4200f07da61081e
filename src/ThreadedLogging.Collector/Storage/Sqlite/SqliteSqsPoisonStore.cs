using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="ISqsPoisonStore"/> on SQLite: a file of its own beside the event store, so that setting a
/// message aside never waits on the event writer.
/// </summary>
internal sealed class SqliteSqsPoisonStore : ISqsPoisonStore
{
    public const string FileName = "sqs-poison.db";

    /// <summary>Bodies are kept up to this many characters (an SQS message is at most 1 MiB anyway).</summary>
    private const int MaxBodyChars = 1_048_576;

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS sqs_poison (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            dedupe_id TEXT,
            format TEXT,
            receive_count INTEGER NOT NULL,
            reason TEXT NOT NULL,
            moved_at TEXT NOT NULL,
            body TEXT NOT NULL,
            UNIQUE (queue, message_id)
        );
        """;

    private readonly SqliteSideFile _file;

    public SqliteSqsPoisonStore(string dataDirectory)
    {
        DatabasePath = Path.Combine(dataDirectory, FileName);
        _file = new SqliteSideFile(DatabasePath, CreateSchemaAsync);
    }

    public string DatabasePath { get; }

    public async Task AddAsync(SqsPoisonMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR IGNORE INTO sqs_poison (queue, message_id, dedupe_id, format, receive_count, reason, moved_at, body)
            VALUES ($queue, $messageId, $dedupeId, $format, $receiveCount, $reason, $movedAt, $body)
            """;
        command.Parameters.AddWithValue("$queue", message.Queue);
        command.Parameters.AddWithValue("$messageId", message.MessageId);
        command.Parameters.AddWithValue("$dedupeId", (object?)message.DedupeId ?? DBNull.Value);
        command.Parameters.AddWithValue("$format", (object?)message.Format ?? DBNull.Value);
        command.Parameters.AddWithValue("$receiveCount", message.ReceiveCount);
        command.Parameters.AddWithValue("$reason", message.Reason);
        command.Parameters.AddWithValue("$movedAt", message.MovedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$body", message.Body.Length > MaxBodyChars ? message.Body[..MaxBodyChars] : message.Body);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(long Count, IReadOnlyList<SqsPoisonMessage> Newest)> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM sqs_poison";
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, queue, message_id, dedupe_id, format, receive_count, reason, moved_at, body
            FROM sqs_poison ORDER BY id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
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
                DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                reader.GetString(8)));
        }

        return (total, list);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var schema = connection.CreateCommand();
        schema.CommandText = Schema;
        await schema.ExecuteNonQueryAsync(cancellationToken);
    }
}
