using System.Globalization;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// One collector process per SQLite data folder: an exclusive lock on <see cref="FileName"/> in it, taken when the app
/// is built and released when it is disposed, or by the OS when the process dies (no stale lock after a crash or a
/// SIGKILL). Without it a second collector started on the same folder wrote beside the first: their group numbers
/// collided (500s on ingest) and two full-text indexers shared one file. The file holds the holder's process id (the
/// collector's, or the backup command's), for an operator's <c>cat</c> (flock is advisory: <c>cat</c> reads it). A tool
/// that only reads the databases (sqlite3's <c>.backup</c>, <c>cp</c>) does not touch it.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "collector.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <exception cref="CollectorUnavailableException">Another process holds the folder (an <see cref="IOException"/> opening the
    /// lock file: .NET takes <c>flock</c> on Unix, a share lock on Windows; see <see cref="HeldByAnother"/>): exit code 3,
    /// as a port in use, since a start once that process has ended succeeds (systemd restarts it; exit code 2 it does not).</exception>
    /// <exception cref="CollectorConfigurationException">Its lock file cannot be opened or made.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        FileStream file;
        try
        {
            // Made 0600 as the folder's other files (OwnerOnlyFiles); an existing one keeps its mode.
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFiles.FileMode;
            }

            file = new FileStream(path, options);
        }
        catch (IOException e) when (HeldByAnother(e))
        {
            throw new CollectorUnavailableException(
                $"Collector:DataDirectory (--data) '{dataDirectory}' is in use by another collector process, or by the backup command "
                + $"of a stopped collector's folder: {FileName} in it is locked, and 'cat {Path.Combine(dataDirectory, FileName)}' shows that process's id. "
                + "Stop that collector or wait for the backup (a service restarted on failure starts once it has ended), give this one a folder of its own, "
                + "or let several collectors share one PostgreSQL database (Collector:Store=postgres).",
                e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CollectorConfigurationException(
                $"Invalid collector configuration: Collector:DataDirectory (--data) '{dataDirectory}': its lock file {FileName} cannot be opened or made: {e.Message}", e);
        }

        return Holding(file);
    }

    /// <summary>
    /// The folder's lock when no collector holds it, for a tool that reads the folder beside it (the backup): its
    /// existing lock file only, never one made (a file made by whoever runs the tool, root say, could keep a collector
    /// that runs as its own user from opening it); <see langword="null"/> when held, missing or not to be opened.
    /// </summary>
    public static DataDirectoryLock? TryAcquireIdle(string dataDirectory)
    {
        try
        {
            return Holding(new FileStream(Path.Combine(dataDirectory, FileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>The lock held through <paramref name="file"/>, which now holds this process's id (a collector's, or the backup command's).</summary>
    private static DataDirectoryLock Holding(FileStream file)
    {
        try
        {
            file.SetLength(0);
            file.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Flush();
        }
        catch (IOException)
        {
            // The id is for people; the lock is what counts.
        }

        return new DataDirectoryLock(file);
    }

    /// <summary>
    /// Whether opening failed because another process holds the lock, by the error itself: on Unix .NET takes
    /// <c>flock(LOCK_EX | LOCK_NB)</c>, which fails with EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs), carried
    /// as the exception's <see cref="Exception.HResult"/>; on Windows the share mode fails with ERROR_SHARING_VIOLATION
    /// (32) or ERROR_LOCK_VIOLATION (33) as an HRESULT. Any other error (an existing file that cannot be opened: a
    /// socket, a read-only mount) is not "in use", whatever the file's existing said.
    /// </summary>
    private static bool HeldByAnother(IOException e)
    {
        if (OperatingSystem.IsWindows())
        {
            return e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021);
        }

        return e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
    }
}
