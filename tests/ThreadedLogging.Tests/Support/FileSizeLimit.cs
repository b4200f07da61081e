using System.Runtime.InteropServices;

namespace ThreadedLogging.Tests.Support;

/// <summary>
/// A real write fault of the kernel's, for a moment: the process's file size limit (<c>RLIMIT_FSIZE</c>) lowered, so a
/// write past <c>bytes</c> into any file fails with <c>EFBIG</c> (an <see cref="IOException"/> to .NET), as on a full
/// disk. <c>SIGXFSZ</c>, which would end the process, is ignored for good. Process-wide: only in a test collection that
/// runs alone (<see cref="FileSizeLimitCollection"/>), and restored at once. Linux only.
/// </summary>
internal sealed partial class FileSizeLimit : IDisposable
{
    private const int RlimitFsize = 1;
    private const int Sigxfsz = 25;
    private static readonly nint Ignore = 1; // SIG_IGN
    private readonly Limit _before;

    private FileSizeLimit(long bytes)
    {
        Check(GetRlimit(RlimitFsize, out _before));
        _ = Signal(Sigxfsz, Ignore);
        var lowered = new Limit { Current = (ulong)bytes, Maximum = _before.Maximum };
        Check(SetRlimit(RlimitFsize, ref lowered));
    }

    /// <summary>From now until disposed, a write past <paramref name="bytes"/> into any file of this process fails.</summary>
    public static FileSizeLimit Lower(long bytes) => new(bytes);

    public void Dispose()
    {
        var before = _before;
        Check(SetRlimit(RlimitFsize, ref before));
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"getrlimit/setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, ref Limit limit);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}

/// <summary>Runs after every parallel test collection, alone: <see cref="FileSizeLimit"/> is process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FileSizeLimitCollection
{
    public const string Name = "File size limit (alone)";
}
