namespace ThreadedLogging.Aws.Tests.Support;

/// <summary>A fresh directory, deleted with its contents on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tl-aws-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pool: the OS temp cleaner gets it.
        }
    }
}
