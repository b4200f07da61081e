using System.Globalization;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// One collector process per SQLite data folder: an exclusive lock on <see cref="FileName"/> in it, taken when the app
/// is built and released when it is disposed, or by the OS when the process dies (no stale lock after a crash or a
/// SIGKILL). Without it a second collector started on the same folder wrote beside the first: their group numbers
/// collided (500s on ingest) and two full-text indexers shared one file. The file holds the holder's process id, for
/// an operator's <c>cat</c>.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "collector.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <exception cref="CollectorConfigurationException">Another process holds the folder (an <see cref="IOException"/> opening the
    /// existing file: .NET takes <c>flock</c> on Unix, a share lock on Windows), or its lock file cannot be made.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && File.Exists(path))
        {
            throw new CollectorConfigurationException(
                $"Collector:DataDirectory (--data) '{dataDirectory}' is in use by another collector process ({FileName} in it is locked; it holds that "
                + "process's id). Stop that collector first, give this one a folder of its own, or let several collectors share one "
                + "PostgreSQL database (Collector:Store=postgres).",
                e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CollectorConfigurationException(
                $"Invalid collector configuration: Collector:DataDirectory (--data) '{dataDirectory}': its lock file {FileName} cannot be made: {e.Message}", e);
        }

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

    public void Dispose() => _file.Dispose();
}
