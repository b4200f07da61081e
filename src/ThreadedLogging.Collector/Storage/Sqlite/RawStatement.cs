using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// A prepared statement driven through SQLitePCLRaw (the library under Microsoft.Data.Sqlite) on the
/// same connection and transaction, for the statements that run once per event or per few events. Microsoft.Data.Sqlite's
/// <c>ExecuteNonQuery</c> costs ~2.2 µs for 17 parameters here, this path ~0.8 µs (bench/README.md).
/// A value equal to the one bound last to the same parameter is not bound again (SQLite keeps bindings
/// across <c>sqlite3_reset</c>): the events of a batch share most columns (identity, path, category,
/// template), so most of a row's binding is skipped.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Bound[] _bound;
    private byte[] _utf8 = new byte[4096];

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement));
        _bound = new Bound[raw.sqlite3_bind_parameter_count(_statement) + 1];
    }

    public void Bind(int index, long value)
    {
        ref var bound = ref _bound[index];
        if (bound.Kind == BoundKind.Integer && bound.Integer == value)
        {
            return;
        }

        bound = default; // unknown until the bind succeeded
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        bound = new Bound(BoundKind.Integer, value, null);
    }

    public void Bind(int index, long? value)
    {
        if (value is { } v)
        {
            Bind(index, v);
        }
        else
        {
            BindNull(index);
        }
    }

    /// <summary>Binds text through a buffer the statement keeps (SQLite copies it), not a new UTF-8 array per value.</summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            BindNull(index);
            return;
        }

        ref var bound = ref _bound[index];
        if (bound.Kind == BoundKind.Text && string.Equals(bound.Text, value, StringComparison.Ordinal))
        {
            return;
        }

        bound = default;

        var size = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < size)
        {
            _utf8 = new byte[Math.Max(size, 2 * _utf8.Length)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, new ReadOnlySpan<byte>(_utf8, 0, length)));
        bound = new Bound(BoundKind.Text, 0, value);
    }

    /// <summary>Binds UTF-8 text as it is (SQLite copies it); the next <see cref="Bind(int, string?)"/> of this parameter binds again.</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> utf8)
    {
        _bound[index] = default;
        Check(raw.sqlite3_bind_text(_statement, index, utf8));
    }

    private void BindNull(int index)
    {
        ref var bound = ref _bound[index];
        if (bound.Kind == BoundKind.Null)
        {
            return;
        }

        bound = default;
        Check(raw.sqlite3_bind_null(_statement, index));
        bound = new Bound(BoundKind.Null, 0, null);
    }

    /// <summary>
    /// Runs the statement and returns how many rows it changed, or -1 when it broke a constraint with
    /// the extended code <paramref name="constraint"/> (the statement is undone, the transaction goes on).
    /// Any other error throws the <see cref="SqliteException"/> Microsoft.Data.Sqlite would.
    /// </summary>
    public int Execute(int constraint)
    {
        var rc = raw.sqlite3_step(_statement);
        var extended = rc == raw.SQLITE_DONE ? 0 : raw.sqlite3_extended_errcode(_db);
        raw.sqlite3_reset(_statement);
        if (rc == raw.SQLITE_DONE)
        {
            return raw.sqlite3_changes(_db);
        }

        if (extended == constraint && constraint != 0)
        {
            return -1;
        }

        SqliteException.ThrowExceptionForRC(rc, _db);
        throw new InvalidOperationException($"SQLite returned {rc}.");
    }

    /// <summary>Runs a query and returns the first column of its first row as an integer (0 without a row).</summary>
    public long Scalar()
    {
        var rc = raw.sqlite3_step(_statement);
        var value = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : 0;
        raw.sqlite3_reset(_statement);
        if (rc is not raw.SQLITE_ROW and not raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return value;
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private enum BoundKind : byte
    {
        Unknown,
        Null,
        Integer,
        Text,
    }

    /// <summary>What a parameter holds now (SQLite copied the text: <c>SQLITE_TRANSIENT</c>).</summary>
    private readonly record struct Bound(BoundKind Kind, long Integer, string? Text);
}
