namespace ThreadedLogging.Testing;

/// <summary>A fresh directory under the system temp folder, deleted with its contents on dispose.</summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tl-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open elsewhere (a pool, a lock) is left for the OS temp cleaner.
        }
    }
}
