namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The data folder and a backup hold every event (messages, users, machines): made readable by their owner only.
/// Under the usual umask 022 a folder was made 0755 and SQLite made its files 0644, readable by any local user.
/// A folder is made 0700; a database file is made empty with 0600 before SQLite opens it (SQLite takes an empty file
/// as a new database, <c>VACUUM INTO</c> too), and SQLite makes its <c>-wal</c>, <c>-shm</c> and <c>-journal</c>
/// files with the mode of their database, whenever they come. Folders and files that already exist keep their mode:
/// an administrator may have opened one to a group on purpose. Windows: the folder's inherited ACL, as before.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    /// <summary>A file readable and writable by its owner only: 0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Makes <paramref name="path"/> 0700 unless it exists; missing parents are made as before (umask), holding only it.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, FolderMode);
        }
    }

    /// <summary>Makes <paramref name="path"/> an empty file, 0600, unless it exists.</summary>
    public static void CreateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Made meanwhile by another opener: it is SQLite's to use as it found it.
        }
    }
}
