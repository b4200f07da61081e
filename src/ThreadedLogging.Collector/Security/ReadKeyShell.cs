namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Endpoint metadata of the console's shell: the page and its files, and the sign-in, session and sign-out. They hold no
/// events themselves (the page fetches them with the read key's session), so while reading has a key
/// <see cref="KeylessRequestGuard"/> leaves them to that key, as it leaves the API: the console is usable through a
/// reverse proxy on the same machine with a read key and no ingest key.
/// </summary>
internal sealed class ReadKeyShell
{
    /// <summary>The one instance, added to the shell's endpoints.</summary>
    public static readonly ReadKeyShell Instance = new();

    private ReadKeyShell()
    {
    }
}
