namespace ThreadedLogging.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public IEnumerable<string> Segments => Directory.EnumerateFiles(Path, "*.seg", SearchOption.AllDirectories);

    /// <summary>Bytes in segment files now; files the worker deletes meanwhile count as empty.</summary>
    public long SegmentBytes => Segments.Sum(f =>
    {
        try
        {
            return new FileInfo(f).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
