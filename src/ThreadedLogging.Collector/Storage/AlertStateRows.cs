using System.Data.Common;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The <c>alert_state</c> table of both stores: its SQL (named <c>@</c> parameters, which SQLite and Npgsql both read),
/// its columns' values (times as UTC ticks, null as <see cref="DBNull"/>) and the rows read back.
/// </summary>
internal static class AlertStateRows
{
    public const string Select = "SELECT rule, query, notified_to, pending_from, quiet_until, last_fired_from, last_fired_count FROM alert_state";

    public const string Upsert = """
        INSERT INTO alert_state (rule, query, notified_to, pending_from, quiet_until, last_fired_from, last_fired_count)
        VALUES (@rule, @query, @notified_to, @pending_from, @quiet_until, @last_fired_from, @last_fired_count)
        ON CONFLICT (rule) DO UPDATE SET query = excluded.query, notified_to = excluded.notified_to,
            pending_from = excluded.pending_from, quiet_until = excluded.quiet_until,
            last_fired_from = excluded.last_fired_from, last_fired_count = excluded.last_fired_count
        """;

    /// <summary>Gives <paramref name="command"/> (<see cref="Upsert"/>) the values of <paramref name="state"/>.</summary>
    public static void Bind(DbCommand command, SavedAlertState state)
    {
        Add(command, "rule", state.Rule);
        Add(command, "query", state.Query);
        Add(command, "notified_to", Ticks(state.NotifiedTo));
        Add(command, "pending_from", Ticks(state.PendingFrom));
        Add(command, "quiet_until", state.QuietUntil.UtcTicks);
        Add(command, "last_fired_from", Ticks(state.LastFiredFrom));
        Add(command, "last_fired_count", state.LastFiredCount is { } count ? count : DBNull.Value);
    }

    /// <summary>Runs <paramref name="command"/> (<see cref="Select"/>) and returns its rows by rule name.</summary>
    public static async Task<IReadOnlyDictionary<string, SavedAlertState>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, SavedAlertState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = new SavedAlertState(
                reader.GetString(0),
                reader.GetString(1),
                Time(reader, 2),
                Time(reader, 3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                Time(reader, 5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6));
            states[state.Rule] = state;
        }

        return states;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static object Ticks(DateTimeOffset? time) => time is { } t ? t.UtcTicks : DBNull.Value;

    private static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);
}
