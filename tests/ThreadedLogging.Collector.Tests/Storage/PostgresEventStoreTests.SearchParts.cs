using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>PostgreSQL's full text as SQLite's (schema version 9): phrases within one part, long words kept; a version 8 database converted.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Fact]
    public async Task Initialize_OnVersion8Database_PhrasesNoLongerCrossPartsAndLongWordsFound()
    {
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        await using (var current = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance))
        {
            await current.InitializeAsync(CancellationToken.None);
            await current.AppendAsync(new EventBatch(null, [
                WithStructure(Event(1, message: "invoice"), """{"Reason":"rejected"}""", null),
                Event(2, message: "long " + new string('w', 3000) + " end"),
            ]), CancellationToken.None);
        }

        // The search column as versions 7 and 8 made it: one text of every part, words of 2047 bytes or more left out.
        await using (var downgrade = dataSource.CreateCommand("""
            ALTER TABLE events DROP COLUMN search;
            DROP FUNCTION tl_words(text);
            DROP FUNCTION tl_search_text(text);
            ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, regexp_replace(
                tl_fold_diacritics(message || ' ' || coalesce(tl_json_strings(exception), '')
                    || ' ' || coalesce(tl_json_values(properties, 'strict $.** ? (@.type() == "string" || @.type() == "number")'), '')
                    || ' ' || coalesce(tl_json_values(context, 'strict $ ? (exists(@.scopes)).scopes.** ? (@.type() == "string" || @.type() == "number")'), '')),
                '[^[:alnum:]]+', ' ', 'g'))) STORED;
            CREATE INDEX ix_events_search ON events USING gin (search);
            UPDATE tl_schema SET version = 8;
            """))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        async Task<long[]> Find(params string[] words) =>
            [.. (await store.QueryAsync(new EventQuery { Words = words, Limit = 10 }, CancellationToken.None)).Events.Select(e => e.Sequence!.Value)];

        Assert.Empty(await Find("invoice rejected"));
        Assert.Equal(1L, Assert.Single(await Find("invoice", "rejected")));
        Assert.Equal(2L, Assert.Single(await Find("ww*")));
        Assert.Empty(await Find("long end"));
    }
}
