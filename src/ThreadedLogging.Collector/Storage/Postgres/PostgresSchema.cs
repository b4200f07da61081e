using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, versioned: each collector brings it up to <see cref="Version"/> at start while
/// holding an advisory lock, so two collectors starting at once apply each step once.
/// </summary>
/// <remarks>
/// Events are partitioned by UTC day (<c>day</c> = days since 1970 of the id's millisecond), so that retention
/// drops whole partitions. A unique index on a partitioned table must contain the partition key; both keys
/// do, and lose nothing by it: <c>(id, day)</c> is unique because an id holds its millisecond (one id is
/// always in one day), and <c>(instance_id, sequence, day)</c> catches a resent event because a resent event
/// carries its original timestamp. Batch keys live in an unpartitioned table, removed by retention by age.
/// Timestamps are UTC ticks (bigint) as in SQLite, so time bounds are exact to the tick.
/// </remarks>
internal static class PostgresSchema
{
    public const int Version = 13;

    /// <summary>Any 64-bit number the collectors agree on: the lock held while the schema is upgraded.</summary>
    public const long SchemaLock = 0x544C_5343_4845_4D41; // "TLSCHEMA"

    /// <summary>Held while partitions are created, so that two collectors creating the same day do not collide.</summary>
    public const long PartitionLock = 0x544C_5041_5254_4E53; // "TLPARTNS"

    /// <summary>Held by the collector running retention; the others skip their run.</summary>
    public const long RetentionLock = 0x544C_5245_5445_4E54; // "TLRETENT"

    /// <summary>Held, for as long as it runs, by the collector that evaluates alerts; the others wait their turn (<see cref="PostgresAlertLease"/>).</summary>
    public const long AlertLock = 0x544C_414C_4552_5453; // "TLALERTS"

    /// <summary>Npgsql's command timeout for "none".</summary>
    private const int NoTimeout = 0;

    private const string Version1 = """
        CREATE SEQUENCE event_counter CACHE 64;
        CREATE TABLE events (
            id          bigint NOT NULL,
            day         integer NOT NULL,
            ts          bigint NOT NULL,
            level       smallint NOT NULL,
            category    text,
            message     text NOT NULL,
            template    text,
            exception   text,
            properties  text,
            context     text,
            app         text,
            version     text,
            user_name   text,
            machine     text,
            path        text,
            instance_id text,
            sequence    bigint,
            received    bigint NOT NULL,
            search      tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, message || ' ' || coalesce(exception, ''))) STORED,
            PRIMARY KEY (id, day)
        ) PARTITION BY RANGE (day);
        CREATE INDEX ix_events_user ON events (user_name, id);
        CREATE INDEX ix_events_app ON events (app, id);
        CREATE INDEX ix_events_machine ON events (machine, id);
        CREATE INDEX ix_events_path ON events (path text_pattern_ops);
        CREATE INDEX ix_events_search ON events USING gin (search);
        CREATE UNIQUE INDEX ux_events_instance_sequence ON events (instance_id, sequence, day);

        CREATE TABLE batches (
            batch_key text PRIMARY KEY,
            accepted  integer NOT NULL,
            received  bigint NOT NULL
        );
        CREATE INDEX ix_batches_received ON batches (received);

        CREATE TABLE users (
            user_name    text PRIMARY KEY,
            first_seen   bigint NOT NULL,
            last_seen    bigint NOT NULL,
            last_app     text,
            last_machine text,
            total        bigint NOT NULL,
            n0 bigint NOT NULL, n1 bigint NOT NULL, n2 bigint NOT NULL,
            n3 bigint NOT NULL, n4 bigint NOT NULL, n5 bigint NOT NULL
        );
        CREATE INDEX ix_users_last_seen ON users (last_seen);
        -- Case-insensitive user lookups (search by name).
        CREATE INDEX ix_users_lower ON users (lower(user_name) text_pattern_ops);

        CREATE TABLE sqs_poison (
            id            bigserial PRIMARY KEY,
            queue         text NOT NULL,
            message_id    text NOT NULL,
            dedupe_id     text,
            format        text,
            receive_count integer NOT NULL,
            reason        text NOT NULL,
            moved_at      timestamptz NOT NULL,
            body          text NOT NULL,
            UNIQUE (queue, message_id)
        );
        """;

    /// <summary>
    /// Version 2 (issue 10, the support console): each user's latest error, kept by ingest and filled in from
    /// the events here; the user filter is case-insensitive, served by an index on lower(user_name).
    /// </summary>
    private const string Version2 = """
        ALTER TABLE users ADD COLUMN last_error_id bigint, ADD COLUMN last_error_ts bigint;
        UPDATE users u SET (last_error_id, last_error_ts) = (
            SELECT e.id, e.ts FROM events e
            WHERE e.user_name IS NOT DISTINCT FROM nullif(u.user_name, '') AND e.level >= 4
            ORDER BY e.ts DESC, e.id DESC LIMIT 1);
        CREATE INDEX ix_users_last_error ON users ((coalesce(last_error_ts, -1)), (user_name COLLATE "C"));
        CREATE INDEX ix_users_last_seen_name ON users (last_seen, (user_name COLLATE "C"));
        CREATE INDEX ix_events_user_lower ON events (lower(user_name), id);
        -- The exception's string values, not its JSON text (escapes such as \u0022 would glue onto words, and
        -- property names would match every exception); its text as it is should it not parse.
        CREATE FUNCTION tl_json_strings(doc text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(doc::jsonb, 'strict $.** ? (@.type() == "string")') AS v);
        EXCEPTION WHEN others THEN
            RETURN doc;
        END $$;
        -- Words split at anything but letters and digits, as SQLite's unicode61 does: the parser alone keeps
        -- "System.InvalidOperationException" or "pay.py" whole, so their parts would not be found.
        ALTER TABLE events DROP COLUMN search;
        ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
            regexp_replace(message || ' ' || coalesce(tl_json_strings(exception), ''), '[^[:alnum:]]+', ' ', 'g'))) STORED;
        CREATE INDEX ix_events_search ON events USING gin (search);
        """;

    /// <summary>Issue 13: support-controlled level rules and their audit.</summary>
    private const string Version3 = """
        CREATE TABLE level_rules (
            id         bigserial PRIMARY KEY,
            app        text,
            version    text,
            user_name  text,
            machine    text,
            category   text,
            level      smallint NOT NULL,
            expires    bigint NOT NULL,
            created_by text NOT NULL,
            created    bigint NOT NULL,
            rule       text NOT NULL
        );
        CREATE INDEX ix_level_rules_expires ON level_rules (expires);
        CREATE TABLE level_audit (
            id      bigserial PRIMARY KEY,
            rule_id bigint NOT NULL,
            action  text NOT NULL,
            by_key  text NOT NULL,
            at      bigint NOT NULL,
            rule    text NOT NULL
        );
        """;

    /// <summary>
    /// Version 4 (issue 12, query plans): every ordered index leads with its equality column, then <c>day</c>, then
    /// <c>id</c>, and queries sort by <c>(day DESC, id DESC)</c> (the same order as <c>id DESC</c>: an id's day grows
    /// with it). That order starts with the partition key, so PostgreSQL reads the partitions one after the other,
    /// newest first, and stops at the limit (an ordered Append) instead of opening every day's index and merging
    /// them (Merge Append). The (user_name, id) index served no query (user lookups are case-insensitive).
    /// Rebuilds these indexes on every partition once, under the schema lock.
    /// </summary>
    private const string Version4 = """
        ALTER TABLE events DROP CONSTRAINT events_pkey, ADD CONSTRAINT events_pkey PRIMARY KEY (day, id);
        DROP INDEX ix_events_user;
        DROP INDEX ix_events_user_lower;
        CREATE INDEX ix_events_user_lower ON events (lower(user_name), day, id);
        DROP INDEX ix_events_app;
        CREATE INDEX ix_events_app ON events (app, day, id);
        DROP INDEX ix_events_machine;
        CREATE INDEX ix_events_machine ON events (machine, day, id);
        """;

    /// <summary>
    /// Version 5: full text ignores diacritics as SQLite's FTS5 does (unicode61, <c>remove_diacritics 1</c>): a Latin
    /// letter with one diacritic is its base letter (é, Å, ç, İ → e, a, c, i), the 25 combining marks FTS5 drops are dropped
    /// (<c>e</c> + U+0301 is <c>e</c>), a letter with two diacritics (ǖ, ḉ) stays itself, and ß, æ, ø, œ, ł, đ, þ are letters of
    /// their own, as in FTS5. <c>tl_fold_diacritics</c> does it with built-ins only (no <c>unaccent</c>, which a managed
    /// database's role may not create, and whose rules differ: ß → ss, ø → o): decompose (NFD), drop a listed mark right
    /// after an ASCII letter and not before another mark, recompose (NFC). Text of ASCII only returns at once. A database
    /// not in UTF8 cannot normalize: there the function folds nothing. Rebuilds the search column and its index once, under
    /// the schema lock (bench/README.md: the time per million events).
    /// </summary>
    private const string Version5 = """
        DO $do$ BEGIN
            IF current_setting('server_encoding') = 'UTF8' THEN
                CREATE FUNCTION tl_fold_diacritics(doc text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
                BEGIN
                    IF octet_length(doc) = length(doc) THEN
                        RETURN doc;
                    END IF;
                    RETURN normalize(regexp_replace(normalize(translate(doc, 'ẛ', 's'), NFD),
                        '(?<=[A-Za-z])[\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331](?![\u0300-\u036f])', '', 'g'), NFC);
                END $$;
            ELSE
                CREATE FUNCTION tl_fold_diacritics(doc text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT doc';
            END IF;
        END $do$;
        ALTER TABLE events DROP COLUMN search;
        ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, regexp_replace(
            tl_fold_diacritics(message || ' ' || coalesce(tl_json_strings(exception), '')), '[^[:alnum:]]+', ' ', 'g'))) STORED;
        CREATE INDEX ix_events_search ON events USING gin (search);
        """;

    /// <summary>
    /// Version 6 (trace correlation): the context's W3C trace id in a column of its own, lower case (ingest writes it,
    /// <see cref="TraceIds"/>), and an index that serves the <c>traceId</c> filter in the partitions' order. Adding the
    /// column rewrites nothing; the events of an older collector that carry a trace id are filled in from their context
    /// (a context that does not parse as jsonb, e.g. a <c>\u0000</c> escape, is left without one). Under the schema lock.
    /// </summary>
    private const string Version6 = """
        ALTER TABLE events ADD COLUMN IF NOT EXISTS trace_id text;
        CREATE OR REPLACE FUNCTION pg_temp.tl_trace_id(doc text) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE id text;
        BEGIN
            id := doc::jsonb ->> 'traceId';
            RETURN CASE WHEN id ~ '^[0-9a-fA-F]{32}$' AND id !~ '^0+$' THEN lower(id) END;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$;
        UPDATE events SET trace_id = pg_temp.tl_trace_id(context) WHERE context LIKE '%"traceId"%' AND pg_temp.tl_trace_id(context) IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_events_trace ON events (trace_id, day, id) WHERE trace_id IS NOT NULL;
        """;

    /// <summary>
    /// Version 7: full text also covers the values of the properties (any depth) and of the context's scopes, strings and
    /// numbers (jsonb writes a number as SQLite's <c>PropertyText</c> does: <c>1e3</c> is <c>1000</c>), never the names; as
    /// SQLite's FTS5 <c>properties</c> column. A text that does not parse as jsonb (a <c>\u0000</c> escape) is read with
    /// U+FFFD in its place, which separates words as NUL does on SQLite. Rebuilds the search column and its index once,
    /// under the schema lock, as version 5 did (bench/README.md).
    /// </summary>
    private const string Version7 = """
        CREATE OR REPLACE FUNCTION tl_json_values(doc text, path jsonpath) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(replace(doc, '\u0000', '\ufffd')::jsonb, path) AS v);
        EXCEPTION WHEN others THEN
            RETURN doc;
        END $$;
        ALTER TABLE events DROP COLUMN search;
        ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, regexp_replace(
            tl_fold_diacritics(message || ' ' || coalesce(tl_json_strings(exception), '')
                || ' ' || coalesce(tl_json_values(properties, 'strict $.** ? (@.type() == "string" || @.type() == "number")'), '')
                || ' ' || coalesce(tl_json_values(context, 'strict $ ? (exists(@.scopes)).scopes.** ? (@.type() == "string" || @.type() == "number")'), '')),
            '[^[:alnum:]]+', ' ', 'g'))) STORED;
        CREATE INDEX ix_events_search ON events USING gin (search);
        """;

    /// <summary>
    /// Version 8: the events without a user (<c>noUser=true</c>, the users list's "(no user)") are those whose
    /// <c>user_name</c> is null, ingest's one form for no user (<see cref="NewEvent.User"/>); an index of their
    /// <c>(day, id)</c> only serves them newest first, stopping at the limit. Before, "null or empty" was two ranges of
    /// ix_events_user_lower, joined in a bitmap and every match sorted. Empty names stored before become null (found
    /// through that index: lower('') is ''). Under the schema lock.
    /// </summary>
    private const string Version8 = """
        UPDATE events SET user_name = NULL WHERE lower(user_name) = '';
        CREATE INDEX IF NOT EXISTS ix_events_no_user ON events (day, id) WHERE user_name IS NULL;
        """;

    /// <summary>
    /// Version 9: full text gives SQLite's answers where it did not. A phrase stays within one part of the event — the
    /// message, the exception's strings, the values of the properties and scopes — as within one of FTS5's columns: each
    /// part is made into words by <c>tl_words</c> and the parts are joined one position apart (a lexeme no text makes,
    /// <c>~</c>, removed again by <c>ts_delete</c>), so "invoice rejected" no longer matched "invoice" ending the message
    /// and "rejected" starting a property. A word longer than 511 letters or digits is kept as its first 511: PostgreSQL
    /// leaves out a word of 2047 bytes or more (the words after it then closed up: "long end" matched across it), where
    /// FTS5 keeps it whole; the query's words are cut the same way (<c>tl_search_text</c>). Rebuilds the search column and
    /// its index once, under the schema lock, as version 7 did.
    /// </summary>
    private const string Version9 = """
        CREATE OR REPLACE FUNCTION tl_search_text(doc text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(regexp_replace(tl_fold_diacritics(doc), '[^[:alnum:]]+', ' ', 'g'),
                '([[:alnum:]]{255}[[:alnum:]]{255}[[:alnum:]])[[:alnum:]]+', '\1', 'g') $$;
        CREATE OR REPLACE FUNCTION tl_words(doc text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT to_tsvector('simple'::regconfig, tl_search_text(coalesce(doc, ''))) $$;
        ALTER TABLE events DROP COLUMN search;
        ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (ts_delete(
            tl_words(message) || '~:1'::tsvector || tl_words(tl_json_strings(exception)) || '~:1'::tsvector
                || tl_words(coalesce(tl_json_values(properties, 'strict $.** ? (@.type() == "string" || @.type() == "number")'), '')
                    || ' ' || coalesce(tl_json_values(context, 'strict $ ? (exists(@.scopes)).scopes.** ? (@.type() == "string" || @.type() == "number")'), '')),
            '~'::text)) STORED;
        CREATE INDEX ix_events_search ON events USING gin (search);
        """;

    /// <summary>
    /// Version 10: the <c>property</c> filter (<see cref="PropertyCondition"/>) reads one top-level member of the
    /// <c>properties</c> text as jsonb, as <c>tl_json_values</c> reads the text: a <c>\u0000</c> escape as U+FFFD, and a
    /// text that still does not parse has no member (SQL null) instead of failing the query. Parallel restricted: the
    /// exception block is a subtransaction, which a parallel worker cannot start. No data changes.
    /// </summary>
    private const string Version10 = """
        CREATE OR REPLACE FUNCTION tl_json_member(doc text, name text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL RESTRICTED AS $$
        BEGIN
            RETURN replace(doc, '\u0000', '\ufffd')::jsonb -> name;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$;
        """;

    /// <summary>
    /// Version 11: each alert rule's state (<see cref="PostgresAlertStateStore"/>), so that a restart or the collector
    /// taking the alert lease over never notifies a range again. Times are UTC ticks. No data changes. <c>IF NOT EXISTS</c>:
    /// a database set back to an older version (the upgrade tests) keeps the table.
    /// </summary>
    private const string Version11 = """
        CREATE TABLE IF NOT EXISTS alert_state (
            rule             text PRIMARY KEY,
            query            text NOT NULL,
            notified_to      bigint,
            pending_from     bigint,
            quiet_until      bigint NOT NULL,
            last_fired_from  bigint,
            last_fired_count bigint
        )
        """;

    /// <summary>
    /// Version 12: alert rules made through the API (<see cref="PostgresAlertRuleStore"/>, <c>POST /api/alerts</c>) and
    /// their audit, shared by the collectors of the database. Names unique ignoring case (<c>name_key</c>, upper case).
    /// Times and spans are ticks. No data changes. <c>IF NOT EXISTS</c>, as version 11.
    /// </summary>
    private const string Version12 = """
        CREATE TABLE IF NOT EXISTS alert_rules (
            id             bigserial PRIMARY KEY,
            name           text NOT NULL,
            name_key       text NOT NULL UNIQUE,
            query          text NOT NULL,
            threshold      integer NOT NULL,
            window_ticks   bigint NOT NULL,
            cooldown_ticks bigint,
            webhook        text NOT NULL,
            headers        text NOT NULL,
            created_by     text NOT NULL,
            created        bigint NOT NULL,
            changed_by     text NOT NULL,
            changed        bigint NOT NULL,
            rule           text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS alert_audit (
            id      bigserial PRIMARY KEY,
            rule_id bigint NOT NULL,
            action  text NOT NULL,
            by_key  text NOT NULL,
            at      bigint NOT NULL,
            rule    text NOT NULL
        )
        """;

    /// <summary>
    /// Version 13: <c>tl_search_text</c> and <c>tl_words</c> (version 9) get SQL-standard bodies, the same expressions.
    /// Their bodies were text, resolved by name at each use: <c>pg_dump</c> (README's backup) sets an empty search path,
    /// so <c>pg_restore</c> could not find <c>tl_fold_diacritics</c> when it made <c>events</c>' search column, and a
    /// restored database had no events table. A body parsed at creation refers to the functions it calls themselves
    /// (the dump qualifies them and orders them first) and is still inlined into the queries. No data changes.
    /// </summary>
    private const string Version13 = """
        CREATE OR REPLACE FUNCTION tl_search_text(doc text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN regexp_replace(regexp_replace(tl_fold_diacritics(doc), '[^[:alnum:]]+', ' ', 'g'),
                '([[:alnum:]]{255}[[:alnum:]]{255}[[:alnum:]])[[:alnum:]]+', '\1', 'g');
        CREATE OR REPLACE FUNCTION tl_words(doc text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN to_tsvector('simple'::regconfig, tl_search_text(coalesce(doc, '')));
        """;

    private static readonly string[] Steps = [Version1, Version2, Version3, Version4, Version5, Version6, Version7, Version8, Version9, Version10, Version11, Version12, Version13];

    /// <summary>Creates or upgrades the schema; safe when several collectors run it at once.</summary>
    /// <exception cref="CollectorConfigurationException">The database's schema is newer than this collector (exit code 2).</exception>
    public static Task<int> EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        EnsureAsync(connection, Version, cancellationToken);

    /// <summary>Creates or upgrades the schema up to <paramref name="target"/> (tests: a database as an older collector left it).</summary>
    /// <returns>The version found.</returns>
    internal static async Task<int> EnsureAsync(NpgsqlConnection connection, int target, CancellationToken cancellationToken)
    {
        // No command timeout for the lock and the steps: an upgrade rewrites every event (bench/README.md: seconds per
        // million) and may first wait for running queries; cancelled at the connection's timeout (Npgsql: 30 s), it would
        // roll back and fail again at every start. A collector waits for another's upgrade as long as it takes.
        await Execute(connection, $"SELECT pg_advisory_lock({SchemaLock})", cancellationToken, NoTimeout);
        try
        {
            await Execute(connection, "CREATE TABLE IF NOT EXISTS tl_schema (version integer NOT NULL)", cancellationToken);
            await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM tl_schema", connection);
            var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            if (current > Version)
            {
                // Before any step: an older build on a database a newer one upgraded (a rollback, or two versions sharing it).
                throw new CollectorConfigurationException(
                    $"The PostgreSQL database has schema version {current}; this collector knows up to {Version}. Upgrade the collector (or restore a backup made by this version).");
            }

            for (var step = current; step < target; step++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var apply = new NpgsqlCommand(Steps[step] + $"; DELETE FROM tl_schema; INSERT INTO tl_schema VALUES ({step + 1});", connection, transaction)
                {
                    CommandTimeout = NoTimeout,
                };
                await apply.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return current;
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({SchemaLock})", CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, int? timeout = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (timeout is { } seconds)
        {
            command.CommandTimeout = seconds;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
