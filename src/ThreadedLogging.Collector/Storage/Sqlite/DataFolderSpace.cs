namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>The free space of the filesystem a folder is on, as an unprivileged process may use it (statvfs's <c>f_bavail</c>), and its size.</summary>
/// <param name="read">Reads the free space instead of the filesystem (tests: nothing real fills a disk on demand); null for the real one.</param>
/// <param name="size">Reads the filesystem's size instead (tests: the default reserve of a small disk); null for the real one.</param>
internal sealed class DataFolderSpace(Func<string, long?>? read = null, Func<string, long?>? size = null)
{
    /// <summary>Returns the bytes free for this process on <paramref name="folder"/>'s filesystem, or null when it cannot be read.</summary>
    public long? FreeBytes(string folder) => read is null ? Statvfs(folder) : read(folder);

    /// <summary>Returns the size of <paramref name="folder"/>'s filesystem, or null when it cannot be read.</summary>
    public long? TotalBytes(string folder) => size is null ? Read(folder, drive => drive.TotalSize) : size(folder);

    private static long? Statvfs(string folder) => Read(folder, drive => drive.AvailableFreeSpace);

    private static long? Read(string folder, Func<DriveInfo, long> value)
    {
        try
        {
            // On Unix DriveInfo takes any path and asks statvfs about it; on Windows, the volume of its root.
            return value(new DriveInfo(OperatingSystem.IsWindows() ? Path.GetPathRoot(folder)! : folder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
