using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The few SQLite calls <see cref="RawStatement"/> makes per event, straight into the <c>e_sqlite3</c> library that
/// SQLitePCLRaw loaded (the same one: the name resolves through the app's native assets as SQLitePCLRaw's does).
/// SQLitePCLRaw's own calls go through an interface and take a reference on the statement's and the connection's
/// <see cref="SafeHandle"/> each time (issue 14: ~3 % of the writer thread in perf); these take the raw pointers of
/// handles the caller keeps alive. The calls that only set or read a value held in memory skip the GC transition:
/// they neither block on I/O nor call back, and the connection they touch is used by one thread only.
/// </summary>
internal static partial class SqliteNativeMethods
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLite copies the text before the bind returns (<c>SQLITE_TRANSIENT</c>).</summary>
    public static readonly nint Transient = -1;

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_int64")]
    [SuppressGCTransition]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial int BindInt64(nint statement, int index, long value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_null")]
    [SuppressGCTransition]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial int BindNull(nint statement, int index);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_text")]
    [SuppressGCTransition]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static unsafe partial int BindText(nint statement, int index, byte* text, int length, nint destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial int Step(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_reset")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial int Reset(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_changes")]
    [SuppressGCTransition]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial int Changes(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_extended_errcode")]
    [SuppressGCTransition]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial int ExtendedErrorCode(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    [SuppressGCTransition]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static partial long ColumnInt64(nint statement, int column);

    /// <summary>
    /// Binds UTF-8 text, copied by SQLite. An empty span binds the empty text, as SQLitePCLRaw's span overload does (a
    /// null pointer would bind NULL: SQLite's rule; <c>fixed</c> gives one for an empty span).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int BindText(nint statement, int index, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            byte empty = 0;
            return BindText(statement, index, &empty, 0, Transient);
        }

        fixed (byte* text = utf8)
        {
            return BindText(statement, index, text, utf8.Length, Transient);
        }
    }
}
